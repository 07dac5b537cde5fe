package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.RoleChooser;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.standalone.StandaloneAwsProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Prints temporary credentials for a role in the AWS CLI's {@code credential_process}
 * format, so a profile can use {@code credential_process = ferry credentials --app A --aws-role R}.
 */
@Command(name = "credentials", description = "Print temporary credentials for a role as credential_process JSON.")
final class CredentialsCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Option(names = "--app", required = true, paramLabel = "APP")
    String appName;

    @Option(names = "--aws-role", paramLabel = "ROLE", description = "IAM role: name, path/name or ARN.")
    String role;

    @Override
    public void run() {
        try (AccessProvider p = root.provider()) {
            AppResource app = p.workspace().app(appName).orElseThrow(() -> new FerryException(
                    "No app named '" + appName + "'.", "List apps with `ferry apps ls`."));
            AwsRole chosen = RoleChooser.choose(app, p.awsRoles(app), p.workspace().awsRolesAnyAccount(app), role);
            if (!(p instanceof StandaloneAwsProvider standalone)) {
                throw new FerryException("`ferry credentials` works with standalone AWS workspaces.",
                        "For a Teleport workspace use `tsh apps login` and `tsh aws`.");
            }
            var session = standalone.assumeRole(chosen, app.awsExternalId()).credentials();
            ObjectNode o = JsonFileStore.mapper().createObjectNode();
            o.put("Version", 1);
            o.put("AccessKeyId", session.accessKeyId());
            o.put("SecretAccessKey", session.secretAccessKey());
            o.put("SessionToken", session.sessionToken());
            session.expirationTime().ifPresent(t -> o.put("Expiration", t.toString()));
            root.spec.commandLine().getOut().println(o.toPrettyString());
        }
    }
}
