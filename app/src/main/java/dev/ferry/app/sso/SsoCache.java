package dev.ferry.app.sso;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.FerryEnvironment;
import dev.ferry.app.FerryException;
import dev.ferry.app.settings.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The AWS CLI's IAM Identity Center cache, {@code ~/.aws/sso/cache}, in its own format, so that
 * a session made by {@code aws sso login} is used by Ferry and the other way round:
 * <ul>
 * <li>the token: {@code <sha1 of the sso-session name, or of the start URL>.json} with
 *     {@code startUrl, region, accessToken, expiresAt, clientId, clientSecret,
 *     registrationExpiresAt, refreshToken};</li>
 * <li>the client registration: {@code <sha1 of botocore's registration key>.json} with
 *     {@code clientId, clientSecret, expiresAt, scopes, grantTypes}.</li>
 * </ul>
 * Times are written as botocore writes them ({@code 2025-01-31T17:04:05Z}) and read in every form
 * botocore and the SDKs have written ({@code Z}, offsets, fractions, the old {@code UTC} suffix).
 * Files are written atomically and private (0600); fields Ferry does not know are kept. Nothing
 * from these files is ever logged.
 */
public final class SsoCache {
    private static final Logger LOG = LoggerFactory.getLogger(SsoCache.class);
    private static final DateTimeFormatter WRITE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    public SsoCache(Path dir) {
        this.dir = dir;
    }

    /** The AWS CLI's folder, {@code ~/.aws/sso/cache} (the CLI has no setting to move it). */
    public static Path defaultDir(FerryEnvironment env) {
        return Path.of(env.userHome(), ".aws", "sso", "cache");
    }

    public Path dir() {
        return dir;
    }

    public Path tokenFile(SsoSession session) {
        return dir.resolve(session.tokenCacheKey() + ".json");
    }

    /**
     * The registration file: botocore keys it by the SHA-1 of
     * {@code json.dumps({"tool": "botocore", "startUrl", "region", "scopes", "session_name"}, sort_keys=True)}
     * with the configured scopes ({@code null} when none) and the session name ({@code null} for a
     * legacy profile).
     */
    public Path registrationFile(SsoSession session) {
        StringBuilder key = new StringBuilder("{\"region\": ").append(pythonString(session.region()))
                .append(", \"scopes\": ");
        if (session.registrationScopes().isEmpty()) {
            key.append("null");
        } else {
            key.append('[');
            for (int i = 0; i < session.registrationScopes().size(); i++) {
                key.append(i == 0 ? "" : ", ").append(pythonString(session.registrationScopes().get(i)));
            }
            key.append(']');
        }
        key.append(", \"session_name\": ").append(session.name().map(SsoCache::pythonString).orElse("null"))
                .append(", \"startUrl\": ").append(pythonString(session.startUrl()))
                .append(", \"tool\": \"botocore\"}");
        return dir.resolve(SsoSession.sha1Hex(key.toString()) + ".json");
    }

    /** The cached token of the session; empty when there is none or it cannot be read. */
    public Optional<SsoToken> token(SsoSession session) {
        return read(tokenFile(session)).flatMap(n -> {
            Optional<String> accessToken = text(n, "accessToken");
            Optional<Instant> expiresAt = time(n, "expiresAt");
            if (accessToken.isEmpty() || expiresAt.isEmpty()) {
                LOG.warn("Ignoring the IAM Identity Center token cache {}: it has no accessToken or expiresAt",
                        tokenFile(session));
                return Optional.empty();
            }
            return Optional.of(new SsoToken(text(n, "startUrl").orElse(session.startUrl()),
                    text(n, "region").orElse(session.region()), accessToken.get(), expiresAt.get(),
                    text(n, "refreshToken"), text(n, "clientId"), text(n, "clientSecret"),
                    time(n, "registrationExpiresAt")));
        });
    }

    public void saveToken(SsoSession session, SsoToken token) {
        Path file = tokenFile(session);
        ObjectNode n = read(file).orElseGet(json::createObjectNode);
        n.put("startUrl", token.startUrl());
        n.put("region", token.region());
        n.put("accessToken", token.accessToken());
        n.put("expiresAt", WRITE_TIME.format(token.expiresAt()));
        putOrRemove(n, "clientId", token.clientId());
        putOrRemove(n, "clientSecret", token.clientSecret());
        putOrRemove(n, "registrationExpiresAt", token.registrationExpiresAt().map(WRITE_TIME::format));
        putOrRemove(n, "refreshToken", token.refreshToken());
        write(file, n);
    }

    /** Deletes the session's token (sign-out); true when there was one. */
    public boolean deleteToken(SsoSession session) {
        try {
            return Files.deleteIfExists(tokenFile(session));
        } catch (IOException e) {
            throw new FerryException("Could not delete " + tokenFile(session) + ": " + e.getMessage(),
                    "Delete the file yourself to sign out.", e);
        }
    }

    /** The cached client registration of the session; empty when there is none or it cannot be read. */
    public Optional<ClientRegistration> registration(SsoSession session) {
        return read(registrationFile(session)).flatMap(n -> {
            Optional<String> id = text(n, "clientId");
            Optional<String> secret = text(n, "clientSecret");
            Optional<Instant> expires = time(n, "expiresAt");
            if (id.isEmpty() || secret.isEmpty() || expires.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ClientRegistration(id.get(), secret.get(), expires.get(), list(n, "scopes"),
                    list(n, "grantTypes")));
        });
    }

    /** Forgets the session's client registration (the service no longer knows it). */
    public void deleteRegistration(SsoSession session) {
        try {
            Files.deleteIfExists(registrationFile(session));
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", registrationFile(session), e.getClass().getSimpleName());
        }
    }

    public void saveRegistration(SsoSession session, ClientRegistration registration) {
        Path file = registrationFile(session);
        ObjectNode n = read(file).orElseGet(json::createObjectNode);
        n.put("clientId", registration.clientId());
        n.put("clientSecret", registration.clientSecret());
        n.put("expiresAt", WRITE_TIME.format(registration.expiresAt()));
        putList(n, "scopes", registration.scopes());
        putList(n, "grantTypes", registration.grantTypes());
        write(file, n);
    }

    private Optional<ObjectNode> read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("Could not read the IAM Identity Center cache file {}: {}", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
        try {
            JsonNode n = json.readTree(raw);
            if (n instanceof ObjectNode o) {
                return Optional.of(o);
            }
        } catch (IOException e) {
            // the message could quote the file's content: only say that it is not JSON
        }
        LOG.warn("Ignoring the IAM Identity Center cache file {}: it is not a JSON object", file);
        return Optional.empty();
    }

    private void write(Path file, ObjectNode n) {
        try {
            if (!Files.isDirectory(dir) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            AtomicFiles.write(file, json.writeValueAsBytes(n), true);
        } catch (IOException e) {
            throw new FerryException("Could not save the IAM Identity Center session in " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    "Check that " + dir + " is a folder you can write to.", e);
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static List<String> list(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = n.get(field);
        if (v != null && v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        }
        return out;
    }

    private static Optional<Instant> time(JsonNode n, String field) {
        Optional<String> s = text(n, field);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parseTime(s.get()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A cache time in any of the forms written by botocore, the AWS CLI and the AWS SDKs. */
    static Instant parseTime(String s) {
        String t = s.trim();
        if (t.endsWith("UTC")) {
            t = t.substring(0, t.length() - 3).trim() + "Z";
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException withoutZone) {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        }
    }

    private static void putOrRemove(ObjectNode n, String field, Optional<String> value) {
        if (value.isPresent()) {
            n.put(field, value.get());
        } else {
            n.remove(field);
        }
    }

    private static void putList(ObjectNode n, String field, List<String> values) {
        if (values.isEmpty()) {
            n.remove(field);
            return;
        }
        ArrayNode a = n.putArray(field);
        values.forEach(a::add);
    }

    /**
     * A string as Python's {@code json.dumps} writes it (ASCII only, lower-case {@code \\u} escapes):
     * the registration key is a hash of that text, so it must match byte for byte.
     */
    static String pythonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
