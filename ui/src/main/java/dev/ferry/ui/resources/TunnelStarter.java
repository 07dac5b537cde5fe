package dev.ferry.ui.resources;

import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;

/** What the resource list asks for tunnels: Connect on a database, AWS CLI/SDK access on an app. */
public interface TunnelStarter {
    void connect(DatabaseResource db);

    void awsAccess(AppResource app, AwsRole role);

    TunnelStarter NONE = new TunnelStarter() {
        @Override
        public void connect(DatabaseResource db) {
        }

        @Override
        public void awsAccess(AppResource app, AwsRole role) {
        }
    };
}
