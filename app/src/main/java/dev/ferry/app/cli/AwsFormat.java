package dev.ferry.app.cli;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsProxyDetails;
import dev.ferry.app.integrations.AwsApiFormats;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.ShellKind;
import dev.ferry.app.settings.Settings;
import dev.ferry.app.tunnels.Tunnel;
import dev.ferry.app.workspace.Workspace;

import java.util.List;

/** The output formats of `ferry proxy aws`, named as `tsh proxy aws --format` names them. */
final class AwsFormat {
    static final List<String> NAMES = List.of("unix", "powershell", "command-prompt", "text", "athena-jdbc",
            "athena-odbc", "json");

    private AwsFormat() {
    }

    static void check(String format) {
        if (!NAMES.contains(format)) {
            throw new FerryException("Unknown format '" + format + "'.", "Use one of: " + String.join(", ", NAMES) + ".");
        }
    }

    static String render(FerryCore core, Workspace ws, Tunnel t, String format) {
        Settings s = core.settings().load();
        var access = AwsProxyDetails.access(t.details(), t.localAddress().getPort(), s.athenaWorkgroup,
                s.athenaOutputLocation, core.paths().dataDir().resolve("truststore.p12"),
                "ferry-" + KeystoreImporter.alias(ws.name()).substring("ferry-".length()) + "-" + t.spec().resource());
        AwsApiFormats f = new AwsApiFormats(access);
        return switch (format) {
            case "unix" -> f.environment(ShellKind.UNIX);
            case "powershell" -> f.environment(ShellKind.POWERSHELL);
            case "command-prompt" -> f.environment(ShellKind.CMD);
            case "text" -> f.environment(ShellKind.TEXT);
            case "athena-jdbc" -> "JDBC URL (Athena JDBC 3.x):\n  " + f.athenaJdbcV3() + "\nJDBC URL (legacy driver):\n  "
                    + f.athenaJdbcLegacy() + "\nJVM options (after `ferry keystore import --keystore "
                    + access.keystore() + "`):\n  " + f.jvmTruststoreFlags();
            case "athena-odbc" -> f.athenaOdbcDsn();
            case "json" -> f.json();
            default -> throw new IllegalArgumentException(format);
        };
    }
}
