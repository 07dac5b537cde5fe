package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;

@Command(name = "login", description = "Sign in to the workspace (Teleport: tsh login; standalone AWS: check your AWS credentials).")
final class LoginCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Override
    public void run() {
        AccessProvider p = root.provider();
        PrintWriter err = root.spec.commandLine().getErr();
        Identity id = p.signIn(new ConsolePrompter(err, root.in, root.console));
        PrintWriter out = root.spec.commandLine().getOut();
        out.println("Signed in to " + p.workspace().name() + " as " + id.principal()
                + (id.account().isEmpty() ? "" : " (" + id.account() + ")")
                + id.expiresAt().map(t -> ", valid until " + t).orElse("") + ".");
    }
}
