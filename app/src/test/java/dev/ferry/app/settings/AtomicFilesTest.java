package dev.ferry.app.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.app.integrations.AwsConfigWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files Ferry rewrites keep their mode, owner and links; temp files and backups stay in bounds; a crash loses nothing. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void rewriteKeepsModeAndOwner() throws Exception {
        Path f = dir.resolve("store.p12");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        boolean root = "root".equals(System.getProperty("user.name"));
        UserPrincipalLookupService users = f.getFileSystem().getUserPrincipalLookupService();
        if (root) {
            PosixFileAttributeView view = Files.getFileAttributeView(f, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName("nobody"));
            view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
        }
        var ownerBefore = Files.getOwner(f);
        AtomicFiles.write(f, "new".getBytes(StandardCharsets.UTF_8), false);
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(Files.getOwner(f)).isEqualTo(ownerBefore);
        if (root) {
            assertThat(Files.getOwner(f).getName()).isEqualTo("nobody");
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(f, "newer".getBytes(StandardCharsets.UTF_8), false);
        assertThat(mode(f)).isEqualTo("rw-r-----");
        AtomicFiles.write(f, "secret".getBytes(StandardCharsets.UTF_8), true); // secrets: never group/other
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(Files.getOwner(f)).isEqualTo(ownerBefore);
    }

    @Test
    void newFilesArePrivateWhenTheyHoldSecrets() throws Exception {
        AtomicFiles.write(dir.resolve("secret"), new byte[] {1}, true);
        AtomicFiles.write(dir.resolve("public"), new byte[] {1}, false);
        assertThat(mode(dir.resolve("secret"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("public"))).isEqualTo("rw-r--r--");
    }

    @Test
    void symlinkedAwsConfigStaysALink() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles/aws"));
        Path real = dotfiles.resolve("config");
        Files.writeString(real, "[profile other]\nregion = eu-west-1\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path aws = Files.createDirectories(dir.resolve("home/.aws"));
        Path link = aws.resolve("config");
        Files.createSymbolicLink(link, Path.of("../../dotfiles/aws/config"));
        Path backup = AwsConfigWriter.upsertProfile(link, "ferry", Map.of("region", "us-east-1"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).contains("[profile other]").contains("[profile ferry]");
        assertThat(mode(real)).isEqualTo("rw-------");
        assertThat(backup.getParent()).isEqualTo(aws);
        assertThat(Files.isSymbolicLink(backup)).isFalse();
        assertThat(Files.readString(backup)).doesNotContain("[profile ferry]");
        assertThat(names(dotfiles)).containsExactly("config");
    }

    @Test
    void staleTemporaryFilesAreRemovedAndLiveOnesKept() throws Exception {
        Path f = dir.resolve("config");
        Files.writeString(f, "x");
        Path legacy = dir.resolve(".config8123456789.tmp");
        Files.writeString(legacy, "half");
        Files.setLastModifiedTime(legacy, FileTime.from(Instant.now().minusSeconds(3600)));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(30, TimeUnit.SECONDS);
        Path dead = dir.resolve(".config." + gone.pid() + ".1a2b.ferry-tmp");
        Files.writeString(dead, "half");
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        Path live = dir.resolve(".config." + alive + ".3c4d.ferry-tmp");
        Files.writeString(live, "being written");
        AtomicFiles.write(f, "y".getBytes(StandardCharsets.UTF_8), true);
        assertThat(names(dir)).containsExactlyInAnyOrder("config", live.getFileName().toString());
    }

    @Test
    void backupsAreBoundedAndUniqueUnderConcurrentWriters() throws Exception {
        Path f = dir.resolve("data-sources.json");
        for (int i = 0; i < 20; i++) {
            Files.writeString(f, "version " + i);
            AtomicFiles.backup(f);
        }
        List<String> backups = names(dir).stream().filter(n -> n.contains(".ferry-backup-")).toList();
        assertThat(backups).hasSize(AtomicFiles.KEPT_BACKUPS);
        assertThat(backups.stream().map(n -> {
            try {
                return Files.readString(dir.resolve(n));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })).containsExactly("version 15", "version 16", "version 17", "version 18", "version 19");

        // Rounds of 8 writers in the same few milliseconds: each gets a backup of its own, even
        // while the others prune (a pruned name must not be handed out again).
        for (int round = 0; round < 25; round++) {
            Set<Path> made = ConcurrentHashMap.newKeySet();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        made.add(AtomicFiles.backup(f));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                t.start();
                writers.add(t);
            }
            go.countDown();
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertThat(errors).isEmpty();
            assertThat(made).as("round %d", round).hasSize(8);
            assertThat(names(dir).stream().filter(n -> n.contains(".ferry-backup-"))).hasSize(AtomicFiles.KEPT_BACKUPS);
        }
    }

    /** A child JVM that rewrites {@code args[0]} forever with 8 MB of one repeated letter, alternating. */
    public static void main(String[] args) throws Exception {
        Path f = Path.of(args[0]);
        byte[] a = new byte[8 << 20];
        for (long i = 0; ; i++) {
            Arrays.fill(a, (byte) (i % 2 == 0 ? 'A' : 'B'));
            AtomicFiles.write(f, a, true);
        }
    }

    @Test
    void killedWriterLeavesTheFileWholeAndNoTemporaryFileAfterTheNextWrite() throws Exception {
        Path f = dir.resolve("config");
        Files.writeString(f, "original");
        for (int round = 0; round < 3; round++) {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process writer = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    AtomicFilesTest.class.getName(), f.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() ->
                        names(dir).stream().anyMatch(n -> n.endsWith(".ferry-tmp") && n.contains("." + writer.pid() + ".")));
            } finally {
                writer.destroyForcibly(); // SIGKILL, mid-write
                writer.waitFor(30, TimeUnit.SECONDS);
            }
            byte[] content = Files.readAllBytes(f);
            boolean original = new String(content, StandardCharsets.UTF_8).equals("original");
            boolean whole = content.length == 8 << 20 && (allOf(content, 'A') || allOf(content, 'B'));
            assertThat(original || whole).as("the file is the old or a complete new version").isTrue();
        }
        AtomicFiles.write(f, "after".getBytes(StandardCharsets.UTF_8), true);
        assertThat(names(dir)).containsExactly("config");
        assertThat(Files.readString(f)).isEqualTo("after");
    }

    static boolean allOf(byte[] b, char c) {
        for (byte x : b) {
            if (x != c) {
                return false;
            }
        }
        return true;
    }
}
