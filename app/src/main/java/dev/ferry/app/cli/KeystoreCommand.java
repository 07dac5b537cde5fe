package dev.ferry.app.cli;

import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;

@Command(name = "keystore", description = "Trust Ferry's local CA in Java keystores (DBeaver, a JDK, JDBC tools).",
        subcommands = {KeystoreCommand.Import.class, KeystoreCommand.Targets.class, KeystoreCommand.RotateCa.class})
final class KeystoreCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "import", description = "Import Ferry's local CA into a Java keystore (JKS or PKCS12; "
            + "created as PKCS12 when missing). A backup is kept beside it.")
    static final class Import implements Runnable {
        @ParentCommand
        KeystoreCommand keystore;

        @Option(names = "--keystore", required = true, paramLabel = "PATH", description = "The keystore file.")
        Path path;

        @Option(names = "--storepass", paramLabel = "PASSWORD", defaultValue = KeystoreImporter.DEFAULT_PASSWORD,
                description = "Keystore password (default: changeit).")
        String storepass;

        @Option(names = "--alias", paramLabel = "ALIAS", description = "Alias of the entry (default: ferry-<workspace>, "
                + "or ferry-default outside a workspace).")
        String alias;

        @Override
        public void run() {
            FerryCli root = keystore.root;
            String chosenAlias = alias;
            if (chosenAlias == null) {
                String ws;
                try {
                    ws = root.workspace().name();
                } catch (RuntimeException noWorkspace) {
                    ws = "default";
                }
                chosenAlias = KeystoreImporter.alias(ws);
            }
            KeystoreImporter importer = new KeystoreImporter(root.core.paths());
            var r = importer.importCaAs(path, storepass.toCharArray(), root.core.ca().certificatePemPath(), chosenAlias);
            PrintWriter out = root.spec.commandLine().getOut();
            out.println((r.created() ? "Created " : "Updated ") + r.keystore() + " (" + r.type() + "): "
                    + (r.replaced() ? "replaced " : "added ") + r.alias() + ", SHA-256 " + r.fingerprintSha256());
            if (r.backup() != null) {
                out.println("Backup: " + r.backup());
            }
            out.println("CA bundle (PEM) for AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, ODBC TrustedCerts: "
                    + root.core.ca().certificatePemPath());
        }
    }

    @Command(name = "targets", description = "List the keystores Ferry can import its CA into.")
    static final class Targets implements Runnable {
        @ParentCommand
        KeystoreCommand keystore;

        @Override
        public void run() {
            FerryCli root = keystore.root;
            Table t = new Table("Target", "Path", "Exists");
            for (var target : KeystoreTargets.find(root.core.env(), root.core.paths(), System.getProperty("java.home"))) {
                t.row(target.label(), target.path().toString(), target.exists() ? "yes" : "no (will be created)");
            }
            root.spec.commandLine().getOut().print(t.render());
        }
    }

    @Command(name = "rotate-ca", description = "Replace Ferry's local CA with a new one and import it again into every "
            + "keystore it was imported into (a backup of each is kept). Restart running AWS proxies afterwards.")
    static final class RotateCa implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeystoreCommand keystore;

        @Option(names = "--storepass", paramLabel = "PASSWORD",
                description = "Password of the keystores that were imported with a password of their own.")
        String storepass;

        @Override
        public Integer call() throws Exception {
            FerryCli root = keystore.root;
            PrintWriter out = root.spec.commandLine().getOut();
            PrintWriter err = root.spec.commandLine().getErr();
            root.core.ca().rotate();
            out.println("New local CA: " + root.core.ca().certificatePemPath());
            KeystoreImporter importer = new KeystoreImporter(root.core.paths());
            int failed = 0;
            for (KeystoreImporter.Outcome o : importer.reimportAll(root.core.ca().certificatePemPath(),
                    p -> storepass == null ? null : storepass.toCharArray())) {
                if (o.error() != null) {
                    failed++;
                    err.println("ferry: " + o.keystore() + ": " + o.error().getMessage()
                            + (o.error().hint().isEmpty() ? "" : " " + o.error().hint()));
                } else {
                    out.println("Updated " + o.keystore() + ": " + o.result().alias() + ", SHA-256 " + o.result().fingerprintSha256());
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }
}
