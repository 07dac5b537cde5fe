package dev.ferry.app.cli;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.workspace.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code ferry} command line, with tsh-like verbs. Every error goes to stderr in plain
 * words with a non-zero exit status.
 */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = FerryCli.Version.class,
        description = "Secure access to AWS consoles, AWS APIs and AWS databases.",
        subcommands = {StatusCommand.class, LoginCommand.class, LogoutCommand.class, AppsCommand.class, DbCommand.class, ConsoleCommand.class,
                CommandLine.HelpCommand.class})
public final class FerryCli implements Runnable {

    @Option(names = {"--workspace-file", "-w"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Workspace file to use (default: $FERRY_WORKSPACE_FILE, the last one used, "
                    + "or the only one in Ferry's config folder).")
    Path workspaceFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final FerryCore core;
    final BufferedReader in;
    /** The terminal for hidden input, or null (tests, pipes). */
    final Console console;

    FerryCli(FerryCore core, BufferedReader in, Console console) {
        this.core = core;
        this.in = in;
        this.console = console;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The workspace this invocation means, loaded and validated. */
    Workspace workspace() {
        Path file = core.workspaces().choose(Optional.ofNullable(workspaceFile));
        return core.workspaces().load(file);
    }

    AccessProvider provider() {
        return core.providers().open(workspace());
    }

    public static void main(String[] args) {
        int code;
        try (FerryCore core = new FerryCore(FerryEnvironment.system())) {
            code = run(core, args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                    System.console(), new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        }
        System.exit(code);
    }

    /** Runs one command line against a core; returns the exit status. */
    public static int run(FerryCore core, String[] args, PrintWriter out, PrintWriter err) {
        return run(core, args, new BufferedReader(new StringReader("")), null, out, err);
    }

    /** Runs one command line; sign-in prompts read {@code in} (or {@code console} when not null). */
    public static int run(FerryCore core, String[] args, BufferedReader in, Console console, PrintWriter out,
                          PrintWriter err) {
        CommandLine cl = new CommandLine(new FerryCli(core, in, console));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            if (ex instanceof FerryException fe) {
                e.println("ERROR: " + fe.getMessage());
                if (!fe.hint().isEmpty()) {
                    e.println(fe.hint());
                }
            } else {
                e.println("ERROR: " + ex);
            }
            e.flush();
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FerryCli.class.getPackage().getImplementationVersion();
            return new String[]{"ferry " + (v == null ? "dev" : v)};
        }
    }
}
