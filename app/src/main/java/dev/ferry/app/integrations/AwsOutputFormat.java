package dev.ferry.app.integrations;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The ways to print what a client needs from a local AWS API proxy, named as
 * {@code tsh proxy aws --format} names them: one list and one rendering for
 * {@code ferry proxy aws --format} and the desktop's format menu.
 */
public enum AwsOutputFormat {
    UNIX("unix"),
    POWERSHELL("powershell"),
    COMMAND_PROMPT("command-prompt"),
    TEXT("text"),
    ATHENA_JDBC("athena-jdbc"),
    ATHENA_ODBC("athena-odbc"),
    JSON("json");

    private final String cliName;

    AwsOutputFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in the desktop's menu. */
    public String cliName() {
        return cliName;
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** By its command-line name; an unknown name is an error that lists the known ones. */
    public static AwsOutputFormat parse(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName.equals(name)).findFirst()
                .orElseThrow(() -> new FerryException("Unknown format '" + name + "'.", "Use one of: " + names() + "."));
    }

    public static String names() {
        return Arrays.stream(values()).map(AwsOutputFormat::cliName).collect(Collectors.joining(", "));
    }

    /** The shell variables of the OS: PowerShell on Windows, else a POSIX shell. */
    public static AwsOutputFormat defaultFor(FerryEnvironment env) {
        return env.isWindows() ? POWERSHELL : UNIX;
    }

    /** The text to copy or print. */
    public String render(AwsApiAccess access) {
        AwsApiFormats f = new AwsApiFormats(access);
        return switch (this) {
            case UNIX -> f.environment(ShellKind.UNIX);
            case POWERSHELL -> f.environment(ShellKind.POWERSHELL);
            case COMMAND_PROMPT -> f.environment(ShellKind.CMD);
            case TEXT -> f.environment(ShellKind.TEXT);
            case ATHENA_JDBC -> "# JDBC URL (Athena JDBC 3.x)\n" + f.athenaJdbcV3() + "\n\n# JDBC URL (legacy driver)\n"
                    + f.athenaJdbcLegacy() + "\n\n# JVM options, once Ferry's CA is in " + access.keystore()
                    + " (`ferry keystore import --keystore " + access.keystore() + "` or \"Import CA into keystore…\")\n"
                    + f.jvmTruststoreFlags() + "\n";
            case ATHENA_ODBC -> f.athenaOdbcDsn();
            case JSON -> f.json();
        };
    }
}
