package dev.ferry.app.workspace;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.app.discovery.DiscoveryMatcher;
import dev.ferry.app.discovery.DiscoveryMatchers;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.model.AwsPartition;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import dev.ferry.app.model.Labels;
import dev.ferry.app.model.RoleSpec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a workspace file. Either the whole file loads or a
 * {@link WorkspaceException} lists every problem with file, line and field; nothing is
 * half-loaded.
 */
public final class WorkspaceLoader {

    static final Set<String> PROTOCOLS = Set.of("postgres", "mysql");
    static final Set<String> TLS_MODES = Set.of("verify-full", "verify-ca", "insecure");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final ObjectMapper yaml;
    private final String defaultUser;

    /** @param defaultUser the session name used when a workspace has no {@code user} (the OS user) */
    public WorkspaceLoader(String defaultUser) {
        this.defaultUser = defaultUser;
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.yaml = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    public Workspace load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new WorkspaceException(List.of(new WorkspaceException.Problem(file, 0, "", "file not found")));
        } catch (IOException e) {
            throw new WorkspaceException(List.of(new WorkspaceException.Problem(file, 0, "",
                    "cannot be read: " + e.getMessage())));
        }
        return parse(file, text);
    }

    /** Parses workspace text; {@code file} is used in messages only. */
    public Workspace parse(Path file, String text) {
        WorkspaceFile raw;
        WorkspaceProblems.UnknownFields unknown = new WorkspaceProblems.UnknownFields(file);
        try {
            raw = text.isBlank() ? null : yaml.readerFor(WorkspaceFile.class).withHandler(unknown).readValue(text);
        } catch (JsonProcessingException e) {
            WorkspaceException.Problem syntax = WorkspaceProblems.syntax(file, e);
            List<WorkspaceException.Problem> all = new ArrayList<>(unknown.found());
            all.add(syntax != null ? syntax : toProblem(file, e));
            throw new WorkspaceException(all);
        }
        if (raw == null) {
            throw new WorkspaceException(List.of(new WorkspaceException.Problem(file, 0, "",
                    "the file is empty; a workspace needs at least a name")));
        }
        Validation v = new Validation(file, new YamlLocator(text));
        v.problems.addAll(unknown.found()); // every problem at once: unknown fields and the checks
        return v.validate(raw);
    }

    private static WorkspaceException.Problem toProblem(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        String field = "";
        String message = e.getOriginalMessage();
        if (e instanceof JsonMappingException m) {
            field = fieldPath(m.getPath());
            if (e instanceof UnrecognizedPropertyException u) {
                Set<String> known = new java.util.TreeSet<>();
                u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
                message = "unknown field '" + u.getPropertyName() + "' (known fields here: "
                        + String.join(", ", known) + ")";
            } else {
                message = plainMappingMessage(message);
            }
        } else if (message != null && message.startsWith("Duplicate field")) {
            message = message.replace("Duplicate field", "duplicate key");
        }
        return new WorkspaceException.Problem(file, line, field, message);
    }

    private static String plainMappingMessage(String message) {
        if (message == null) {
            return "invalid value";
        }
        if (message.contains("Cannot deserialize value of type `java.util.ArrayList")
                || message.contains("Cannot deserialize value of type `java.util.List")) {
            return "expected a list";
        }
        if (message.contains("Cannot deserialize value of type `java.util.LinkedHashMap")
                || message.contains("Cannot deserialize value of type `java.util.Map")) {
            return "expected a mapping of key: value";
        }
        if (message.contains("Cannot deserialize value of type `java.lang.String` from Object")
                || message.contains("from Array value")) {
            return "expected a single value, not a mapping or a list";
        }
        if (message.contains("Cannot coerce empty String")) {
            return "is empty; expected a mapping of fields (or remove the line)";
        }
        if (message.contains("Cannot construct instance of")) {
            return "expected a mapping of fields";
        }
        int cut = message.indexOf('\n');
        return cut > 0 ? message.substring(0, cut) : message;
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Whether {@code proxy} is a Teleport proxy address: host or host:port, no scheme or path. */
    public static boolean isProxyAddress(String proxy) {
        if (proxy == null || proxy.isBlank() || proxy.contains("://") || proxy.contains("/")) {
            return false;
        }
        try {
            URI u = new URI("tcp://" + proxy.trim());
            return u.getHost() != null && (u.getPort() == -1 || (u.getPort() > 0 && u.getPort() < 65536))
                    && (u.getPort() != -1 || !proxy.contains(":"));
        } catch (Exception e) {
            return false;
        }
    }

    /** Checks made after binding; collects every problem before failing. */
    private final class Validation {
        private final Path file;
        private final YamlLocator locator;
        private final List<WorkspaceException.Problem> problems = new ArrayList<>();

        Validation(Path file, YamlLocator locator) {
            this.file = file;
            this.locator = locator;
        }

        Workspace validate(WorkspaceFile raw) {
            required("/name", raw.name);
            WorkspaceFile.Aws aws = raw.aws == null ? new WorkspaceFile.Aws() : raw.aws;
            if (aws.region != null && !REGION.matcher(aws.region).matches()) {
                problem("/aws/region", "'" + aws.region + "' is not an AWS region (e.g. us-east-1)");
            }
            if (aws.signinEndpoint != null) {
                absoluteHttpUri("/aws/signin_endpoint", aws.signinEndpoint);
            }
            String user = raw.user == null || raw.user.isBlank() ? defaultUser : raw.user;
            if (raw.teleport != null || locator.has("/teleport")) {
                return teleport(raw, user);
            }

            List<RoleSpec> roles = roles(raw.roles);
            List<AppResource> apps = apps(raw.apps);
            List<DatabaseResource> dbs = databases(raw.databases, roles);
            Optional<StandaloneWorkspace.IdentityCenter> identityCenter = identityCenter(raw.identityCenter, aws);
            List<DiscoveryMatcher> discovery = discovery(raw.discovery, aws.region);
            if (!problems.isEmpty()) {
                throw new WorkspaceException(problems);
            }
            return new StandaloneWorkspace(file, raw.name, user,
                    new StandaloneWorkspace.AwsSettings(aws.profile, aws.region, aws.signinEndpoint), apps, dbs, roles,
                    identityCenter, discovery);
        }

        /** The {@code discovery:} matchers; their problems join the file's (a matcher without regions uses aws.region). */
        private List<DiscoveryMatcher> discovery(JsonNode node, String region) {
            DiscoveryMatchers.Parsed parsed = DiscoveryMatchers.parse(file, node, "/discovery", locator::lineOf,
                    region != null && REGION.matcher(region).matches() ? region : "");
            problems.addAll(parsed.problems());
            return parsed.matchers();
        }

        /**
         * A Teleport workspace: the cluster says which apps, databases and roles there are, so
         * the file only names the proxy (and optionally user, connector, tsh and its home).
         */
        private Workspace teleport(WorkspaceFile raw, String user) {
            WorkspaceFile.Teleport t = raw.teleport == null ? new WorkspaceFile.Teleport() : raw.teleport;
            if (raw.teleport == null) {
                problem("/teleport", "is empty; a Teleport workspace needs at least 'proxy: host:port'");
            } else {
                required("/teleport/proxy", t.proxy);
            }
            if (t.proxy != null && !t.proxy.isBlank() && !isProxyAddress(t.proxy)) {
                problem("/teleport/proxy", "'" + t.proxy + "' is not host:port (e.g. teleport.example.com:443)");
            }
            if (raw.aws != null || locator.has("/aws")) {
                problem("/aws", "a workspace has either 'aws:' (standalone AWS) or 'teleport:' (a Teleport "
                        + "cluster), not both; remove one of them");
            }
            if (locator.has("/discovery")) {
                problem("/discovery", "a Teleport workspace lists the databases its cluster discovers (tsh db ls); "
                        + "remove this list");
            }
            if (raw.identityCenter != null || locator.has("/identity_center")) {
                problem("/identity_center", "a Teleport workspace signs in through the cluster; remove "
                        + "'identity_center:' (or 'teleport:')");
            }
            for (String list : List.of("apps", "databases", "roles")) {
                if (locator.has("/" + list)) {
                    problem("/" + list, "a Teleport workspace takes its " + list + " from the cluster "
                            + "(tsh " + (list.equals("databases") ? "db" : list.equals("roles") ? "status" : "apps")
                            + "); remove this list");
                }
            }
            for (String field : new String[]{"user", "auth", "tsh", "teleport_home"}) {
                String v = switch (field) {
                    case "user" -> t.user;
                    case "auth" -> t.auth;
                    case "tsh" -> t.tsh;
                    default -> t.teleportHome;
                };
                if (v != null && v.isBlank()) {
                    problem("/teleport/" + field, "is empty; give a value or remove the line");
                }
            }
            if (!problems.isEmpty()) {
                throw new WorkspaceException(problems);
            }
            String tshPath = t.tsh == null || !(t.tsh.contains("/") || t.tsh.contains("\\"))
                    ? t.tsh : resolve(t.tsh).toString();
            String wsUser = t.user != null ? t.user : user;
            return new TeleportWorkspace(file, raw.name, wsUser,
                    new TeleportWorkspace.Settings(t.proxy.trim(), t.user, t.auth, tshPath, t.teleportHome));
        }

        /**
         * The {@code identity_center:} block: {@code start_url} + {@code region}, or {@code sso_session}
         * (naming an {@code [sso-session]} of ~/.aws/config), optionally with both of the others.
         */
        private Optional<StandaloneWorkspace.IdentityCenter> identityCenter(WorkspaceFile.IdentityCenter ic,
                                                                           WorkspaceFile.Aws aws) {
            if (ic == null) {
                if (locator.has("/identity_center")) {
                    problem("/identity_center", "is empty; give start_url and region (or sso_session)");
                }
                return Optional.empty();
            }
            String at = "/identity_center";
            boolean named = ic.ssoSession != null && !ic.ssoSession.isBlank();
            if (ic.ssoSession != null && !named) {
                problem(at + "/sso_session", "is empty; give the name of an [sso-session] in ~/.aws/config or remove the line");
            }
            if (!named || ic.startUrl != null || ic.region != null) {
                required(at + "/start_url", ic.startUrl);
                required(at + "/region", ic.region);
            }
            if (ic.startUrl != null && !ic.startUrl.isBlank() && !isStartUrl(ic.startUrl.trim())) {
                problem(at + "/start_url", "'" + ic.startUrl + "' is not an IAM Identity Center start URL (an https "
                        + "URL such as https://acme.awsapps.com/start)");
            }
            if (ic.region != null && !ic.region.isBlank() && !REGION.matcher(ic.region.trim()).matches()) {
                problem(at + "/region", "'" + ic.region + "' is not an AWS region (e.g. eu-west-1)");
            }
            if (aws.profile != null) {
                problem("/aws/profile", "the credentials come from 'identity_center:'; remove aws.profile "
                        + "(or the identity_center block)");
            }
            return Optional.of(new StandaloneWorkspace.IdentityCenter(ic.startUrl, ic.region, ic.ssoSession));
        }

        private boolean isStartUrl(String value) {
            try {
                URI u = new URI(value);
                return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && u.getRawUserInfo() == null;
            } catch (Exception e) {
                return false;
            }
        }

        private List<AppResource> apps(List<WorkspaceFile.App> raw) {
            List<AppResource> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < raw.size(); i++) {
                WorkspaceFile.App a = raw.get(i);
                String at = "/apps/" + i;
                if (a == null) {
                    problem(at, "empty entry");
                    continue;
                }
                required(at + "/name", a.name);
                required(at + "/uri", a.uri);
                unique(names, a.name, at + "/name", "app");
                accountLabel(at + "/labels/aws_account_id", a.labels);
                String externalId = a.aws == null ? null : a.aws.externalId;
                boolean declaredAws = "AWS".equalsIgnoreCase(a.cloud) || externalId != null
                        || a.labels.containsKey(AppResource.ACCOUNT_LABEL);
                if (a.uri != null) {
                    if (AwsPartition.ofConsoleUri(a.uri).isEmpty()) {
                        if (declaredAws) {
                            problem(at + "/uri", "'" + a.uri + "' is not an AWS console URL (expected "
                                    + "https://console.aws.amazon.com/..., https://console.amazonaws-us-gov.com/... "
                                    + "or https://console.amazonaws.cn/...)");
                        } else {
                            absoluteHttpUri(at + "/uri", a.uri);
                        }
                    }
                }
                if (a.cloud != null && !a.cloud.isEmpty() && !"AWS".equalsIgnoreCase(a.cloud)) {
                    problem(at + "/cloud", "'" + a.cloud + "' is not supported (only AWS)");
                }
                out.add(new AppResource(a.name, a.description, a.uri, a.publicAddr, a.labels, a.cloud, externalId));
            }
            return out;
        }

        private List<DatabaseResource> databases(List<WorkspaceFile.Database> raw, List<RoleSpec> roles) {
            List<DatabaseResource> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < raw.size(); i++) {
                WorkspaceFile.Database d = raw.get(i);
                String at = "/databases/" + i;
                if (d == null) {
                    problem(at, "empty entry");
                    continue;
                }
                required(at + "/name", d.name);
                required(at + "/protocol", d.protocol);
                required(at + "/uri", d.uri);
                unique(names, d.name, at + "/name", "database");
                if (d.protocol != null && !PROTOCOLS.contains(d.protocol)) {
                    problem(at + "/protocol", "'" + d.protocol + "' is not supported; supported: "
                            + String.join(", ", PROTOCOLS.stream().sorted().toList())
                            + " (Redshift speaks postgres; Aurora MySQL, RDS MySQL and MariaDB speak mysql)");
                }
                if (d.uri != null && !validHostPort(d.uri)) {
                    problem(at + "/uri", "'" + d.uri + "' is not host:port");
                }
                accountLabel(at + "/labels/aws_account_id", d.labels);
                DatabaseResource.Aws aws = DatabaseResource.Aws.NONE;
                if (d.aws != null) {
                    WorkspaceFile.DbAws x = d.aws;
                    if (x.region != null && !REGION.matcher(x.region).matches()) {
                        problem(at + "/aws/region", "'" + x.region + "' is not an AWS region (e.g. us-east-1)");
                    }
                    if (x.accountId != null && !ACCOUNT_ID.matcher(x.accountId).matches()) {
                        problem(at + "/aws/account_id", "'" + x.accountId
                                + "' is not a 12-digit AWS account id (quote it in YAML to keep leading zeros)");
                    }
                    if (x.assumeRoleArn != null && AwsRole.tryParse(x.assumeRoleArn).isEmpty()) {
                        problem(at + "/aws/assume_role_arn", malformedArn(x.assumeRoleArn));
                    }
                    aws = new DatabaseResource.Aws(x.region, x.accountId, x.assumeRoleArn, x.externalId,
                            x.redshift == null ? null : x.redshift.clusterId,
                            x.redshiftServerless == null ? null : x.redshiftServerless.workgroupName,
                            x.rds == null ? null : x.rds.instanceId,
                            x.rds == null ? null : x.rds.clusterId,
                            x.secretStore == null ? null : x.secretStore.secretId);
                }
                DatabaseResource.Tls tls = DatabaseResource.Tls.DEFAULT;
                if (d.tls != null) {
                    if (d.tls.mode != null && !TLS_MODES.contains(d.tls.mode)) {
                        problem(at + "/tls/mode", "'" + d.tls.mode + "' is not a TLS mode; use one of "
                                + "verify-full, verify-ca, insecure");
                    }
                    if (d.tls.caCertFile != null && !Files.isReadable(resolve(d.tls.caCertFile))) {
                        problem(at + "/tls/ca_cert_file", "'" + d.tls.caCertFile + "' cannot be read");
                    }
                    tls = new DatabaseResource.Tls(d.tls.mode,
                            d.tls.caCertFile == null ? null : resolve(d.tls.caCertFile).toString());
                }
                Set<String> users = new LinkedHashSet<>();
                Set<String> dbNames = new LinkedHashSet<>();
                for (RoleSpec r : roles) {
                    if (Labels.matches(r.dbLabels(), d.labels)) {
                        users.addAll(r.dbUsers());
                        dbNames.addAll(r.dbNames());
                    }
                }
                out.add(new DatabaseResource(d.name, d.description, d.protocol, d.uri, d.labels, aws, tls,
                        List.copyOf(users), List.copyOf(dbNames)));
            }
            return out;
        }

        private List<RoleSpec> roles(List<WorkspaceFile.Role> raw) {
            List<RoleSpec> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < raw.size(); i++) {
                WorkspaceFile.Role r = raw.get(i);
                String at = "/roles/" + i;
                if (r == null) {
                    problem(at, "empty entry");
                    continue;
                }
                required(at + "/name", r.name);
                unique(names, r.name, at + "/name", "role");
                if (r.allow == null) {
                    problem(at + "/allow", "missing required field 'allow'");
                    continue;
                }
                for (int j = 0; j < r.allow.awsRoleArns.size(); j++) {
                    String arn = r.allow.awsRoleArns.get(j);
                    if (AwsRole.tryParse(arn).isEmpty()) {
                        problem(at + "/allow/aws_role_arns/" + j, malformedArn(arn));
                    }
                }
                out.add(new RoleSpec(r.name, selector(at + "/allow/app_labels", r.allow.appLabels),
                        r.allow.awsRoleArns, selector(at + "/allow/db_labels", r.allow.dbLabels),
                        r.allow.dbUsers, r.allow.dbNames));
            }
            return out;
        }

        private Map<String, List<String>> selector(String at, Map<String, Object> raw) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                if (v instanceof List<?> list) {
                    List<String> values = new ArrayList<>();
                    for (Object o : list) {
                        if (o instanceof Map<?, ?> || o instanceof List<?> || o == null) {
                            problem(at + "/" + k, "label values must be strings");
                        } else {
                            values.add(String.valueOf(o));
                        }
                    }
                    out.put(k, values);
                } else if (v instanceof Map<?, ?> || v == null) {
                    problem(at + "/" + k, "expected a label value or a list of values");
                } else {
                    out.put(k, List.of(String.valueOf(v)));
                }
                for (String value : out.getOrDefault(k, List.of())) {
                    if (value.startsWith("^") && value.endsWith("$")) {
                        try {
                            Pattern.compile(value);
                        } catch (Exception e) {
                            problem(at + "/" + k, "'" + value + "' is not a valid regular expression");
                        }
                    }
                }
            });
            return out;
        }

        private String malformedArn(String arn) {
            return "'" + arn + "' is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME, "
                    + "or arn:aws-us-gov:… / arn:aws-cn:…)";
        }

        private void accountLabel(String at, Map<String, String> labels) {
            String v = labels.get(AppResource.ACCOUNT_LABEL);
            if (v != null && !ACCOUNT_ID.matcher(v).matches()) {
                problem(at, "'" + v + "' is not a 12-digit AWS account id (quote it in YAML to keep leading zeros)");
            }
        }

        private void unique(Set<String> seen, String name, String at, String what) {
            if (name != null && !seen.add(name)) {
                problem(at, "duplicate " + what + " name '" + name + "'");
            }
        }

        private void required(String at, String value) {
            if (value == null || value.isBlank()) {
                String field = at.substring(at.lastIndexOf('/') + 1);
                problem(at, "missing required field '" + field + "'");
            }
        }

        private void absoluteHttpUri(String at, String value) {
            try {
                URI u = new URI(value);
                if (u.getScheme() == null || u.getHost() == null
                        || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
                    problem(at, "'" + value + "' is not an http(s) URL");
                }
            } catch (Exception e) {
                problem(at, "'" + value + "' is not an http(s) URL");
            }
        }

        private boolean validHostPort(String uri) {
            try {
                URI u = new URI(uri.contains("://") ? uri : "tcp://" + uri);
                return u.getHost() != null;
            } catch (Exception e) {
                return false;
            }
        }

        private Path resolve(String p) {
            Path path = Path.of(p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p);
            Path dir = file.toAbsolutePath().getParent();
            return path.isAbsolute() || dir == null ? path : dir.resolve(path);
        }

        private void problem(String pointer, String message) {
            problems.add(new WorkspaceException.Problem(file, locator.lineOf(pointer), display(pointer), message));
        }

        private String display(String pointer) {
            StringBuilder sb = new StringBuilder();
            for (String part : pointer.substring(1).split("/")) {
                if (part.chars().allMatch(Character::isDigit) && !part.isEmpty() && sb.length() > 0) {
                    sb.append('[').append(part).append(']');
                } else {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(part);
                }
            }
            return sb.toString();
        }
    }
}
