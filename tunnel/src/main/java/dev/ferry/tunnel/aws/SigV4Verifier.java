package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.aws.SigV4Exception.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 over a request exactly as it was received: the
 * {@code Authorization} header or a presigned query string, with S3's path rules (no
 * double encoding, no normalisation), and the chunk signatures of aws-chunked uploads.
 *
 * <p>Written by hand because the AWS SDK only signs: it has no verifier, and verifying
 * needs the client's own list of signed headers and its exact wire path, which the
 * SDK's signer recomputes its own way. Pure and thread-safe; signing keys are cached
 * per day, region and service.
 */
public final class SigV4Verifier {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    public static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** How far x-amz-date may be from the proxy's clock, as AWS allows. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final Duration MAX_PRESIGN = Duration.ofDays(7);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();

    /** The request as received. Header names lower-case; values in arrival order. */
    public record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
        public String header(String lowerName) {
            List<String> v = headers.get(lowerName);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    /** What the client's signature claims (parsed, not yet verified). */
    public record Auth(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
                       String signature, String amzDate, boolean presigned) {
        public String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }

        public boolean isS3() {
            return service.equals("s3") || service.equals("s3-object-lambda") || service.equals("s3express");
        }
    }

    private final LocalCredentials credentials;
    private static final java.util.regex.Pattern HEX_SIGNATURE = java.util.regex.Pattern.compile("[0-9a-f]{64}");
    private final Clock clock;
    private final Map<String, byte[]> keyCache = new ConcurrentHashMap<>();

    public SigV4Verifier(LocalCredentials credentials, Clock clock) {
        this.credentials = credentials;
        this.clock = clock;
    }

    /**
     * Parses the signature fields and checks everything that does not need the body:
     * algorithm, access key, credential scope, date window, presign expiry.
     */
    public Auth authenticate(Request r) throws SigV4Exception {
        Auth auth = parse(r);
        if (!auth.accessKeyId().equals(credentials.accessKeyId())) {
            throw new SigV4Exception(Reason.INVALID_ACCESS_KEY, "The request was signed with access key "
                    + auth.accessKeyId() + ", which is not this tunnel's local access key.");
        }
        Instant signedAt = parseAmzDate(auth.amzDate());
        if (!auth.amzDate().startsWith(auth.date())) {
            throw new SigV4Exception(Reason.SIGNATURE_MISMATCH,
                    "The credential scope date does not match the request date " + auth.amzDate() + ".");
        }
        Instant now = clock.instant();
        if (auth.presigned()) {
            long expires = parseExpires(queryParam(r.rawQuery(), "X-Amz-Expires"));
            if (signedAt.isAfter(now.plus(MAX_SKEW))) {
                throw new SigV4Exception(Reason.TIME_SKEWED, "The presigned URL is dated in the future ("
                        + auth.amzDate() + ").");
            }
            if (now.isAfter(signedAt.plusSeconds(expires))) {
                throw new SigV4Exception(Reason.EXPIRED, "The presigned URL expired at "
                        + signedAt.plusSeconds(expires) + ".");
            }
        } else if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new SigV4Exception(Reason.TIME_SKEWED, "The request time " + auth.amzDate()
                    + " is more than 15 minutes away from the current time " + AMZ_DATE.format(
                    LocalDateTime.ofInstant(now, ZoneOffset.UTC)) + ". Check the computer's clock.");
        }
        return auth;
    }

    /** Recomputes the signature over the request with the given payload hash value. */
    public void verifySignature(Request r, Auth auth, String payloadHash) throws SigV4Exception {
        String expected = signature(r, auth, payloadHash);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            throw new SigV4Exception(Reason.SIGNATURE_MISMATCH, "The request signature does not match the "
                    + "signature computed with this tunnel's local credentials (wrong secret key, or the request "
                    + "was changed after signing).");
        }
    }

    /** The signature this verifier's credentials give the request (hex). */
    public String signature(Request r, Auth auth, String payloadHash) throws SigV4Exception {
        String canonical = canonicalRequest(r, auth, payloadHash);
        String stringToSign = ALGORITHM + "\n" + auth.amzDate() + "\n" + auth.scope() + "\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        return hex(hmac(signingKey(auth), stringToSign));
    }

    /** Verifies the rolling chunk signatures of an aws-chunked body, seeded by the request signature. */
    public ChunkVerifier chunkVerifier(Auth auth) {
        return new ChunkVerifier(auth);
    }

    /** One per request; not thread-safe. */
    public final class ChunkVerifier {
        private final Auth auth;
        private final byte[] key;
        private String previous;

        private ChunkVerifier(Auth auth) {
            this.auth = auth;
            this.key = signingKey(auth);
            this.previous = auth.signature();
        }

        /** Checks one chunk given the SHA-256 of its data; advances the chain when it matches. */
        public void verifyChunk(String claimedSignature, byte[] chunkSha256) throws SigV4Exception {
            String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + auth.amzDate() + "\n" + auth.scope() + "\n" + previous
                    + "\n" + EMPTY_SHA256 + "\n" + hex(chunkSha256);
            check(claimedSignature, sts, "chunk");
        }

        /** Checks the trailer signature given the raw trailer header lines ("name:value\n" each). */
        public void verifyTrailer(String claimedSignature, byte[] trailerBytes) throws SigV4Exception {
            String sts = "AWS4-HMAC-SHA256-TRAILER\n" + auth.amzDate() + "\n" + auth.scope() + "\n" + previous
                    + "\n" + hex(sha256(trailerBytes));
            check(claimedSignature, sts, "trailer");
        }

        private void check(String claimed, String stringToSign, String what) throws SigV4Exception {
            String expected = hex(hmac(key, stringToSign));
            if (claimed == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    claimed.getBytes(StandardCharsets.US_ASCII))) {
                throw new SigV4Exception(Reason.SIGNATURE_MISMATCH, "A " + what
                        + " signature of the streamed upload does not match: the body was changed after signing.");
            }
            previous = expected;
        }
    }

    // ---- parsing -------------------------------------------------------------------------

    Auth parse(Request r) throws SigV4Exception {
        String authz = r.header("authorization");
        String query = r.rawQuery();
        if (authz != null) {
            return parseHeader(authz, r);
        }
        if (query != null && queryParam(query, "X-Amz-Signature") != null) {
            return parseQuery(query);
        }
        throw new SigV4Exception(Reason.MISSING_AUTHENTICATION, "The request is not signed. Configure the "
                + "client with this tunnel's local access key and secret key.");
    }

    private static Auth parseHeader(String authz, Request r) throws SigV4Exception {
        String value = authz.trim();
        if (!value.startsWith(ALGORITHM + " ")) {
            throw new SigV4Exception(Reason.MALFORMED, "Only AWS Signature Version 4 (" + ALGORITHM
                    + ") is accepted.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : value.substring(ALGORITHM.length()).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = p.substring(0, eq).trim();
            String v = p.substring(eq + 1).trim();
            switch (k) {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signedHeaders = v;
                case "Signature" -> signature = v;
                default -> { }
            }
        }
        String amzDate = r.header("x-amz-date");
        if (amzDate == null) {
            throw new SigV4Exception(Reason.MALFORMED, "The request has no X-Amz-Date header.");
        }
        return build(credential, signedHeaders, signature, amzDate, false);
    }

    private static Auth parseQuery(String query) throws SigV4Exception {
        String algorithm = queryParam(query, "X-Amz-Algorithm");
        if (!ALGORITHM.equals(algorithm)) {
            throw new SigV4Exception(Reason.MALFORMED, "Only AWS Signature Version 4 (" + ALGORITHM
                    + ") is accepted.");
        }
        return build(queryParam(query, "X-Amz-Credential"), queryParam(query, "X-Amz-SignedHeaders"),
                queryParam(query, "X-Amz-Signature"), queryParam(query, "X-Amz-Date"), true);
    }

    private static Auth build(String credential, String signedHeaders, String signature, String amzDate,
                              boolean presigned) throws SigV4Exception {
        if (credential == null || signedHeaders == null || signature == null || amzDate == null) {
            throw new SigV4Exception(Reason.MALFORMED,
                    "The signature is incomplete (Credential, SignedHeaders, Signature and date are required).");
        }
        String[] c = credential.split("/");
        if (c.length != 5 || !c[4].equals("aws4_request")) {
            throw new SigV4Exception(Reason.MALFORMED, "The credential scope is malformed.");
        }
        List<String> headers = Arrays.asList(signedHeaders.toLowerCase(Locale.ROOT).split(";"));
        if (!headers.contains("host")) {
            throw new SigV4Exception(Reason.MALFORMED, "The Host header must be signed.");
        }
        if (!HEX_SIGNATURE.matcher(signature).matches()) {
            throw new SigV4Exception(Reason.MALFORMED, "The signature is not 64 hex digits.");
        }
        return new Auth(c[0], c[1], c[2], c[3], headers, signature, amzDate, presigned);
    }

    private static Instant parseAmzDate(String amzDate) throws SigV4Exception {
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new SigV4Exception(Reason.MALFORMED, "X-Amz-Date is not in the form yyyyMMddTHHmmssZ.");
        }
    }

    private static long parseExpires(String s) throws SigV4Exception {
        try {
            long v = Long.parseLong(s);
            if (v < 1 || v > MAX_PRESIGN.toSeconds()) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SigV4Exception(Reason.MALFORMED, "X-Amz-Expires must be between 1 second and 7 days.");
        }
    }

    /** The decoded value of the first query parameter with that name, or null. */
    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (k.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    // ---- canonical request ---------------------------------------------------------------

    /** The canonical request, as defined by SigV4, over the request as received. */
    public String canonicalRequest(Request r, Auth auth, String payloadHash) throws SigV4Exception {
        StringBuilder sb = new StringBuilder(256);
        sb.append(r.method()).append('\n');
        sb.append(canonicalPath(r.rawPath(), auth.isS3())).append('\n');
        sb.append(canonicalQuery(r.rawQuery(), auth.presigned())).append('\n');
        for (String h : auth.signedHeaders()) {
            List<String> values = r.headers().get(h);
            if (values == null) {
                throw new SigV4Exception(Reason.SIGNATURE_MISMATCH, "The signed header '" + h
                        + "' is missing from the request.");
            }
            sb.append(h).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(trimAll(values.get(i)));
            }
            sb.append('\n');
        }
        sb.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
        sb.append(payloadHash);
        return sb.toString();
    }

    /** S3 signs the path as sent; every other service signs the normalised path, encoded again. */
    static String canonicalPath(String rawPath, boolean s3) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        if (s3) {
            return rawPath;
        }
        return encode(removeDotSegments(rawPath), false);
    }

    static String removeDotSegments(String path) {
        List<String> out = new ArrayList<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(seg);
            }
        }
        String joined = String.join("/", out);
        String first = path.startsWith("/") ? "/" : "";
        String last = path.endsWith("/") && !out.isEmpty() ? "/" : "";
        return first + joined + last;
    }

    static String canonicalQuery(String rawQuery, boolean presigned) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = encode(decode(eq < 0 ? pair : pair.substring(0, eq)), true);
            String v = eq < 0 ? "" : encode(decode(pair.substring(eq + 1)), true);
            if (presigned && k.equals("X-Amz-Signature")) {
                continue;
            }
            sorted.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : sorted.entrySet()) {
            List<String> values = e.getValue();
            values.sort(null);
            for (String v : values) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(e.getKey()).append('=').append(v);
            }
        }
        return sb.toString();
    }

    private static String trimAll(String v) {
        String t = v.trim();
        if (t.indexOf("  ") < 0) {
            return t;
        }
        return t.replaceAll(" +", " ");
    }

    /** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, '/' kept unless asked. */
    static String encode(String s, boolean encodeSlash) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Percent-decoding only ('+' stays '+', as AWS reads query strings). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write((Character.digit(s.charAt(i + 1), 16) << 4) | Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                int end = i + 1;
                while (end < s.length() && s.charAt(end) != '%') {
                    end++;
                }
                out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- crypto --------------------------------------------------------------------------

    private byte[] signingKey(Auth auth) {
        return keyCache.computeIfAbsent(auth.scope(), s -> {
            byte[] k = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), auth.date());
            k = hmac(k, auth.region());
            k = hmac(k, auth.service());
            return hmac(k, "aws4_request");
        });
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        return newSha256().digest(data);
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
