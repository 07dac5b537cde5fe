package dev.ferry.app.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryException;
import dev.ferry.app.aws.AwsErrors;
import dev.ferry.app.aws.AwsSetup;
import dev.ferry.app.aws.RoleSessionName;
import dev.ferry.app.model.AwsRole;
import dev.ferry.app.model.DatabaseResource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshift.model.GetClusterCredentialsResponse;
import software.amazon.awssdk.services.redshift.model.GetClusterCredentialsWithIamResponse;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;
import software.amazon.awssdk.services.redshiftserverless.model.GetCredentialsResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Database authentication with IAM, the way Teleport's Database Service does it: RDS/Aurora
 * IAM auth tokens, Redshift temporary credentials (GetClusterCredentials, or
 * GetClusterCredentialsWithIAM for {@code role/<name>} users), Redshift Serverless
 * GetCredentials, or a Secrets Manager secret. With {@code aws.assume_role_arn} the role is
 * assumed first (auto-refreshed) and its credentials used for those calls.
 */
public final class DbAuth implements AutoCloseable {
    static final int REDSHIFT_DURATION = 900;
    /** How long an RDS IAM token (valid 15 minutes) is reused for new connections. */
    static final Duration TOKEN_REUSE = Duration.ofMinutes(10);
    /** How long a Secrets Manager value is reused (re-fetched sooner when the database refuses it). */
    static final Duration SECRET_REUSE = Duration.ofMinutes(5);

    private final AwsSetup aws;
    private final String sessionUser;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    /** Assumed roles by role, external id and region: assumed once, refreshed by the SDK before they expire. */
    private final Map<String, StsAssumeRoleCredentialsProvider> roles = new ConcurrentHashMap<>();

    /** RDS IAM tokens signed so far (tests: the cache saves the signing). */
    private final java.util.concurrent.atomic.AtomicInteger tokensSigned = new java.util.concurrent.atomic.AtomicInteger();

    private record Cached(DbLogin login, Instant until) {
    }

    public DbAuth(AwsSetup aws, String sessionUser, Clock clock) {
        this.aws = aws;
        this.sessionUser = sessionUser;
        this.clock = clock;
    }

    /** The credential source for a database, chosen by what the workspace says about it. */
    public DbCredentialSource sourceFor(DatabaseResource db) {
        Region region = db.aws().region().isEmpty() ? aws.region() : Region.of(db.aws().region());
        if (!db.aws().secretId().isEmpty()) {
            return describe("Secrets Manager secret " + db.aws().secretId(), (u, n) -> secret(db, region, u));
        }
        if (db.isRedshiftServerless()) {
            return describe("Redshift Serverless temporary credentials", (u, n) -> serverless(db, region, n));
        }
        if (db.isRedshift()) {
            return describe("Redshift temporary credentials", (u, n) -> redshift(db, region, u, n));
        }
        if (db.isRds()) {
            return describe("RDS IAM authentication token", (u, n) -> rdsToken(db, region, u));
        }
        return describe("no password (trust or client certificate)", (u, n) -> new DbLogin(u, null));
    }

    private DbCredentialSource describe(String what, DbCredentialSource source) {
        return new DbCredentialSource() {
            @Override
            public DbLogin login(String dbUser, String dbName) {
                return source.login(dbUser, dbName);
            }

            /** The database refused a cached login (a rotated secret): the next connection fetches afresh. */
            @Override
            public void rejected(String dbUser, String dbName) {
                cache.clear();
            }

            @Override
            public String describe() {
                return what;
            }
        };
    }

    /** Credentials for the database's AWS calls: the base ones, or its assume_role_arn (refreshed). */
    AwsCredentialsProvider credentialsFor(DatabaseResource db, Region region) {
        AwsCredentialsProvider base = aws.baseCredentials();
        if (db.aws().assumeRoleArn().isEmpty()) {
            return base;
        }
        return assumed(db.aws().assumeRoleArn(), db.aws().externalId(), base, region);
    }

    private AwsCredentialsProvider assumed(String roleArn, String externalId, AwsCredentialsProvider base, Region region) {
        // Keyed by what the base credentials are: the workspace's own, or the database's assume_role_arn.
        String via = base instanceof StsAssumeRoleCredentialsProvider ? "role " + System.identityHashCode(base) : "base";
        return roles.computeIfAbsent(roleArn + "|" + externalId + "|" + region.id() + "|" + via,
                k -> {
                    StsClient sts = aws.configure(StsClient.builder(), "STS", region).credentialsProvider(base).build();
                    return StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(r -> {
                        r.roleArn(roleArn).roleSessionName(RoleSessionName.of(sessionUser)).durationSeconds(3600);
                        if (!externalId.isEmpty()) {
                            r.externalId(externalId);
                        }
                    }).build();
                });
    }

    /**
     * An RDS IAM token (PostgreSQL and MySQL alike): a presigned {@code connect} for the real
     * host:port and user, signed locally with the database's credentials (an assumed role is
     * assumed once and refreshed by the SDK, not per token). A token is valid for 15 minutes
     * and checked by the database only at login, so one is reused for the connections of the
     * next {@link #TOKEN_REUSE} (each still logs in with a valid token, none pays for the
     * signing), then signed afresh, and sooner when the credentials that signed it change or
     * expire (a token is no longer accepted once its temporary credentials have expired).
     */
    DbLogin rdsToken(DatabaseResource db, Region region, String dbUser) {
        AwsCredentialsProvider creds = credentialsFor(db, region);
        return call(db, "RDS IAM token", () -> {
            AwsCredentials signing = creds.resolveCredentials();
            Instant until = clock.instant().plus(TOKEN_REUSE);
            if (signing.expirationTime().isPresent()) {
                Instant credsEnd = signing.expirationTime().get().minus(Duration.ofMinutes(1));
                until = credsEnd.isBefore(until) ? credsEnd : until;
            }
            String key = "rds|" + db.host() + "|" + db.port() + "|" + dbUser + "|" + region.id() + "|"
                    + signing.accessKeyId();
            return cachedUntil(key, until, () -> {
                tokensSigned.incrementAndGet();
                RdsUtilities utilities = RdsUtilities.builder().region(region)
                        .credentialsProvider(StaticCredentialsProvider.create(signing)).build();
                String token = utilities.generateAuthenticationToken(b -> b.hostname(db.host()).port(db.port())
                        .username(dbUser).region(region));
                return new DbLogin(dbUser, token);
            });
        });
    }

    int tokensSigned() {
        return tokensSigned.get();
    }

    DbLogin redshift(DatabaseResource db, Region region, String dbUser, String dbName) {
        String cluster = db.aws().redshiftClusterId().isEmpty() ? firstLabel(db.host()) : db.aws().redshiftClusterId();
        AwsCredentialsProvider creds = credentialsFor(db, region);
        if (dbUser.startsWith("role/")) {
            String roleName = dbUser.substring("role/".length());
            String account = db.aws().accountId();
            if (account.isEmpty()) {
                throw new FerryException("To log in to " + db.name() + " as " + dbUser + ", Ferry needs the account "
                        + "of the role.", "Set aws.account_id on the database in the workspace file.");
            }
            String partition = region.metadata() == null ? "aws" : region.metadata().partition().id();
            AwsRole role = AwsRole.parse("arn:" + partition + ":iam::" + account + ":role/" + roleName);
            AwsCredentialsProvider roleCreds = assumed(role.arn(), db.aws().externalId(), creds, region);
            return call(db, "GetClusterCredentialsWithIAM", () -> {
                try (RedshiftClient rs = aws.configure(RedshiftClient.builder(), "REDSHIFT", region)
                        .credentialsProvider(roleCreds).build()) {
                    GetClusterCredentialsWithIamResponse r = rs.getClusterCredentialsWithIAM(b -> b
                            .clusterIdentifier(cluster).dbName(dbName).durationSeconds(REDSHIFT_DURATION));
                    return new DbLogin(r.dbUser(), r.dbPassword());
                }
            });
        }
        return call(db, "GetClusterCredentials", () -> {
            try (RedshiftClient rs = aws.configure(RedshiftClient.builder(), "REDSHIFT", region)
                    .credentialsProvider(creds).build()) {
                GetClusterCredentialsResponse r = rs.getClusterCredentials(b -> b.clusterIdentifier(cluster)
                        .dbUser(dbUser).dbName(dbName).durationSeconds(REDSHIFT_DURATION).autoCreate(false));
                return new DbLogin(r.dbUser(), r.dbPassword());
            }
        });
    }

    DbLogin serverless(DatabaseResource db, Region region, String dbName) {
        String workgroup = db.aws().redshiftServerlessWorkgroup().isEmpty() ? firstLabel(db.host())
                : db.aws().redshiftServerlessWorkgroup();
        return call(db, "Redshift Serverless GetCredentials", () -> {
            try (RedshiftServerlessClient rs = aws.configure(RedshiftServerlessClient.builder(),
                    "REDSHIFT_SERVERLESS", region).credentialsProvider(credentialsFor(db, region)).build()) {
                GetCredentialsResponse r = rs.getCredentials(b -> b.workgroupName(workgroup).dbName(dbName)
                        .durationSeconds(REDSHIFT_DURATION));
                return new DbLogin(r.dbUser(), r.dbPassword());
            }
        });
    }

    DbLogin secret(DatabaseResource db, Region region, String dbUser) {
        String id = db.aws().secretId();
        DbLogin login = cached("secret|" + db.name() + "|" + id, SECRET_REUSE, () -> call(db, "Secrets Manager GetSecretValue", () -> {
            try (SecretsManagerClient sm = aws.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER", region)
                    .credentialsProvider(credentialsFor(db, region)).build()) {
                String value = sm.getSecretValue(b -> b.secretId(id)).secretString();
                JsonNode node;
                try {
                    node = value == null ? null : json.readTree(value);
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.hasNonNull("username") || !node.hasNonNull("password")) {
                    throw new FerryException("The secret " + id + " is not a database secret: it needs the JSON keys "
                            + "\"username\" and \"password\".", "Store it in the shape of an RDS-managed secret.");
                }
                return new DbLogin(node.get("username").asText(), node.get("password").asText());
            }
        }));
        if (dbUser != null && !dbUser.isEmpty() && !dbUser.equals(login.user())) {
            throw new FerryException("The secret " + id + " holds the password of database user '" + login.user()
                    + "', not '" + dbUser + "'.", "Connect as " + login.user() + ".");
        }
        return login;
    }

    private DbLogin cached(String key, Duration reuse, java.util.function.Supplier<DbLogin> make) {
        return cachedUntil(key, clock.instant().plus(reuse), make);
    }

    /** The login cached under key while the clock is before its end, else a fresh one kept until {@code until}. */
    private DbLogin cachedUntil(String key, Instant until, java.util.function.Supplier<DbLogin> make) {
        Cached c = cache.get(key);
        if (c != null && c.until().isAfter(clock.instant())) {
            return c.login();
        }
        DbLogin fresh = make.get();
        cache.put(key, new Cached(fresh, until));
        return fresh;
    }

    private DbLogin call(DatabaseResource db, String what, java.util.function.Supplier<DbLogin> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            AwsErrors.Parsed p = AwsErrors.parse(e);
            throw new FerryException(what + " for " + db.name() + " failed: "
                    + (p.code().isEmpty() ? "HTTP " + e.statusCode() : p.code() + ": " + p.message()),
                    hintFor(p.code()), e);
        } catch (SdkClientException e) {
            throw new FerryException(what + " for " + db.name() + " failed: " + e.getMessage(),
                    "Check your AWS credentials and network connection.", e);
        }
    }

    private static String hintFor(String code) {
        if (code.startsWith("ExpiredToken")) {
            return "Your AWS credentials have expired; sign in again.";
        }
        if (code.contains("AccessDenied") || code.contains("UnauthorizedOperation")) {
            return "Your AWS identity lacks permission for this; ask your AWS administrator.";
        }
        if (code.contains("NotFound")) {
            return "Check the database's aws settings in the workspace file.";
        }
        return "";
    }

    private static String firstLabel(String host) {
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(0, dot);
    }

    @Override
    public void close() {
        cache.clear();
        roles.values().forEach(StsAssumeRoleCredentialsProvider::close);
        roles.clear();
    }
}
