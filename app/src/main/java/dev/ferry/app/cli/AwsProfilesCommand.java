package dev.ferry.app.cli;

import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.setup.AwsProfiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code ferry aws-profiles write}: one AWS CLI profile per app and role, in a marked Ferry block of ~/.aws/config. */
@Command(name = "aws-profiles", description = "AWS CLI profiles for the workspace's accounts and roles.",
        subcommands = AwsProfilesCommand.Write.class)
final class AwsProfilesCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "write", description = {
            "Write one profile per app and role into ~/.aws/config ($AWS_CONFIG_FILE), each with "
                    + "credential_process = ferry credentials …, inside a block marked as Ferry's.",
            "Nothing outside the block changes; the previous file is kept as a backup."})
    static final class Write implements Runnable {
        @ParentCommand
        AwsProfilesCommand parent;

        @Option(names = "--prefix", paramLabel = "P", defaultValue = "", description = "Put P before every profile name.")
        String prefix;

        @Option(names = "--prune", description = "Remove Ferry's profiles of this workspace that it no longer has.")
        boolean prune;

        @Option(names = "--dry-run", description = "Show what would change; write nothing.")
        boolean dryRun;

        @Option(names = "--region", paramLabel = "REGION", description = "region = REGION in every profile.")
        String region;

        @Option(names = "--ferry-command", paramLabel = "CMD",
                description = "How the AWS CLI runs Ferry (default: the command that runs this Ferry: the "
                        + "installed launcher, else this Java with -jar or the class path).")
        String ferryCommand;

        @Override
        public void run() {
            FerryCli root = parent.root;
            AccessProvider p = root.provider();
            Path workspaceFile = root.workspaceFile();
            String command = ferryCommand != null && !ferryCommand.isBlank() ? ferryCommand
                    : dev.ferry.app.setup.SelfCommand.line(dev.ferry.app.setup.SelfCommand.current());
            List<AwsProfiles.Profile> profiles = AwsProfiles.profilesOf(p, workspaceFile, prefix, region, command);
            AwsProfiles.Result r = AwsProfiles.write(root.core.clientSetup().awsConfigFile(), workspaceFile, profiles,
                    prune, dryRun);
            PrintWriter out = root.spec.commandLine().getOut();
            r.diff().forEach(out::println);
            r.skipped().forEach(n -> out.println("! [profile " + n + "] is already in the file outside Ferry's block; left as it is"));
            String summary = r.summary(p.workspace().name());
            if (r.dryRun()) {
                out.println("Dry run, nothing written: " + summary + " in " + r.configFile() + ".");
            } else {
                out.println(summary + " in " + r.configFile() + (r.backup() == null ? "." : " (backup: " + r.backup() + ")."));
                if (!profiles.isEmpty()) {
                    out.println("Try: aws sts get-caller-identity --profile " + profiles.get(0).name());
                }
            }
        }
    }
}
