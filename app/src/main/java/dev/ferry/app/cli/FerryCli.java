package dev.ferry.app.cli;

import dev.ferry.app.FerryCore;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.logging.FerryLogging;
import dev.ferry.app.settings.FerryPaths;
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
        subcommands = {StatusCommand.class, LoginCommand.class, LogoutCommand.class, AppsCommand.class,
                DbCommand.class, ConsoleCommand.class, ProxyCommand.class, CredentialsCommand.class, KeystoreCommand.class, DbeaverCommand.class,
                WorkspaceCommand.class, AwsProfilesCommand.class,
                CommandLine.HelpCommand.class})
public final class FerryCli implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FerryCli.class);

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
    final java.util.concurrent.CountDownLatch stop;

    FerryCli(FerryCore core, BufferedReader in, Console console, java.util.concurrent.CountDownLatch stop) {
        this.core = core;
        this.in = in;
        this.console = console;
        this.stop = stop;
    }

    /** Blocks a foreground command (a tunnel) until Ctrl-C / SIGTERM, or the caller's stop signal. */
    void awaitStop() {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The workspace file this invocation means. */
    Path workspaceFile() {
        return core.workspaces().choose(Optional.ofNullable(workspaceFile)).toAbsolutePath().normalize();
    }

    /** The workspace this invocation means, loaded and validated. */
    Workspace workspace() {
        return provider().workspace();
    }

    /**
     * The provider of the workspace this invocation means: the one the core keeps for it, which
     * the tunnels this command opens use too (closed with the core).
     */
    AccessProvider provider() {
        return core.sessions().provider(workspaceFile());
    }

    public static void main(String[] args) {
        int code;
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                finished.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ferry-shutdown"));
        FerryEnvironment env = FerryEnvironment.system();
        FerryLogging.toFile(FerryPaths.of(env).cliLog());
        FerryLogging.logUncaughtExceptions();
        try (FerryCore core = new FerryCore(env)) {
            code = run(core, args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                    System.console(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), stop);
        } finally {
            finished.countDown();
        }
        System.exit(code);
    }

    /** Runs one command line against a core; returns the exit status. Foreground commands run until interrupted. */
    public static int run(FerryCore core, String[] args, PrintWriter out, PrintWriter err) {
        return run(core, args, new BufferedReader(new StringReader("")), null, out, err,
                new java.util.concurrent.CountDownLatch(0));
    }

    /** As {@link #run(FerryCore, String[], PrintWriter, PrintWriter)}; foreground commands end when {@code stop} opens. */
    public static int run(FerryCore core, String[] args, PrintWriter out, PrintWriter err,
                          java.util.concurrent.CountDownLatch stop) {
        return run(core, args, new BufferedReader(new StringReader("")), null, out, err, stop);
    }

    /** Runs one command line; sign-in prompts read {@code in} (or {@code console} when not null). */
    public static int run(FerryCore core, String[] args, BufferedReader in, Console console, PrintWriter out,
                          PrintWriter err) {
        return run(core, args, in, console, out, err, new java.util.concurrent.CountDownLatch(0));
    }

    /** The full form: input for prompts, output, and the signal that ends foreground commands. */
    public static int run(FerryCore core, String[] args, BufferedReader in, Console console, PrintWriter out,
                          PrintWriter err, java.util.concurrent.CountDownLatch stop) {
        CommandLine cl = new CommandLine(new FerryCli(core, in, console, stop));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            // The command's name only: arguments may hold secrets (--storepass).
            LOG.warn("ferry {} failed: {}", commandLine.getCommandName(), ex.getMessage(), ex);
            if (ex instanceof FerryException fe) {
                e.println("ERROR: " + fe.getMessage());
                if (!fe.hint().isEmpty()) {
                    e.println(fe.hint());
                }
            } else {
                e.println("ERROR: " + ex);
                e.println("The details are in " + core.paths().cliLog() + ".");
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
