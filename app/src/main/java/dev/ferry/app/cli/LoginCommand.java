package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import dev.ferry.app.access.SignInOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;

@Command(name = "login", description = "Sign in to the workspace (IAM Identity Center: in the browser or with a code; "
        + "Teleport: tsh login; AWS profile or default chain: check your AWS credentials).")
final class LoginCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Option(names = "--no-browser", description = "Do not open the browser; print the link to open instead.")
    boolean noBrowser;

    @Option(names = "--use-device-code", description = "IAM Identity Center: sign in with a code confirmed on a web page "
            + "(e.g. on another device) instead of the browser coming back to this computer.")
    boolean useDeviceCode;

    @Override
    public void run() {
        AccessProvider p = root.provider();
        PrintWriter err = root.spec.commandLine().getErr();
        Identity id = p.signIn(new ConsolePrompter(err, root.in, root.console), new SignInOptions(useDeviceCode, !noBrowser));
        PrintWriter out = root.spec.commandLine().getOut();
        out.println("Signed in to " + p.workspace().name() + " as " + id.principal()
                + (id.account().isEmpty() ? "" : " (" + id.account() + ")")
                + id.expiresAt().map(t -> ", valid until " + t).orElse("") + ".");
    }
}
