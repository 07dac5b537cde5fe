package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "logout", description = "Sign out of the workspace (Teleport: tsh logout).")
final class LogoutCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Override
    public void run() {
        AccessProvider p = root.provider();
        p.signOut();
        root.spec.commandLine().getOut().println("Signed out of " + p.workspace().name() + ".");
    }
}
