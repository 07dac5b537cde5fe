package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.ResourceQuery;
import dev.ferry.app.model.ServingMark;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.access.AccessProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Command(name = "db", description = "Databases of the workspace.", subcommands = DbCommand.Ls.class)
final class DbCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "ls", description = "List databases: those of the workspace file and those its discovery: "
            + "matchers found (cached; scanned at the first use and with --refresh).")
    static final class Ls implements Runnable {
        @ParentCommand
        DbCommand db;

        @Spec
        CommandSpec spec;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
        OutputFormat format;

        @Option(names = "--refresh", description = "Scan for databases again before listing (progress on stderr).")
        boolean refresh;

        @Option(names = "--labels", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
                description = "Only databases with all these labels, e.g. env=prod,engine=postgres (as tsh db ls).")
        String labels;

        @Option(names = "--query", paramLabel = "PREDICATE",
                description = "Only databases the predicate holds for, as tsh db ls --query: labels.env == \"prod\", "
                        + "labels[\"k\"] != \"v\", name, &&, ||, !, ( ), exists(labels.k), hasPrefix(name, \"x\").")
        String query;

        @Override
        public void run() {
            Map<String, String> wanted = parseLabels(labels);
            ResourceQuery predicate = parseQuery(query);
            AccessProvider p = db.root.provider();
            var err = db.root.spec.commandLine().getErr();
            CliDiscovery.prepare(p, refresh, err);
            List<DatabaseResource> list = p.databases().stream()
                    .filter(d -> wanted.entrySet().stream().allMatch(w -> w.getValue().equals(d.labels().get(w.getKey()))))
                    .filter(d -> predicate == null || predicate.matches(d.name(), d.labels()))
                    .toList();
            print(p, list);
        }

        private ResourceQuery parseQuery(String text) {
            if (text == null) {
                return null;
            }
            try {
                return ResourceQuery.parse(text);
            } catch (ResourceQuery.QueryException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--query: " + e.getMessage());
            }
        }

        private Map<String, String> parseLabels(String text) {
            Map<String, String> out = new LinkedHashMap<>();
            if (text == null || text.isBlank()) {
                return out;
            }
            for (String term : text.split(",")) {
                int eq = term.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--labels: '" + term.trim()
                            + "' is not KEY=VALUE (e.g. --labels env=prod,engine=postgres)");
                }
                out.put(term.substring(0, eq).trim(), term.substring(eq + 1).trim());
            }
            return out;
        }

        private void print(AccessProvider p, List<DatabaseResource> list) {
            var out = db.root.spec.commandLine().getOut();
            if (format == OutputFormat.json) {
                var mapper = JsonFileStore.mapper();
                ArrayNode arr = mapper.createArrayNode();
                for (DatabaseResource d : list) {
                    ObjectNode o = arr.addObject();
                    o.put("name", d.name());
                    o.put("description", d.description());
                    o.put("protocol", d.protocol());
                    o.put("uri", d.uri());
                    o.put("type", d.typeName());
                    o.put("discovered", "true".equals(d.labels().get("discovered")));
                    Optional<ServingMark> mark = p.servingMark(d);
                    o.put("status", mark.isPresent() ? "unavailable" : "available");
                    if (mark.isPresent()) {
                        ObjectNode m = o.putObject("unavailable");
                        m.put("reason", mark.get().reason().id());
                        m.put("title", mark.get().reason().title());
                        m.put("message", mark.get().message());
                    }
                    o.set("labels", mapper.valueToTree(d.labels()));
                    o.set("allowed_users", mapper.valueToTree(d.allowedUsers()));
                    o.set("allowed_names", mapper.valueToTree(d.allowedNames()));
                    ObjectNode aws = o.putObject("aws");
                    aws.put("region", d.aws().region());
                    aws.put("account_id", d.aws().accountId());
                    aws.put("assume_role_arn", d.aws().assumeRoleArn());
                    aws.put("external_id", d.aws().externalId());
                    aws.put("redshift_cluster_id", d.aws().redshiftClusterId());
                    aws.put("redshift_serverless_workgroup", d.aws().redshiftServerlessWorkgroup());
                    aws.put("rds_cluster_id", d.aws().rdsClusterId());
                    aws.put("rds_instance_id", d.aws().rdsInstanceId());
                }
                out.println(arr.toPrettyString());
                return;
            }
            Table t = new Table("Name", "Description", "Type", "Protocol", "Status", "Allowed Users", "Labels");
            StringBuilder reasons = new StringBuilder();
            for (DatabaseResource d : list) {
                Optional<ServingMark> mark = p.servingMark(d);
                t.row(d.name(), d.description(), d.typeName(), d.protocol(), mark.map(m -> "unavailable: " + m.reason().title()).orElse("ready"),
                        "[" + String.join(" ", d.allowedUsers()) + "]", AppsCommand.labels(d.labels()));
                mark.ifPresent(m -> reasons.append("  ").append(d.name()).append(": ").append(m.message()).append('\n'));
            }
            out.print(t.render());
            if (reasons.length() > 0) {
                out.print("\nFerry cannot connect to:\n" + reasons);
            }
        }
    }
}
