package dev.ferry.app.cli;

import dev.ferry.app.FerryException;
import dev.ferry.app.workspace.AwsWorkspaceSource;
import dev.ferry.app.workspace.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code ferry workspace add aws …} and {@code ferry workspace ls}: workspaces without writing a file by hand. */
@Command(name = "workspace", description = "Add and list workspaces.",
        subcommands = {WorkspaceCommand.Add.class, WorkspaceCommand.Ls.class})
final class WorkspaceCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "add", description = "Add a workspace.", subcommands = WorkspaceCommand.AddAws.class)
    static final class Add {
        @ParentCommand
        WorkspaceCommand workspace;
    }

    @Command(name = "aws", description = {
            "Add a standalone AWS workspace; Ferry writes its file and uses it from now on.",
            "Sources: IAM Identity Center (--sso-start-url and --sso-region, or --sso-session from ~/.aws/config), "
                    + "an AWS profile (--profile), or the AWS SDK's default credential chain (--default-chain)."})
    static final class AddAws implements Runnable {
        @ParentCommand
        Add add;

        @Option(names = "--name", paramLabel = "NAME", description = "The workspace's name (default: from the source).")
        String name;

        @Option(names = "--sso-start-url", paramLabel = "URL",
                description = "IAM Identity Center: your AWS access portal URL, e.g. https://acme.awsapps.com/start.")
        String startUrl;

        @Option(names = "--sso-region", paramLabel = "REGION", description = "IAM Identity Center: its region, e.g. eu-west-1.")
        String ssoRegion;

        @Option(names = "--sso-session", paramLabel = "NAME",
                description = "IAM Identity Center: an [sso-session NAME] of ~/.aws/config (shares its sign-in with the AWS CLI).")
        String ssoSession;

        @Option(names = "--profile", paramLabel = "PROFILE", description = "An AWS profile of ~/.aws/config or ~/.aws/credentials.")
        String profile;

        @Option(names = "--default-chain", description = "The AWS SDK's default credentials (environment, default profile, instance role).")
        boolean defaultChain;

        @Option(names = "--region", paramLabel = "REGION", description = "The region for AWS calls (aws.region).")
        String region;

        @Override
        public void run() {
            FerryCli root = add.workspace.root;
            AwsWorkspaceSource source = source(root.spec.commandLine());
            Path file = root.core.workspaces().addAwsWorkspace(name, source, region);
            root.core.workspaces().remember(file);
            Workspace ws = root.core.workspaces().load(file);
            PrintWriter out = root.spec.commandLine().getOut();
            out.println("Added workspace " + ws.name() + " (" + file + "); it is the one in use now.");
            if (source instanceof AwsWorkspaceSource.IdentityCenter) {
                out.println("Sign in with `ferry login`, then list the accounts with `ferry apps ls`.");
            } else {
                out.println("Check the credentials with `ferry status`.");
            }
        }

        private AwsWorkspaceSource source(CommandLine cl) {
            boolean sso = startUrl != null || ssoRegion != null || ssoSession != null;
            int given = (sso ? 1 : 0) + (profile != null ? 1 : 0) + (defaultChain ? 1 : 0);
            if (given != 1) {
                throw new CommandLine.ParameterException(cl, given == 0
                        ? "Say where the credentials come from: --sso-start-url URL --sso-region REGION, --sso-session NAME, "
                        + "--profile PROFILE or --default-chain."
                        : "Give only one source: IAM Identity Center (--sso-…), --profile or --default-chain.");
            }
            if (sso) {
                if (ssoSession == null && (startUrl == null || ssoRegion == null)) {
                    throw new CommandLine.ParameterException(cl, "IAM Identity Center needs both --sso-start-url and --sso-region "
                            + "(or --sso-session NAME from ~/.aws/config).");
                }
                if (ssoSession != null && startUrl == null && ssoRegion == null) {
                    boolean known = root().core.sso().awsConfig().read().ssoSessions().stream()
                            .anyMatch(s -> s.name().orElse("").equals(ssoSession));
                    if (!known) {
                        throw new FerryException("There is no [sso-session " + ssoSession + "] in "
                                + root().core.sso().awsConfig().configFile() + ".",
                                "Create it with `aws configure sso`, or give --sso-start-url and --sso-region.");
                    }
                }
                return new AwsWorkspaceSource.IdentityCenter(startUrl, ssoRegion, ssoSession);
            }
            if (profile != null) {
                return new AwsWorkspaceSource.Profile(profile);
            }
            return new AwsWorkspaceSource.DefaultChain();
        }

        private FerryCli root() {
            return add.workspace.root;
        }
    }

    @Command(name = "ls", description = "List the workspaces Ferry knows.")
    static final class Ls implements Runnable {
        @ParentCommand
        WorkspaceCommand workspace;

        @Override
        public void run() {
            FerryCli root = workspace.root;
            Table t = new Table("Workspace", "Kind", "File");
            for (Path f : root.core.workspaces().known()) {
                try {
                    Workspace w = root.core.workspaces().load(f);
                    t.row(w.name(), w.kindTitle(), f.toString());
                } catch (FerryException e) {
                    t.row("?", "cannot be read: " + e.getMessage().lines().findFirst().orElse(""), f.toString());
                }
            }
            root.spec.commandLine().getOut().print(t.render());
        }
    }
}
