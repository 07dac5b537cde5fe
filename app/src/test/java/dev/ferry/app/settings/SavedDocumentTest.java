package dev.ferry.app.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One settings object and one state object per process: no change undoes another, saved shortly after. */
class SavedDocumentTest {
    @TempDir
    Path dir;

    FerryEnvironment env() {
        return new FerryEnvironment(Map.of("FERRY_HOME", dir.resolve("home").toString()), "Linux", dir.toString(), "alice");
    }

    @Test
    void changesFromManyThreadsAtOnceAreAllKept() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            files.add(Files.writeString(dir.resolve("ws-" + i + ".yaml"), "name: ws" + i + "\n"));
        }
        try (FerryCore core = new FerryCore(env())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Path f : files) {
                done.add(pool.submit(() -> {
                    go.await();
                    core.workspaces().remember(f);
                    return null;
                }));
            }
            done.add(pool.submit(() -> {
                go.await();
                core.settings().update(s -> s.theme = Settings.Theme.DARK);
                return null;
            }));
            done.add(pool.submit(() -> {
                go.await();
                core.settings().update(s -> s.athenaWorkgroup = "analysts");
                return null;
            }));
            go.countDown();
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode state = json.readTree(dir.resolve("home/state.json").toFile());
        List<String> recent = new ArrayList<>();
        state.get("recentWorkspaceFiles").forEach(n -> recent.add(n.asText()));
        assertThat(recent).containsExactlyInAnyOrderElementsOf(files.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList());
        JsonNode settings = json.readTree(dir.resolve("home/settings.json").toFile());
        assertThat(settings.get("theme").asText()).isEqualTo("DARK");
        assertThat(settings.get("athenaWorkgroup").asText()).isEqualTo("analysts");
    }

    @Test
    void aChangeIsSeenAtOnceAndSavedShortlyAfterInOneWrite() throws Exception {
        Path file = dir.resolve("settings.json");
        SavedDocument<Settings> doc = new SavedDocument<>(new JsonFileStore<>(file, Settings.class, Settings::new, false),
                Settings::copy, Duration.ofMillis(200));
        List<Settings.Theme> seen = new CopyOnWriteArrayList<>();
        doc.addListener(s -> seen.add(s.theme));
        doc.update(s -> s.theme = Settings.Theme.LIGHT);
        doc.update(s -> s.theme = Settings.Theme.DARK);
        assertThat(doc.get().theme).isEqualTo(Settings.Theme.DARK);
        assertThat(seen).containsExactly(Settings.Theme.LIGHT, Settings.Theme.DARK);
        assertThat(file).doesNotExist(); // not written on the caller's thread
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
        assertThat(Files.readString(file)).contains("\"DARK\"");
        // a copy handed out is not the document
        Settings copy = doc.get();
        copy.theme = Settings.Theme.SYSTEM;
        assertThat(doc.get().theme).isEqualTo(Settings.Theme.DARK);
        doc.close();
    }

    @Test
    void recentFilesAndTheLastWorkspaceMoveFromSettingsToTheStateFolder() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Path ws = Files.writeString(dir.resolve("mine.yaml"), "name: mine\n");
        // settings.json as Ferry wrote it before the state had its own file
        Files.writeString(home.resolve("settings.json"), """
                {
                  "theme" : "DARK",
                  "browserCommand" : "",
                  "recentWorkspaceFiles" : [ "%1$s" ],
                  "lastWorkspaceFile" : "%1$s",
                  "fromANewerFerry" : 7
                }
                """.formatted(ws.toAbsolutePath()));
        try (FerryCore core = new FerryCore(env())) {
            assertThat(core.workspaces().choose(java.util.Optional.empty())).isEqualTo(ws.toAbsolutePath());
            assertThat(core.workspaces().known()).contains(ws.toAbsolutePath().normalize());
            assertThat(core.settings().get().theme).isEqualTo(Settings.Theme.DARK);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode settings = json.readTree(home.resolve("settings.json").toFile());
        assertThat(settings.has("recentWorkspaceFiles")).isFalse();
        assertThat(settings.has("lastWorkspaceFile")).isFalse();
        assertThat(settings.get("fromANewerFerry").asInt()).isEqualTo(7);
        JsonNode state = json.readTree(home.resolve("state.json").toFile());
        assertThat(state.get("lastWorkspaceFile").asText()).isEqualTo(ws.toAbsolutePath().toString());
        assertThat(state.get("recentWorkspaceFiles").get(0).asText()).isEqualTo(ws.toAbsolutePath().toString());
    }
}
