package dev.ferry.app.discovery;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.workspace.WorkspaceException;
import dev.ferry.app.workspace.YamlLocator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * Reads the {@code discovery:} list of a workspace file into {@link DiscoveryMatcher}s and
 * checks it the way the workspace loader checks the rest of the file: every problem is
 * reported at once, each with file, line and field ({@code discovery[0].types[1]}).
 *
 * <p>The workspace loader calls {@link #parse(Path, JsonNode, String, ToIntFunction, String)}
 * with the node it read and its own line lookup; {@link #parseDocument(Path, String, String)}
 * reads a whole document by itself.
 */
public final class DiscoveryMatchers {
    static final Set<String> FIELDS = new TreeSet<>(List.of("types", "regions", "tags", "assume_role_arn",
            "external_id", "role_name"));
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final String TYPE_NAMES = "rds, aurora, redshift, redshift-serverless";

    /** The matchers, and every problem found (the matchers are only usable when there are none). */
    public record Parsed(List<DiscoveryMatcher> matchers, List<WorkspaceException.Problem> problems) {
        public Parsed {
            matchers = List.copyOf(matchers);
            problems = List.copyOf(problems);
        }

        /** The matchers, or a {@link WorkspaceException} listing every problem. */
        public List<DiscoveryMatcher> orThrow() {
            if (!problems.isEmpty()) {
                throw new WorkspaceException(problems);
            }
            return matchers;
        }
    }

    private DiscoveryMatchers() {
    }

    /** The regions of the AWS partition to offer for scanning (the AWS SDK's list, without global endpoints), sorted. */
    public static List<String> regionsToOffer() {
        return software.amazon.awssdk.regions.Region.regions().stream()
                .filter(r -> !r.isGlobalRegion() && r.metadata() != null && "aws".equals(r.metadata().partition().id()))
                .map(software.amazon.awssdk.regions.Region::id).filter(id -> REGION.matcher(id).matches())
                .sorted().toList();
    }

    /** Reads the {@code discovery:} list of a whole workspace document (other fields are not checked). */
    public static Parsed parseDocument(Path file, String yaml, String defaultRegion) {
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = yaml.isBlank() ? null : new ObjectMapper(factory).readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                message = message.replace("Duplicate field", "duplicate key");
            }
            return new Parsed(List.of(), List.of(new WorkspaceException.Problem(file,
                    loc == null ? 0 : loc.getLineNr(), "", message)));
        }
        JsonNode node = root == null ? null : root.get("discovery");
        return parse(file, node, "/discovery", new YamlLocator(yaml)::lineOf, defaultRegion);
    }

    /**
     * Checks and reads a {@code discovery:} node.
     *
     * @param node          the node (null or YAML null: no matchers)
     * @param pointer       where the node is in the document, e.g. {@code /discovery}
     * @param lineOf        the line of a JSON pointer in the document (0 when unknown)
     * @param defaultRegion the workspace's region, used by matchers without {@code regions}; may be empty
     */
    public static Parsed parse(Path file, JsonNode node, String pointer, ToIntFunction<String> lineOf,
                               String defaultRegion) {
        Checker c = new Checker(file, lineOf);
        List<DiscoveryMatcher> out = new ArrayList<>();
        if (isEmpty(node)) {
            return new Parsed(out, c.problems);
        }
        if (!node.isArray()) {
            c.problem(pointer, "expected a list of matchers, e.g. '- types: [rds]'");
            return new Parsed(out, c.problems);
        }
        for (int i = 0; i < node.size(); i++) {
            DiscoveryMatcher m = c.matcher(node.get(i), pointer + "/" + i, defaultRegion == null ? "" : defaultRegion);
            if (m != null) {
                out.add(m);
            }
        }
        return new Parsed(out, c.problems);
    }

    /** Absent, null, or YAML's empty value (a key or dash with nothing after it). */
    private static boolean isEmpty(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() || (n.isTextual() && n.asText().isEmpty());
    }

    private static final class Checker {
        private final Path file;
        private final ToIntFunction<String> lineOf;
        private final List<WorkspaceException.Problem> problems = new ArrayList<>();

        Checker(Path file, ToIntFunction<String> lineOf) {
            this.file = file;
            this.lineOf = lineOf;
        }

        DiscoveryMatcher matcher(JsonNode m, String at, String defaultRegion) {
            if (isEmpty(m)) {
                problem(at, "empty entry");
                return null;
            }
            if (!m.isObject()) {
                problem(at, "expected a mapping of fields (" + String.join(", ", FIELDS) + ")");
                return null;
            }
            int before = problems.size();
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    problem(at + "/" + f, "unknown field '" + f + "' (known fields here: " + String.join(", ", FIELDS) + ")");
                }
            }
            Set<DiscoveryType> types = types(m.get("types"), at + "/types");
            List<String> regions = regions(m.get("regions"), at + "/regions", defaultRegion);
            Map<String, List<String>> tags = tags(m.get("tags"), at + "/tags");
            String arn = text(m.get("assume_role_arn"), at + "/assume_role_arn");
            String externalId = text(m.get("external_id"), at + "/external_id");
            String roleName = text(m.get("role_name"), at + "/role_name");
            if (!arn.isEmpty() && AwsRole.tryParse(arn).isEmpty()) {
                problem(at + "/assume_role_arn", "'" + arn + "' is not an IAM role ARN (expected "
                        + "arn:aws:iam::123456789012:role/NAME, or arn:aws-us-gov:… / arn:aws-cn:…)");
            }
            if (!externalId.isEmpty()) {
                if (arn.isEmpty()) {
                    problem(at + "/external_id", "is only used with assume_role_arn; add the role to assume "
                            + "or remove external_id");
                } else if (!EXTERNAL_ID.matcher(externalId).matches()) {
                    problem(at + "/external_id", "is not a valid external id (2 to 1224 of letters, digits "
                            + "and +=,.@:/-_)");
                }
            }
            if (!roleName.isEmpty()) {
                if (!arn.isEmpty()) {
                    problem(at + "/role_name", "give either assume_role_arn (one account) or role_name (every "
                            + "IAM Identity Center account), not both");
                } else if (!ROLE_NAME.matcher(roleName).matches()) {
                    problem(at + "/role_name", "'" + roleName + "' is not an IAM role name (up to 64 of letters, "
                            + "digits and +=,.@-_)");
                }
            }
            if (problems.size() > before) {
                return null;
            }
            return new DiscoveryMatcher(types, regions, tags, arn, externalId, roleName);
        }

        private Set<DiscoveryType> types(JsonNode n, String at) {
            Set<DiscoveryType> out = EnumSet.noneOf(DiscoveryType.class);
            if (n == null || n.isNull()) {
                problem(at, "missing required field 'types' (one or more of " + TYPE_NAMES + ")");
                return out;
            }
            if (!n.isArray()) {
                problem(at, "expected a list, e.g. [rds, redshift]");
                return out;
            }
            if (n.isEmpty()) {
                problem(at, "lists no types; use one or more of " + TYPE_NAMES);
            }
            for (int i = 0; i < n.size(); i++) {
                JsonNode t = n.get(i);
                if (!t.isTextual()) {
                    problem(at + "/" + i, "expected a type name (" + TYPE_NAMES + ")");
                    continue;
                }
                String id = t.asText().trim();
                var type = DiscoveryType.of(id);
                if (type.isPresent()) {
                    out.add(type.get());
                } else if (DiscoveryType.TELEPORT_ONLY.contains(id)) {
                    problem(at + "/" + i, "Teleport's '" + id + "' matcher type is not supported by Ferry; use "
                            + TYPE_NAMES);
                } else {
                    problem(at + "/" + i, "'" + id + "' is not a type Ferry discovers; use " + TYPE_NAMES);
                }
            }
            return out;
        }

        private List<String> regions(JsonNode n, String at, String defaultRegion) {
            if (n == null || n.isNull()) {
                if (defaultRegion.isEmpty()) {
                    problem(at, "missing required field 'regions' (the workspace has no aws.region to use instead)");
                    return List.of();
                }
                return List.of(defaultRegion);
            }
            if (!n.isArray()) {
                problem(at, "expected a list, e.g. [us-east-1, eu-west-1]");
                return List.of();
            }
            if (n.isEmpty()) {
                problem(at, "lists no regions; name at least one (e.g. [us-east-1]) or remove the line "
                        + "to use the workspace's region");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode r = n.get(i);
                String region = r.isTextual() ? r.asText().trim() : "";
                if (!REGION.matcher(region).matches()) {
                    problem(at + "/" + i, "'" + (r.isValueNode() ? r.asText() : r.toString())
                            + "' is not an AWS region (e.g. us-east-1)"
                            + ("*".equals(region) ? "; Ferry scans the regions you list" : ""));
                } else if (!out.contains(region)) {
                    out.add(region);
                }
            }
            return out;
        }

        private Map<String, List<String>> tags(JsonNode n, String at) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isObject()) {
                problem(at, "expected a mapping of tag: value, e.g. {env: prod}");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                JsonNode v = e.getValue();
                String vAt = at + "/" + key;
                List<String> values = new ArrayList<>();
                if (v.isArray()) {
                    for (JsonNode x : v) {
                        if (x.isValueNode() && !x.isNull()) {
                            values.add(x.asText());
                        } else {
                            problem(vAt, "tag values must be strings");
                        }
                    }
                    if (v.isEmpty()) {
                        problem(vAt, "lists no values; give a value, a list of values or '*'");
                    }
                } else if (v.isValueNode() && !v.isNull()) {
                    values.add(v.asText());
                } else {
                    problem(vAt, "expected a tag value or a list of values");
                }
                for (String value : values) {
                    if (value.startsWith("^") && value.endsWith("$")) {
                        try {
                            Pattern.compile(value);
                        } catch (Exception bad) {
                            problem(vAt, "'" + value + "' is not a valid regular expression");
                        }
                    }
                }
                out.put(key, values);
            }
            return out;
        }

        private String text(JsonNode n, String at) {
            if (n == null || n.isNull()) {
                return "";
            }
            if (!n.isValueNode()) {
                problem(at, "expected a single value, not a mapping or a list");
                return "";
            }
            String s = n.asText().trim();
            if (s.isEmpty()) {
                problem(at, "is empty; give a value or remove the line");
            }
            return s;
        }

        void problem(String pointer, String message) {
            problems.add(new WorkspaceException.Problem(file, lineOf.applyAsInt(pointer), YamlLocator.field(pointer), message));
        }
    }
}
