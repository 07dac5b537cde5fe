package dev.ferry.app.cli;

import dev.ferry.app.db.DatabaseAccess;
import dev.ferry.app.integrations.ConnectionStrings;
import dev.ferry.app.tunnels.DatabaseTunnelInfo;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.tunnels.TunnelSpec;
import dev.ferry.app.workspace.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;

@Command(name = "db", description = "Local database tunnel: clients connect to 127.0.0.1 with no password; "
        + "Ferry logs in upstream with IAM (RDS token, Redshift, Secrets Manager). PostgreSQL, Redshift and MySQL "
        + "(Aurora MySQL, RDS MySQL, MariaDB).")
final class ProxyDbCommand implements Runnable {
    @ParentCommand
    ProxyCommand proxy;

    @Parameters(paramLabel = "DB", description = "The database (see `ferry db ls`).")
    String dbName;

    @Option(names = "--db-user", required = true, paramLabel = "USER", description = "Database user to log in as.")
    String dbUser;

    @Option(names = "--db-name", paramLabel = "NAME", description = "Database name to connect to (MySQL: optional, "
            + "each client then picks its own or none).")
    String database;

    @Option(names = "--port", defaultValue = "0", description = "Local port (default: the last one used, or a free one).")
    int port;

    @Override
    public void run() {
        FerryCli root = proxy.root;
        var p = root.provider();
        Workspace ws = p.workspace();
        CliDiscovery.prepare(p, false, root.spec.commandLine().getErr());
        DatabaseResource db = p.requireDatabase(dbName);
        String name = database == null ? "" : database;
        DatabaseAccess.checkAllowed(db, dbUser, name);
        TunnelSpec spec = TunnelSpec.database(ws.source().toAbsolutePath().toString(), db.name(), dbUser, name, port);
        ProxyCommand.runInForeground(root, spec, t -> {
            PrintWriter out = root.spec.commandLine().getOut();
            DatabaseTunnelInfo info = (DatabaseTunnelInfo) t.info().orElseThrow();
            ConnectionStrings cs = new ConnectionStrings(info.endpoint(t.port()));
            String nl = System.lineSeparator();
            StringBuilder b = new StringBuilder("Started database tunnel for " + db.name() + " on " + t.addressText()
                    + " (" + info.authentication() + "). Press Ctrl-C to stop." + nl + nl);
            List<ConnectionStrings.ClientString> commands = cs.forClients().stream()
                    .filter(c -> c.form() == ConnectionStrings.Form.COMMAND).toList();
            for (int i = 0; i < commands.size(); i++) {
                b.append(i == 0 ? "Use the following command to connect with " : "or with ")
                        .append(commands.get(i).label()).append(':').append(nl)
                        .append("  ").append(commands.get(i).value()).append(nl);
            }
            List<ConnectionStrings.ClientString> jdbc = cs.jdbcUrls();
            b.append(jdbc.size() == 1 ? "JDBC URL:" : "JDBC URLs:").append(nl);
            jdbc.forEach(j -> b.append("  ").append(jdbc.size() == 1 ? "" : j.label() + ": ").append(j.value()).append(nl));
            out.print(b);
        });
    }
}
