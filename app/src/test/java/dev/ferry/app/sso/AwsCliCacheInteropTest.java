package dev.ferry.app.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The AWS CLI's token cache, shared both ways with botocore itself (python3 + botocore are
 * installed here): a session botocore's clients made and botocore's cache code wrote is used by
 * Ferry; a session Ferry made is read and renewed by botocore's {@code SSOTokenProvider}.
 */
class AwsCliCacheInteropTest {
    static final SsoSession SESSION = IdentityCenterRig.SESSION;
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path home;
    IdentityCenterRig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = new IdentityCenterRig(home, null, IdentityCenterRig.smallOrg());
        rig.writeAwsConfig();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    JsonNode python(String script, String... args) throws Exception {
        Python.Result r = Python.run(home, rig.awsCliEnv(), script, args);
        assertThat(r.exit()).as("python: " + r.err()).isZero();
        return json.readTree(r.out());
    }

    /**
     * The AWS CLI's device-code sign-in, re-enacted with botocore's own sso-oidc client against the
     * stand-in, and saved the way the CLI saves it: botocore's JSONFileCache with its
     * _sso_json_dumps (datetime objects, "%Y-%m-%dT%H:%M:%SZ"), the token under SSOTokenLoader's
     * key, the registration under the CLI's registration key.
     */
    static final String CLI_LOGIN = """
            import datetime, hashlib, json, os, sys, urllib.request
            import botocore.session
            from botocore import UNSIGNED
            from botocore.config import Config
            from botocore.tokens import _sso_json_dumps
            from botocore.utils import JSONFileCache, SSOTokenLoader
            from dateutil.tz import tzutc

            start_url, region, session_name = sys.argv[1], sys.argv[2], sys.argv[3]
            oidc = botocore.session.Session().create_client(
                'sso-oidc', config=Config(region_name=region, signature_version=UNSIGNED))
            scopes = ['sso:account:access']
            reg = oidc.register_client(clientName='botocore-client-' + session_name, clientType='public', scopes=scopes)
            auth = oidc.start_device_authorization(clientId=reg['clientId'], clientSecret=reg['clientSecret'], startUrl=start_url)
            urllib.request.urlopen(auth['verificationUriComplete']).read()   # the person confirms the code
            tok = oidc.create_token(grantType='urn:ietf:params:oauth:grant-type:device_code', clientId=reg['clientId'],
                                    clientSecret=reg['clientSecret'], deviceCode=auth['deviceCode'])
            now = datetime.datetime.now(tzutc())
            registration = {'clientId': reg['clientId'], 'clientSecret': reg['clientSecret'],
                            'expiresAt': datetime.datetime.fromtimestamp(reg['clientSecretExpiresAt'], tzutc()),
                            'scopes': scopes}
            token = {'startUrl': start_url, 'region': region, 'accessToken': tok['accessToken'],
                     'expiresAt': now + datetime.timedelta(seconds=tok['expiresIn']),
                     'clientId': reg['clientId'], 'clientSecret': reg['clientSecret'],
                     'registrationExpiresAt': registration['expiresAt'], 'refreshToken': tok['refreshToken']}
            cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'sso', 'cache')), dumps_func=_sso_json_dumps)
            SSOTokenLoader(cache=cache).save_token(start_url, token, session_name=session_name)
            key_args = {'tool': 'botocore', 'startUrl': start_url, 'region': region, 'scopes': None, 'session_name': session_name}
            cache[hashlib.sha1(json.dumps(key_args, sort_keys=True).encode('utf-8')).hexdigest()] = registration
            print(json.dumps({'accessToken': tok['accessToken'], 'clientId': reg['clientId'],
                              'expiresAt': token['expiresAt'].strftime('%Y-%m-%dT%H:%M:%SZ')}))
            """;

    @Test
    void aSessionTheAwsCliMadeIsUsedByFerry() throws Exception {
        JsonNode cli = python(CLI_LOGIN, IdentityCenterStandIn.START_URL, IdentityCenterStandIn.REGION, "acme");

        SsoToken token = rig.tokens.current(SESSION);
        assertThat(token.accessToken()).isEqualTo(cli.get("accessToken").asText());
        assertThat(token.expiresAt()).isEqualTo(Instant.parse(cli.get("expiresAt").asText()));
        assertThat(token.clientId()).contains(cli.get("clientId").asText());
        assertThat(token.isRefreshable(Instant.now())).isTrue();
        ClientRegistration reg = rig.cache.registration(SESSION).orElseThrow();
        assertThat(reg.clientId()).isEqualTo(cli.get("clientId").asText());
        assertThat(reg.isForAuthorizationCode()).isFalse();

        // Ferry lists the accounts with the CLI's session, without signing in again.
        SsoAccountList list = new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC())
                .list(SESSION, p -> { }, new CancelSignal());
        assertThat(list.accounts()).extracting(SsoAccount::accountName).containsExactly("audit", "prod", "staging");
        assertThat(rig.standIn.count("RegisterClient")).isEqualTo(1);
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void aSessionFerryMadeIsReadAndRenewedByBotocore() throws Exception {
        rig.standIn.accessTokenLifetime(Duration.ofMinutes(5));
        SsoToken ferry = rig.signedIn();
        rig.standIn.accessTokenLifetime(Duration.ofHours(8));

        // botocore's token provider for the profile: it finds Ferry's token, sees it ends within
        // its 15-minute window, renews it with the refresh token and writes the cache back.
        JsonNode botocore = python("""
                import json, botocore.session, botocore.tokens
                session = botocore.session.Session(profile='acme-prod')
                token = botocore.tokens.SSOTokenProvider(session).load_token().get_frozen_token()
                print(json.dumps({'token': token.token, 'expiration': token.expiration.isoformat()}))
                """);

        String renewed = botocore.get("token").asText();
        assertThat(renewed).isNotEqualTo(ferry.accessToken());
        assertThat(rig.standIn.isCurrent(renewed)).isTrue();
        assertThat(rig.standIn.count("CreateToken:refresh_token")).isEqualTo(1);
        assertThat(rig.standIn.calls()).filteredOn(c -> c.operation().equals("CreateToken:refresh_token"))
                .extracting(IdentityCenterStandIn.Call::token).containsExactly(ferry.clientId().orElseThrow());

        // Ferry reads what botocore wrote, and uses it without renewing again.
        SsoToken read = rig.tokens.current(SESSION);
        assertThat(read.accessToken()).isEqualTo(renewed);
        assertThat(read.expiresAt()).isCloseTo(Instant.now().plus(Duration.ofHours(8)), within(2, java.time.temporal.ChronoUnit.MINUTES));
        assertThat(read.refreshToken()).isPresent().isNotEqualTo(ferry.refreshToken());
        assertThat(read.registrationExpiresAt()).isEqualTo(ferry.registrationExpiresAt());
        assertThat(rig.standIn.count("CreateToken:refresh_token")).isEqualTo(1);
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void cacheFileNamesAreBotocores() throws Exception {
        List<SsoSession> sessions = List.of(SESSION,
                SsoSession.legacy("https://d-1234567890.awsapps.com/start/", "us-east-1"),
                new SsoSession(Optional.of("équipe \"ops\"\t/ 東京"), "https://ops.awsapps.com/start#/", "ap-northeast-1",
                        List.of("sso:account:access", "codewhisperer:completions")));
        for (SsoSession s : sessions) {
            JsonNode keys = python("""
                    import hashlib, json, sys
                    from botocore.utils import SSOTokenLoader
                    name = sys.argv[1] or None
                    scopes = json.loads(sys.argv[4]) or None
                    args = {'tool': 'botocore', 'startUrl': sys.argv[2], 'region': sys.argv[3], 'scopes': scopes, 'session_name': name}
                    print(json.dumps({'token': SSOTokenLoader()._generate_cache_key(sys.argv[2], name),
                                      'registration': hashlib.sha1(json.dumps(args, sort_keys=True).encode('utf-8')).hexdigest()}))
                    """, s.name().orElse(""), s.startUrl(), s.region(), json.writeValueAsString(s.registrationScopes()));
            assertThat(rig.cache.tokenFile(s).getFileName()).hasToString(keys.get("token").asText() + ".json");
            assertThat(rig.cache.registrationFile(s).getFileName()).hasToString(keys.get("registration").asText() + ".json");
        }
    }

    @Test
    void theCachesOlderTimeFormatsAreRead() throws Exception {
        // botocore's JSONFileCache without the CLI's dumps function writes "…UTC"; other SDKs write
        // fractions and offsets.
        python("""
                import datetime, os
                from dateutil.tz import tzutc
                from botocore.utils import JSONFileCache, SSOTokenLoader
                cache = JSONFileCache(os.path.expanduser('~/.aws/sso/cache'))
                SSOTokenLoader(cache=cache).save_token('https://acme.awsapps.com/start', {
                    'startUrl': 'https://acme.awsapps.com/start', 'region': 'eu-west-1', 'accessToken': 'legacy-token',
                    'expiresAt': datetime.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tzutc())}, session_name='acme')
                print('{}')
                """);
        assertThat(Files.readString(rig.cache.tokenFile(SESSION))).contains("\"2031-05-06T07:08:09UTC\"");
        SsoToken t = rig.cache.token(SESSION).orElseThrow();
        assertThat(t.expiresAt()).isEqualTo(Instant.parse("2031-05-06T07:08:09Z"));
        assertThat(t.refreshToken()).isEmpty();
        assertThat(t.isRefreshable(Instant.now())).isFalse();
        assertThat(SsoCache.parseTime("2031-05-06T07:08:09.123456Z")).isEqualTo(Instant.parse("2031-05-06T07:08:09.123456Z"));
        assertThat(SsoCache.parseTime("2031-05-06T09:08:09+02:00")).isEqualTo(Instant.parse("2031-05-06T07:08:09Z"));
        assertThat(SsoCache.parseTime("2031-05-06T07:08:09")).isEqualTo(Instant.parse("2031-05-06T07:08:09Z"));
    }

    @Test
    void savingKeepsFieldsFerryDoesNotKnowAndWritesPrivately() throws Exception {
        Path file = rig.cache.tokenFile(SESSION);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"startUrl\": \"" + SESSION.startUrl() + "\", \"region\": \"eu-west-1\", "
                + "\"accessToken\": \"a\", \"expiresAt\": \"2031-01-01T00:00:00Z\", \"futureField\": {\"x\": 1}}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SsoToken t = rig.cache.token(SESSION).orElseThrow();
        rig.cache.saveToken(SESSION, new SsoToken(t.startUrl(), t.region(), "b", t.expiresAt(), Optional.of("r"),
                Optional.of("c"), Optional.of("s"), Optional.of(Instant.parse("2031-02-01T00:00:00Z"))));
        JsonNode saved = json.readTree(file.toFile());
        assertThat(saved.get("futureField").get("x").asInt()).isEqualTo(1);
        assertThat(saved.get("accessToken").asText()).isEqualTo("b");
        assertThat(saved.get("registrationExpiresAt").asText()).isEqualTo("2031-02-01T00:00:00Z");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(file.getParent())) {
            assertThat(files).hasSize(1); // no temporary file left behind
        }
    }

    @Test
    void anUnreadableCacheFileIsNoSessionAndNothingOfItIsLogged() throws Exception {
        Path file = rig.cache.tokenFile(SESSION);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"accessToken\": \"s3cr3t-half-written");
        assertThat(rig.cache.token(SESSION)).isEmpty();
        assertThat(rig.tokens.status(SESSION).state()).isEqualTo(SsoSessionStatus.State.SIGN_IN_REQUIRED);
        assertThat(file).exists(); // the AWS CLI's file is left as it is
    }
}
