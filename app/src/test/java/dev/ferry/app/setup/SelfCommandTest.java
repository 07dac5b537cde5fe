package dev.ferry.app.setup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** The command another program uses to run this Ferry's command line: never a bare "ferry". */
class SelfCommandTest {
    @TempDir
    Path dir;

    Path jar(String name, String mainClass) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    @Test
    void theInstalledLauncherWhenRunFromThePackage() {
        assertThat(SelfCommand.of("/opt/ferry/bin/ferry", "/opt/ferry/lib/runtime", "/opt/ferry/lib/app/a.jar", "Linux"))
                .containsExactly("/opt/ferry/bin/ferry");
    }

    @Test
    void onWindowsTheConsoleLauncherBesideTheDesktopOne() throws Exception {
        Path exe = Files.createFile(dir.resolve("Ferry.exe"));
        Files.createFile(dir.resolve("ferry-cli.exe"));
        assertThat(SelfCommand.of(exe.toString(), "C:/Ferry/runtime", "", "Windows 11"))
                .containsExactly(dir.resolve("ferry-cli.exe").toString());
    }

    @Test
    void theReadmesJavaJarBecomesThisJavaWithTheAbsoluteJar() throws Exception {
        Path jar = jar("ferry-desktop.jar", "dev.ferry.ui.Launcher");
        assertThat(SelfCommand.of(null, "/usr/lib/jvm/java-17", jar.toString(), "Linux"))
                .containsExactly("/usr/lib/jvm/java-17/bin/java", "-jar", jar.toAbsolutePath().toString());
    }

    @Test
    void anyOtherClassPathRunsTheCliMainClass() throws Exception {
        Path other = jar("surefirebooter.jar", "org.apache.maven.surefire.booter.ForkedBooter");
        List<String> argv = SelfCommand.of(null, "/jdk", other.toString(), "Linux");
        assertThat(argv).containsExactly("/jdk/bin/java", "-cp", other.toAbsolutePath().toString(), SelfCommand.MAIN_CLASS);
        assertThat(SelfCommand.line(List.of("/My Java/bin/java", "-jar", "/a b/ferry.jar", "--app", "x")))
                .isEqualTo("\"/My Java/bin/java\" -jar \"/a b/ferry.jar\" --app x");
    }
}
