package dev.ferry.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.settings.JsonFileStore;
import dev.ferry.app.access.AccessProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;

@Command(name = "db", description = "Databases of the workspace.", subcommands = DbCommand.Ls.class)
final class DbCommand {
    @ParentCommand
    FerryCli root;

    @Command(name = "ls", description = "List databases.")
    static final class Ls implements Runnable {
        @ParentCommand
        DbCommand db;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
        OutputFormat format;

        @Override
        public void run() {
            AccessProvider p = db.root.provider();
            print(p.databases());
        }

        private void print(List<DatabaseResource> list) {
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
                    o.set("labels", mapper.valueToTree(d.labels()));
                    o.set("allowed_users", mapper.valueToTree(d.allowedUsers()));
                    o.set("allowed_names", mapper.valueToTree(d.allowedNames()));
                    ObjectNode aws = o.putObject("aws");
                    aws.put("region", d.aws().region());
                    aws.put("account_id", d.aws().accountId());
                    aws.put("redshift_cluster_id", d.aws().redshiftClusterId());
                    aws.put("redshift_serverless_workgroup", d.aws().redshiftServerlessWorkgroup());
                    aws.put("rds_cluster_id", d.aws().rdsClusterId());
                    aws.put("rds_instance_id", d.aws().rdsInstanceId());
                }
                out.println(arr.toPrettyString());
                return;
            }
            Table t = new Table("Name", "Description", "Type", "Protocol", "Allowed Users", "Labels");
            for (DatabaseResource d : list) {
                t.row(d.name(), d.description(), d.typeName(), d.protocol(), "[" + String.join(" ", d.allowedUsers()) + "]",
                        AppsCommand.labels(d.labels()));
            }
            out.print(t.render());
        }
    }
}
