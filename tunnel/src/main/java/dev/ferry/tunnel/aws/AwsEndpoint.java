package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.HostAndPort;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.EndpointTag;
import software.amazon.awssdk.regions.PartitionEndpointKey;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;
import software.amazon.awssdk.regions.ServiceMetadata;

/**
 * A genuine AWS endpoint: a strictly parsed DNS name under the DNS suffix of one of the AWS
 * partitions the SDK knows ({@code amazonaws.com}, {@code api.aws}, {@code amazonaws.com.cn}, ...),
 * with the region and service it names. This is the only kind of host the AWS API proxy
 * forwards re-signed requests to, and a request's signature scope must match it.
 *
 * <p>Regions and partitions come from the AWS SDK's own endpoint metadata (the {@code regions}
 * module); a region the SDK does not list yet is accepted when it matches its partition's
 * region pattern. Services are names of {@code [a-z0-9-]}.
 */
public final class AwsEndpoint {

    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final List<Partition> PARTITIONS = partitions();
    /**
     * Endpoint names whose signing name differs, beyond "{service}-…" (dynamodb-fips,
     * s3-control, bedrock-runtime): the SDK's credential scopes plus the service models' signing names.
     */
    private static final Map<String, String> SIGNING_NAMES = Map.ofEntries(
            Map.entry("email", "ses"), Map.entry("portal.sso", "awsssoportal"), Map.entry("oidc", "sso-oauth"),
            Map.entry("data-ats.iot", "iotdata"), Map.entry("data.iot", "iotdata"), Map.entry("iot", "iotdata"),
            Map.entry("pinpoint", "mobiletargeting"), Map.entry("appstream2", "appstream"),
            Map.entry("cloudhsmv2", "cloudhsm"), Map.entry("metering.marketplace", "aws-marketplace"),
            Map.entry("entitlement.marketplace", "aws-marketplace"), Map.entry("importexport", "IngestionService"));
    /** The endpoint prefix to use in endpoint-URL mode for a signing name that is not its own prefix. */
    private static final Map<String, String> ENDPOINT_PREFIXES = Map.ofEntries(
            Map.entry("ses", "email"), Map.entry("awsssoportal", "portal.sso"), Map.entry("sso-oauth", "oidc"),
            Map.entry("iotdata", "data-ats.iot"), Map.entry("mobiletargeting", "pinpoint"),
            Map.entry("appstream", "appstream2"), Map.entry("cloudhsm", "cloudhsmv2"),
            Map.entry("aws-marketplace", "metering.marketplace"), Map.entry("lex", "runtime.lex"),
            Map.entry("pricing", "api.pricing"), Map.entry("ecr", "api.ecr"), Map.entry("sagemaker", "api.sagemaker"));

    private record Partition(String id, String dnsSuffix, String dualStackSuffix, Pattern regionPattern) {
    }

    private final HostAndPort address;
    private final Partition partition;
    /** Null for a global endpoint (no region in the name). */
    private final String region;
    /** The label that names the service (dynamodb, s3, execute-api, es). */
    private final String serviceLabel;
    /** The label before it, or null (data-ats in data-ats.iot, portal in portal.sso). */
    private final String qualifier;

    private AwsEndpoint(HostAndPort address, Partition partition, String region, String serviceLabel,
                        String qualifier) {
        this.address = address;
        this.partition = partition;
        this.region = region;
        this.serviceLabel = serviceLabel;
        this.qualifier = qualifier;
    }

    /** The endpoint a parsed CONNECT target names, or empty when it is not an AWS host (or an IP literal). */
    public static Optional<AwsEndpoint> of(HostAndPort address) {
        if (address.kind() != HostAndPort.Kind.DNS_NAME) {
            return Optional.empty();
        }
        String host = address.host();
        Partition best = null;
        String suffix = null;
        for (Partition p : PARTITIONS) {
            for (String s : new String[] {p.dnsSuffix(), p.dualStackSuffix()}) {
                if (s != null && host.endsWith("." + s) && (suffix == null || s.length() > suffix.length())) {
                    suffix = s;
                    best = p;
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String[] labels = host.substring(0, host.length() - suffix.length() - 1).split("\\.");
        int n = labels.length;
        String region = null;
        String serviceLabel;
        String qualifier = null;
        Partition partition = best;
        Partition atLast = partitionOfRegion(labels[n - 1], suffix);
        Partition beforeLast = n >= 2 ? partitionOfRegion(labels[n - 2], suffix) : null;
        if (atLast != null && n >= 2) {
            region = labels[n - 1];
            partition = atLast;
            int s = n - 2;
            while (s > 0 && (labels[s].equals("dualstack") || labels[s].equals("fips"))) {
                s--;
            }
            serviceLabel = labels[s];
            qualifier = s > 0 ? labels[s - 1] : null;
        } else if (beforeLast != null && n >= 3) {
            // {name}.{region}.{service}: OpenSearch (es), OpenSearch Serverless (aoss) domains
            region = labels[n - 2];
            partition = beforeLast;
            serviceLabel = labels[n - 1];
        } else {
            serviceLabel = labels[n - 1];
            qualifier = n >= 2 ? labels[n - 2] : null;
            String legacy = legacyS3Region(serviceLabel, suffix);
            if (legacy != null) {
                region = legacy;
                partition = partitionOfRegion(legacy, suffix);
                serviceLabel = "s3";
            }
        }
        return Optional.of(new AwsEndpoint(address, partition, region, serviceLabel, qualifier));
    }

    /** s3-us-west-2, s3-external-1, s3-fips-us-gov-west-1: the region, or null. */
    private static String legacyS3Region(String label, String suffix) {
        if (!label.startsWith("s3-")) {
            return null;
        }
        if (label.equals("s3-external-1")) {
            return "us-east-1";
        }
        String rest = label.startsWith("s3-fips-") ? label.substring(8) : label.substring(3);
        return partitionOfRegion(rest, suffix) != null ? rest : null;
    }

    /**
     * The standard endpoint for a signature scope (endpoint-URL mode), from the SDK's endpoint
     * metadata. The scope's service and region must be well-formed names; the region must be one
     * of a known AWS partition.
     *
     * @throws IllegalArgumentException with a message that says which part is wrong and why
     */
    public static AwsEndpoint forScope(String service, String region) {
        checkScopeNames(service, region);
        Partition p = partitionOfRegion(region, null);
        String prefix = ENDPOINT_PREFIXES.getOrDefault(service, service);
        ServiceMetadata md = ServiceMetadata.of(prefix);
        Region r = Region.of(region);
        Region global = Region.of(p.id() + "-global");
        URI host;
        if (!md.regions().contains(r) && md.regions().contains(global) && md.signingRegion(global).equals(r)) {
            host = md.endpointFor(global);
        } else {
            host = md.endpointFor(r);
        }
        String name = host.getHost() != null ? host.getHost() : host.toString();
        AwsEndpoint endpoint = HostAndPort.tryParse(name, 443).flatMap(AwsEndpoint::of)
                .orElseThrow(() -> new IllegalArgumentException("The AWS SDK's endpoint for " + service + " in "
                        + region + " is not an AWS host"));
        String why = endpoint.scopeMismatch(service, region);
        if (why != null) {
            throw new IllegalArgumentException("Ferry does not know the endpoint of the service " + service + " in "
                    + region + " (" + why + "). Use the proxy in HTTPS_PROXY mode for this service.");
        }
        return endpoint;
    }

    /**
     * Checks that a scope's service and region are well-formed names and that the region
     * belongs to a known AWS partition.
     *
     * @throws IllegalArgumentException saying why not
     */
    static void checkScopeNames(String service, String region) {
        if (service == null || !NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("The credential scope's service '" + printable(service)
                    + "' is not a service name (letters a-z, digits and '-').");
        }
        if (region == null || !NAME.matcher(region).matches()) {
            throw new IllegalArgumentException("The credential scope's region '" + printable(region)
                    + "' is not a region name (letters a-z, digits and '-').");
        }
        if (partitionOfRegion(region, null) == null) {
            throw new IllegalArgumentException("The credential scope's region '" + region
                    + "' is not a region of any AWS partition.");
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            if (b.length() > 80) {
                return b.append("…").toString();
            }
        }
        return b.toString();
    }

    /**
     * Why a request signed for {@code service} in {@code region} must not go to this endpoint,
     * or null when it may.
     */
    public String scopeMismatch(String service, String region) {
        try {
            checkScopeNames(service, region);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (!servesSigningName(service)) {
            return "the request is signed for the service " + service + " but was sent to " + address.host();
        }
        if (this.region != null) {
            if (!this.region.equals(region)) {
                return "the request is signed for the region " + region + " but was sent to " + address.host()
                        + " in " + this.region;
            }
            return null;
        }
        Partition p = partitionOfRegion(region, null);
        if (p == null || !p.id().equals(partition.id())) {
            return "the request is signed for the region " + region + ", which is not in the partition of "
                    + address.host();
        }
        if (isS3()) {
            return null; // S3's global endpoint serves buckets of every region of its partition
        }
        String expected = globalSigningRegion();
        if (expected != null && !expected.equals(region)) {
            return "the request is signed for the region " + region + " but " + address.host() + " expects "
                    + expected;
        }
        return null;
    }

    private boolean servesSigningName(String service) {
        if (serviceLabel.equals(service) || serviceLabel.startsWith(service + "-")) {
            return true;
        }
        String named = SIGNING_NAMES.get(qualifier == null ? serviceLabel : qualifier + "." + serviceLabel);
        if (named == null) {
            named = SIGNING_NAMES.get(serviceLabel);
        }
        return service.equals(named);
    }

    /** The region a global endpoint's requests are signed for (us-east-1 for IAM), or null when unknown. */
    private String globalSigningRegion() {
        ServiceMetadata md = ServiceMetadata.of(serviceLabel);
        Region global = Region.of(partition.id() + "-global");
        if (!md.regions().contains(global)) {
            return null;
        }
        String r = md.signingRegion(global).id();
        return r.contains("global") ? null : r;
    }

    public boolean isS3() {
        return serviceLabel.equals("s3") || serviceLabel.startsWith("s3-") || serviceLabel.startsWith("s3express");
    }

    public HostAndPort address() {
        return address;
    }

    public String host() {
        return address.host();
    }

    /** The region in the host name, or empty for a global endpoint. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    public String partitionId() {
        return partition.id();
    }

    /** {@code https://host[:port]}, built from the parsed parts. */
    public URI uri() {
        return address.uri("https");
    }

    @Override
    public String toString() {
        return address.authority(443);
    }

    // ---- partitions ------------------------------------------------------------------------

    private static Partition partitionOfRegion(String region, String suffix) {
        if (region == null || !NAME.matcher(region).matches() || region.contains("global")) {
            return null;
        }
        for (Partition p : PARTITIONS) {
            if ((suffix == null || suffix.equals(p.dnsSuffix()) || suffix.equals(p.dualStackSuffix()))
                    && p.regionPattern().matcher(region).matches()) {
                return p;
            }
        }
        return null;
    }

    private static List<Partition> partitions() {
        Map<String, Partition> byId = new LinkedHashMap<>();
        PartitionEndpointKey dualStack = PartitionEndpointKey.builder().tags(EndpointTag.DUALSTACK).build();
        for (Region r : Region.regions()) {
            RegionMetadata md = RegionMetadata.of(r);
            if (md == null || byId.containsKey(md.partition().id())) {
                continue;
            }
            PartitionMetadata p = md.partition();
            String dual;
            try {
                dual = p.dnsSuffix(dualStack);
            } catch (RuntimeException e) {
                dual = null;
            }
            byId.put(p.id(), new Partition(p.id(), p.dnsSuffix().toLowerCase(Locale.ROOT),
                    dual == null ? null : dual.toLowerCase(Locale.ROOT), Pattern.compile(p.regionRegex())));
        }
        return new ArrayList<>(byId.values());
    }
}
