package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;

@Command(name = "status", description = "Show the workspace and who you are in it.")
final class StatusCommand implements Runnable {
    @ParentCommand
    FerryCli root;

    @Override
    public void run() {
        AccessProvider p = root.provider();
        Identity id = p.identity();
        PrintWriter out = root.spec.commandLine().getOut();
        out.println("> Workspace:  " + p.workspace().name() + " (" + p.workspace().kindTitle() + ")");
        out.println("  File:       " + p.workspace().source());
        out.println("  Logged in:  " + id.principal());
        out.println("  Account:    " + id.account());
        out.println("  Details:    " + id.detail());
        id.expiresAt().ifPresent(t -> out.println("  Valid until: " + t));
    }
}
