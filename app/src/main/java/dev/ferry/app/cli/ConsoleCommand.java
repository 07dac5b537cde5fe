package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.net.URI;

@Command(name = "console", description = "Open the AWS console of an app in the browser, signed in as an IAM role.")
final class ConsoleCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Parameters(paramLabel = "APP", description = "The AWS console app (see `ferry apps ls`).")
    String appName;

    @Option(names = "--aws-role", paramLabel = "ROLE",
            description = "IAM role: name, path/name or full ARN (optional when the app has one role).")
    String role;

    @Option(names = "--print", description = "Print the sign-in URL instead of opening the browser. "
            + "The URL signs anyone in as the role for a few minutes: keep it private.")
    boolean print;

    @Override
    public void run() {
        AccessProvider p = root.provider();
        AppResource app = p.requireApp(appName);
        if (!app.isAwsConsole()) {
            throw new FerryException("'" + appName + "' is not an AWS console app.");
        }
        AwsRole chosen = p.chooseRole(app, role);
        URI url = p.consoleUrl(app, chosen);
        if (print) {
            root.spec.commandLine().getOut().println(url);
        } else {
            root.core.browser().open(url);
            root.spec.commandLine().getErr().println("Opened the AWS console for " + app.name() + " as "
                    + chosen.arn() + " in your browser.");
        }
    }
}
