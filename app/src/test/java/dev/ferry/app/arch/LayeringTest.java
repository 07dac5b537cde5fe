package dev.ferry.app.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the layers: {@code ui → app → tunnel}. Nothing in app/ or tunnel/ imports JavaFX or
 * AWT UI; tunnel/ knows nothing of app/ or ui/; app/ knows nothing of ui/.
 */
class LayeringTest {
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("tunnel/src/main/java"))) {
            p = p.getParent();
        }
        assertThat(p).as("repository root").isNotNull();
        return p;
    }

    static List<String> violations(String module, Pattern forbidden) {
        Path src = root().resolve(module).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(src)) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().filter(l -> forbidden.matcher(l).find())
                            .map(l -> root().relativize(f) + ": " + l.strip());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noJavaFxBelowTheUi() {
        Pattern fx = Pattern.compile("^\\s*import\\s+(static\\s+)?(javafx\\.|java\\.awt\\.(SystemTray|TrayIcon|Frame|Dialog)|javax\\.swing\\.)");
        assertThat(violations("app", fx)).isEmpty();
        assertThat(violations("tunnel", fx)).isEmpty();
    }

    @Test
    void dependenciesPointDown() {
        assertThat(violations("tunnel", Pattern.compile("^\\s*import\\s+(static\\s+)?dev\\.ferry\\.(app|ui)\\."))).isEmpty();
        assertThat(violations("app", Pattern.compile("^\\s*import\\s+(static\\s+)?dev\\.ferry\\.ui\\."))).isEmpty();
    }

    @Test
    void theCheckItselfFindsImports() {
        // guards against a check that silently matches nothing
        assertThat(violations("app", Pattern.compile("^\\s*import\\s+dev\\.ferry\\.tunnel\\."))).isNotEmpty();
    }
}
