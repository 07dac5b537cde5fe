package dev.ferry.app.setup;

import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.integrations.DBeaverSetup;
import dev.ferry.app.integrations.DatabaseEndpoint;
import dev.ferry.app.integrations.KeystoreImporter;
import dev.ferry.app.integrations.KeystoreTargets;
import dev.ferry.app.model.DatabaseFlavour;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.settings.Settings;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Sets client programs up for Ferry's tunnels, for the desktop and the CLI alike: a database
 * tunnel as a DBeaver connection, an AWS API proxy as DBeaver's Athena data source (with Ferry's
 * CA imported into the Java DBeaver runs on). The views only show what it returns.
 */
public final class ClientSetup {
    private final FerryEnvironment env;
    private final FerryPaths paths;
    private final Supplier<Settings> settings;
    private final Supplier<DBeaverSetup> dbeaver;

    public ClientSetup(FerryEnvironment env, FerryPaths paths, Supplier<Settings> settings, Supplier<DBeaverSetup> dbeaver) {
        this.env = env;
        this.paths = paths;
        this.settings = settings;
        this.dbeaver = dbeaver;
    }

    /** What adding to DBeaver did, and the plain words that say so. */
    public record DbeaverResult(String connectionName, String connectionId, Path dataSourcesFile, Path backup,
                                boolean handedToRunningDbeaver, Path keystore) {
        public String message() {
            if (handedToRunningDbeaver) {
                return "DBeaver is running: it got the connection " + connectionName + ". Look in its Database Navigator.";
            }
            String m = (keystore != null ? "Imported Ferry's CA into " + keystore + " and added " : "Added ")
                    + "the connection \"" + connectionName + "\" to DBeaver's \"Ferry\" folder (" + dataSourcesFile + ").";
            if (keystore != null) {
                m += " When DBeaver asks for the password, paste the proxy's secret key.";
            }
            return backup != null ? m + " The previous settings are saved as " + backup + "." : m;
        }
    }

    /** DBeaver's workspace: the one given, else the one set in Settings, else DBeaver's standard folder. */
    public Path dbeaverWorkspace(Path given) {
        return given != null ? given : dbeaver.get().workspace(settings.get());
    }

    /**
     * Adds (or updates) the connection of a database tunnel on 127.0.0.1:port in DBeaver; a
     * running DBeaver gets it on its command line.
     */
    public DbeaverResult addDatabase(String workspaceName, String connectionName, String dbUser, String dbName,
                                     DatabaseFlavour flavour, int port, Path dbeaverWorkspace) {
        DBeaverSetup setup = dbeaver.get();
        DatabaseEndpoint endpoint = DatabaseEndpoint.loopback(port, dbUser, dbName, flavour);
        DBeaverSetup.Outcome o = setup.add(new DBeaverSetup.Connection(connectionName, workspaceName, endpoint),
                dbeaverWorkspace(dbeaverWorkspace));
        return new DbeaverResult(connectionName, o.connectionId(), o.dataSourcesFile(), o.backup(),
                o.dataSourcesFile() == null, null);
    }

    /**
     * DBeaver for Athena through an AWS API proxy on 127.0.0.1:port: imports Ferry's CA into the
     * Java DBeaver runs on (found beside the DBeaver program or in its standard folders), then adds
     * an Athena connection whose user is the proxy's local access key (empty: DBeaver asks).
     */
    public DbeaverResult addAthena(String workspaceName, String connectionName, String region, int port,
                                   String accessKeyId, Path caBundle, Path dbeaverWorkspace) {
        KeystoreTargets.Target jre = KeystoreTargets.find(env, paths, null).stream()
                .filter(x -> x.kind() == KeystoreTargets.Kind.DBEAVER && x.exists()).findFirst()
                .orElseThrow(() -> new FerryException("Ferry found no DBeaver installation (its program and bundled Java).",
                        "Install DBeaver, or use \"Import CA into keystore…\" (`ferry keystore import`) with the cacerts "
                                + "file of the Java DBeaver runs on."));
        KeystoreImporter.Result imported = new KeystoreImporter(paths).importCa(jre.path(), caBundle, workspaceName);
        Settings s = settings.get();
        DBeaverSetup setup = dbeaver.get();
        DBeaverSetup.Outcome o = setup.addAthena(new DBeaverSetup.AthenaConnection(connectionName, workspaceName,
                region == null || region.isBlank() ? "us-east-1" : region, s.athenaWorkgroup, s.athenaOutputLocation,
                port, accessKeyId == null ? "" : accessKeyId), dbeaverWorkspace(dbeaverWorkspace));
        return new DbeaverResult(connectionName, o.connectionId(), o.dataSourcesFile(), o.backup(), false, imported.keystore());
    }
}
