package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.db.DatabaseAccess;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.setup.ClientSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

@Command(name = "dbeaver", description = "Set DBeaver up for Ferry's tunnels.", subcommands = DbeaverCommand.Add.class)
final class DbeaverCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "add", description = "Add or update a connection to a tunnel in DBeaver (folder Ferry, no password "
            + "saved; other connections stay as they are): a database tunnel, or Athena through an AWS API proxy "
            + "(Ferry's CA is then imported into DBeaver's Java).")
    static final class Add implements Runnable {
        @ParentCommand
        DbeaverCommand dbeaver;

        @Parameters(paramLabel = "NAME", description = "A database, or an AWS app with --aws-role (Athena).")
        String name;

        @Option(names = "--db-user", paramLabel = "USER", description = "Database user (databases).")
        String dbUser;

        @Option(names = "--db-name", paramLabel = "NAME", description = "Database name (databases).")
        String database;

        @Option(names = "--aws-role", paramLabel = "ROLE", description = "IAM role of the AWS API proxy (apps).")
        String role;

        @Option(names = "--access-key-id", paramLabel = "KEY", description = "The proxy's local AWS_ACCESS_KEY_ID "
                + "(apps; default: $FERRY_AWS_ACCESS_KEY_ID, else DBeaver asks for it).")
        String accessKeyId;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "The tunnel's local port.")
        int port;

        @Option(names = "--dbeaver-workspace", paramLabel = "DIR",
                description = "DBeaver's workspace folder (default: Settings, else DBeaver's standard one for this OS).")
        Path workspace;

        @Override
        public void run() {
            FerryCli root = dbeaver.root;
            AccessProvider p = root.provider();
            ClientSetup setup = root.core.clientSetup();
            String ws = p.workspace().name();
            ClientSetup.DbeaverResult r;
            Optional<DatabaseResource> db = p.database(name);
            if (db.isPresent()) {
                String dbName = database == null ? "" : database;
                if (dbUser == null || dbName.isEmpty() && !DatabaseAccess.nameOptional(db.get())) {
                    throw new FerryException("A database connection needs --db-user and --db-name.");
                }
                DatabaseAccess.checkAllowed(db.get(), dbUser, dbName);
                r = setup.addDatabase(ws, db.get().name() + " (" + dbUser + (dbName.isEmpty() ? "" : "@" + dbName) + ")",
                        dbUser, dbName,
                        db.get().flavour(), port, workspace);
            } else if (p.app(name).isPresent()) {
                AppResource app = p.app(name).get();
                AwsRole chosen = p.chooseRole(app, role);
                String key = accessKeyId != null ? accessKeyId : root.core.env().get("FERRY_AWS_ACCESS_KEY_ID").orElse("");
                r = setup.addAthena(ws, app.name() + " " + chosen.name() + " (Athena)", "", port, key,
                        root.core.ca().certificatePemPath(), workspace);
            } else {
                throw new FerryException("No database or app named '" + name + "' in workspace '" + ws + "'.",
                        "List them with `ferry db ls` and `ferry apps ls`.");
            }
            PrintWriter out = root.spec.commandLine().getOut();
            if (r.handedToRunningDbeaver()) {
                out.println("Handed connection " + r.connectionId() + " to the running DBeaver.");
                return;
            }
            if (r.keystore() != null) {
                out.println("Imported Ferry's CA into " + r.keystore());
            }
            out.println("Saved DBeaver connection " + r.connectionId() + " in " + r.dataSourcesFile());
            if (r.backup() != null) {
                out.println("Backup: " + r.backup());
            }
            if (!r.dbeaverFound()) {
                out.println("DBeaver was not found on this computer: it shows the connection once installed.");
            }
        }
    }
}
