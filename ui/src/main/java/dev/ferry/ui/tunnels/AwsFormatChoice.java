package dev.ferry.ui.tunnels;

import dev.ferry.app.integrations.AwsApiAccess;
import dev.ferry.app.integrations.AwsApiFormats;
import dev.ferry.app.integrations.ShellKind;

/** The formats the AWS proxy tab renders, named as {@code ferry proxy aws --format} names them. */
public enum AwsFormatChoice {
    UNIX("unix"),
    POWERSHELL("powershell"),
    COMMAND_PROMPT("command-prompt"),
    TEXT("text"),
    ATHENA_JDBC("athena-jdbc"),
    ATHENA_ODBC("athena-odbc"),
    JSON("json");

    private final String title;

    AwsFormatChoice(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    @Override
    public String toString() {
        return title;
    }

    public String render(AwsApiAccess access) {
        AwsApiFormats f = new AwsApiFormats(access);
        return switch (this) {
            case UNIX -> f.environment(ShellKind.UNIX);
            case POWERSHELL -> f.environment(ShellKind.POWERSHELL);
            case COMMAND_PROMPT -> f.environment(ShellKind.CMD);
            case TEXT -> f.environment(ShellKind.TEXT);
            case ATHENA_JDBC -> "# JDBC URL (Athena JDBC 3.x)\n" + f.athenaJdbcV3() + "\n\n# JDBC URL (legacy driver)\n"
                    + f.athenaJdbcLegacy() + "\n\n# JVM options (after \"Import CA into keystore…\" into "
                    + access.keystore() + ")\n" + f.jvmTruststoreFlags();
            case ATHENA_ODBC -> f.athenaOdbcDsn();
            case JSON -> f.json();
        };
    }
}
