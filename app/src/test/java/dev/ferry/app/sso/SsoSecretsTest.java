package dev.ferry.app.sso;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.testsupport.IdentityCenterRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tokens, refresh tokens and client secrets never reach the log (at DEBUG, the SDK's own lines
 * included), exceptions, or the records' string forms.
 */
class SsoSecretsTest {
    static final SsoSession SESSION = IdentityCenterRig.SESSION;

    @TempDir
    Path home;
    IdentityCenterRig rig;
    ListAppender<ILoggingEvent> log;
    Logger root;
    Level rootLevel;

    @BeforeEach
    void setUp() throws Exception {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        rig = new IdentityCenterRig(home, null, IdentityCenterRig.smallOrg());
    }

    @AfterEach
    void tearDown() {
        root.detachAppender(log);
        root.setLevel(rootLevel);
        rig.close();
    }

    @Test
    void noSecretIsLoggedOrShown() throws Exception {
        rig.standIn.accessTokenLifetime(Duration.ofMinutes(5));
        SsoToken first = rig.signedIn();
        rig.standIn.accessTokenLifetime(Duration.ofHours(8));
        SsoToken renewed = rig.tokens.current(SESSION);
        new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC()).list(SESSION, p -> { }, new CancelSignal());
        rig.standIn.expireAccessTokens();
        Throwable ended = org.assertj.core.api.Assertions.catchThrowable(() ->
                new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC()).list(SESSION, p -> { }, new CancelSignal()));
        assertThat(ended).isInstanceOf(SsoSignInRequired.class);
        Files.writeString(rig.cache.tokenFile(SESSION), "{\"accessToken\": \"" + renewed.accessToken());
        assertThatThrownBy(() -> rig.tokens.current(SESSION)).isInstanceOf(SsoSignInRequired.class);

        List<String> secrets = new ArrayList<>(List.of(first.accessToken(), first.refreshToken().orElseThrow(),
                first.clientSecret().orElseThrow(), renewed.accessToken(), renewed.refreshToken().orElseThrow()));
        ClientRegistration reg = rig.cache.registration(SESSION).orElseThrow();
        secrets.add(reg.clientSecret());

        StringBuilder everything = new StringBuilder();
        for (ILoggingEvent e : log.list) {
            everything.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                everything.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        everything.append(first).append(renewed).append(reg).append(ended).append(ended.getCause());
        assertThat(log.list).as("DEBUG logging was on").hasSizeGreaterThan(20);
        for (String s : secrets) {
            assertThat(everything.toString()).doesNotContain(s);
        }
    }
}
