package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.aws.SigV4Exception.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Amazon S3's Signature Version 2 (HMAC-SHA1), which AWS CLI v1's {@code aws s3 presign}
 * and boto3's default S3 presigner still make: the {@code Authorization: AWS key:signature}
 * header and the {@code AWSAccessKeyId}/{@code Signature}/{@code Expires} query string.
 *
 * <p>The string to sign is the one the S3 documentation gives ("Signing and authenticating
 * REST requests"): {@code VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n
 * CanonicalizedAmzHeaders CanonicalizedResource}, where the resource is {@code /bucket} (for a
 * virtual-hosted request) plus the undecoded path plus the sub-resources, sorted. Written by
 * hand: no maintained Java library verifies SigV2 (the SDKs only sign, and v2 of the Java SDK
 * not even that). A verified request is re-signed with SigV4 upstream.
 */
final class SigV2Verifier {

    /** Query parameters that belong to the signature, removed before the request goes upstream. */
    static final Set<String> QUERY_PARAMS = Set.of("AWSAccessKeyId", "Signature", "Expires");
    /** Sub-resources and response overrides that are part of the canonical resource (as botocore signs them). */
    private static final Set<String> SUB_RESOURCES = Set.of("accelerate", "acl", "cors", "defaultObjectAcl",
            "location", "logging", "partNumber", "policy", "requestPayment", "torrent", "versioning", "versionId",
            "versions", "website", "uploads", "uploadId", "response-content-type", "response-content-language",
            "response-expires", "response-cache-control", "response-content-disposition",
            "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
            "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
            "object-lock");

    /** A parsed, verified SigV2 signature. */
    record Auth(String accessKeyId, boolean presigned, List<String> signedHeaders) {
    }

    private final LocalCredentials credentials;
    private final Clock clock;

    SigV2Verifier(LocalCredentials credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    /** Whether the request carries a SigV2 signature (header or query). */
    static boolean isSigV2(SigV4Verifier.Request r) {
        String authz = r.header("authorization");
        if (authz != null) {
            return authz.startsWith("AWS ");
        }
        return SigV4Verifier.queryParam(r.rawQuery(), "AWSAccessKeyId") != null
                && SigV4Verifier.queryParam(r.rawQuery(), "Signature") != null;
    }

    /**
     * Verifies the signature over the request as received.
     *
     * @param bucket the bucket named by a virtual-hosted Host header, or null (path-style)
     */
    Auth verify(SigV4Verifier.Request r, String bucket) throws SigV4Exception {
        String authz = r.header("authorization");
        String accessKey;
        String signature;
        String dateField;
        boolean presigned = authz == null;
        List<String> dateFields = new ArrayList<>(2);
        if (presigned) {
            accessKey = SigV4Verifier.queryParam(r.rawQuery(), "AWSAccessKeyId");
            signature = SigV4Verifier.queryParam(r.rawQuery(), "Signature");
            dateField = SigV4Verifier.queryParam(r.rawQuery(), "Expires");
            long expires;
            try {
                expires = Long.parseLong(dateField == null ? "" : dateField.trim());
            } catch (NumberFormatException e) {
                throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) presigned URL has no "
                        + "valid Expires parameter.");
            }
            if (clock.instant().isAfter(Instant.ofEpochSecond(expires))) {
                throw new SigV4Exception(Reason.EXPIRED, "The Signature Version 2 (SigV2) presigned URL expired at "
                        + Instant.ofEpochSecond(expires) + ".");
            }
            dateFields.add(dateField);
        } else {
            String v = authz.substring(4).trim();
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) Authorization header "
                        + "is not of the form 'AWS key:signature'.");
            }
            accessKey = v.substring(0, colon);
            signature = v.substring(colon + 1);
            String amzDate = r.header("x-amz-date");
            String date = r.header("date");
            Instant signedAt = parseHttpDate(amzDate != null ? amzDate : date);
            if (Duration.between(signedAt, clock.instant()).abs().compareTo(SigV4Verifier.MAX_SKEW) > 0) {
                throw new SigV4Exception(Reason.TIME_SKEWED, "The Signature Version 2 (SigV2) request time "
                        + (amzDate != null ? amzDate : date) + " is more than 15 minutes away from the current time. "
                        + "Check the computer's clock.");
            }
            if (amzDate != null) {
                dateFields.add(""); // the documented form: x-amz-date stands in for Date
            }
            if (date != null) {
                dateFields.add(date.trim()); // signers that always put the Date header there
            }
        }
        if (accessKey == null || signature == null) {
            throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) signature is incomplete.");
        }
        if (!accessKey.equals(credentials.accessKeyId())) {
            throw new SigV4Exception(Reason.INVALID_ACCESS_KEY, "The Signature Version 2 (SigV2) request was signed "
                    + "with access key " + accessKey + ", which is not this tunnel's local access key.");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) signature is not Base64.");
        }
        for (String d : dateFields) {
            byte[] expected = hmacSha1(stringToSign(r, d, bucket));
            if (MessageDigest.isEqual(expected, claimed)) {
                List<String> signed = new ArrayList<>(List.of("content-md5", "content-type", "date"));
                r.headers().keySet().stream().filter(h -> h.startsWith("x-amz-")).forEach(signed::add);
                return new Auth(accessKey, presigned, signed);
            }
        }
        throw new SigV4Exception(Reason.SIGNATURE_MISMATCH, "The Signature Version 2 (SigV2) signature does not "
                + "match the one computed with this tunnel's local credentials (wrong secret key, or the request "
                + "was changed after signing).");
    }

    /** The documented string to sign, with {@code dateField} in the Date/Expires position. */
    static String stringToSign(SigV4Verifier.Request r, String dateField, String bucket) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(r.method()).append('\n');
        sb.append(trimmed(r.header("content-md5"))).append('\n');
        sb.append(trimmed(r.header("content-type"))).append('\n');
        sb.append(dateField).append('\n');
        TreeMap<String, String> amz = new TreeMap<>();
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            if (h.getKey().startsWith("x-amz-")) {
                List<String> values = new ArrayList<>();
                for (String v : h.getValue()) {
                    values.add(v.replaceAll("\\s*\\r?\\n\\s*", " ").trim());
                }
                amz.put(h.getKey(), String.join(",", values));
            }
        }
        amz.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        if (bucket != null) {
            sb.append('/').append(bucket);
        }
        String path = r.rawPath() == null || r.rawPath().isEmpty() ? "/" : r.rawPath();
        sb.append(path);
        TreeMap<String, List<String>> sub = new TreeMap<>();
        if (r.rawQuery() != null && !r.rawQuery().isEmpty()) {
            for (String pair : r.rawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                if (SUB_RESOURCES.contains(k)) {
                    sub.computeIfAbsent(k, x -> new ArrayList<>()).add(eq < 0 ? null : SigV4Verifier.decode(pair.substring(eq + 1)));
                }
            }
        }
        String sep = "?";
        for (Map.Entry<String, List<String>> e : sub.entrySet()) {
            for (String v : e.getValue()) {
                sb.append(sep).append(e.getKey());
                if (v != null) {
                    sb.append('=').append(v);
                }
                sep = "&";
            }
        }
        return sb.toString();
    }

    private static String trimmed(String v) {
        return v == null ? "" : v.trim();
    }

    private byte[] hmacSha1(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(credentials.secretAccessKey().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    private static Instant parseHttpDate(String value) throws SigV4Exception {
        if (value == null) {
            throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) request has no Date or "
                    + "x-amz-date header.");
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new SigV4Exception(Reason.MALFORMED, "The Signature Version 2 (SigV2) request date '" + value
                    + "' is not an RFC 1123 date.");
        }
    }
}
