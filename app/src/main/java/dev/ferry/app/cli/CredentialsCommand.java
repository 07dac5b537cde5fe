package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.integrations.CredentialProcessJson;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Prints temporary credentials for a role in the AWS CLI's {@code credential_process}
 * format, so a profile can use {@code credential_process = ferry credentials --app A --aws-role R}.
 * The workspace's provider issues them; one that cannot (Teleport) says why and what to use.
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
        AccessProvider p = root.provider();
        AppResource app = p.requireApp(appName);
        AwsRole chosen = p.chooseRole(app, role);
        root.spec.commandLine().getOut().println(CredentialProcessJson.render(p.issueCredentials(app, chosen)));
    }
}
