package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.access.AccessProvider;
import dev.ferry.app.access.Capability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

@Command(name = "apps", description = "Apps of the workspace.", subcommands = AppsCommand.Ls.class)
final class AppsCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "ls", description = "List apps.")
    static final class Ls implements Runnable {
        @ParentCommand
        AppsCommand apps;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
        OutputFormat format;

        @Option(names = "--refresh", description = "List the apps again from their source (IAM Identity Center: "
                + "the accounts and roles) instead of the cached list.")
        boolean refresh;

        @Override
        public void run() {
            AccessProvider p = apps.root.provider();
            if (refresh) {
                var err = apps.root.spec.commandLine().getErr();
                if (p.can(Capability.REFRESH)) {
                    p.refreshResources(line -> {
                        err.print("\rListing: " + line);
                        err.flush();
                    });
                    err.println();
                } else {
                    err.println("The apps of " + p.workspace().name() + " are what its file says; nothing to list again.");
                }
            }
            print(p, p.apps());
        }

        private void print(AccessProvider p, List<AppResource> list) {
            var out = apps.root.spec.commandLine().getOut();
            if (format == OutputFormat.json) {
                var mapper = JsonFileStore.mapper();
                ArrayNode arr = mapper.createArrayNode();
                for (AppResource a : list) {
                    ObjectNode o = arr.addObject();
                    o.put("name", a.name());
                    o.put("description", a.description());
                    o.put("uri", a.uri());
                    o.put("public_addr", a.publicAddr());
                    o.put("type", a.typeName());
                    o.put("aws_console", a.isAwsConsole());
                    o.set("labels", mapper.valueToTree(a.labels()));
                    ArrayNode roles = o.putArray("aws_roles");
                    for (AwsRole r : a.isAwsConsole() ? p.awsRoles(a) : List.<AwsRole>of()) {
                        roles.addObject().put("arn", r.arn()).put("name", r.name()).put("path", r.path())
                                .put("account_id", r.accountId()).put("display", r.displayName());
                    }
                }
                out.println(arr.toPrettyString());
                return;
            }
            Table t = new Table("Application", "Description", "Type", "Public Address", "Roles", "Labels");
            for (AppResource a : list) {
                String roles = a.isAwsConsole()
                        ? p.awsRoles(a).stream().map(AwsRole::displayName).collect(Collectors.joining(", ")) : "";
                t.row(a.name(), a.description(), a.typeName(), a.publicAddr(), roles, labels(a.labels()));
            }
            out.print(t.render());
        }
    }

    static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
