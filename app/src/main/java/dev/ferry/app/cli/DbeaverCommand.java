package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.db.DatabaseAccess;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.integrations.DatabaseEndpoint;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.workspace.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;

@Command(name = "dbeaver", description = "Set DBeaver up for Ferry's tunnels.", subcommands = DbeaverCommand.Add.class)
final class DbeaverCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "add", description = "Add or update a connection to a database tunnel in DBeaver "
            + "(folder Ferry, no password; other connections stay as they are).")
    static final class Add implements Runnable {
        @ParentCommand
        DbeaverCommand dbeaver;

        @Parameters(paramLabel = "DB")
        String dbName;

        @Option(names = "--db-user", required = true, paramLabel = "USER")
        String dbUser;

        @Option(names = "--db-name", required = true, paramLabel = "NAME")
        String database;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "The tunnel's local port.")
        int port;

        @Option(names = "--dbeaver-workspace", paramLabel = "DIR",
                description = "DBeaver's workspace folder (default: DBeaver's standard one for this OS).")
        Path workspace;

        @Override
        public void run() {
            FerryCli root = dbeaver.root;
            Workspace ws = root.workspace();
            DatabaseResource db = ws.database(dbName).orElseThrow(() -> new FerryException("No database named '"
                    + dbName + "' in workspace '" + ws.name() + "'.", "List databases with `ferry db ls`."));
            DatabaseAccess.checkAllowed(db, dbUser, database);
            DBeaverSetup setup = DBeaverSetup.system(root.core.env());
            var endpoint = DatabaseEndpoint.loopback(port, dbUser, database,
                    db.isRedshift() || db.isRedshiftServerless() ? DatabaseEndpoint.Flavour.REDSHIFT
                            : DatabaseEndpoint.Flavour.POSTGRES);
            var outcome = setup.add(new DBeaverSetup.Connection(db.name() + " (" + dbUser + "@" + database + ")",
                    ws.name(), endpoint), workspace != null ? workspace : setup.workspace(root.core.settings().load()));
            PrintWriter out = root.spec.commandLine().getOut();
            if (outcome.dataSourcesFile() != null) {
                out.println("Saved DBeaver connection " + outcome.connectionId() + " in " + outcome.dataSourcesFile());
                if (outcome.backup() != null) {
                    out.println("Backup: " + outcome.backup());
                }
            } else {
                out.println("Handed connection " + outcome.connectionId() + " to the running DBeaver.");
            }
        }
    }
}
