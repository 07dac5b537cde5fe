package dev.ferry.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging is set up in code, as logback.xml did: WARN to stderr, the desktop's own lines at INFO. */
class FerryLogConfiguratorTest {
    static LoggerContext configured(FerryLogConfigurator c) {
        LoggerContext fresh = new LoggerContext();
        c.setContext(fresh);
        assertThat(c.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return fresh;
    }

    @Test
    void quietByDefaultWithTheDesktopLinesAtInfo() {
        LoggerContext context = configured(new FerryLogConfigurator(false));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("dev.ferry.ui").getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) root.getAppender("STDERR")).getTarget()).isEqualTo("System.err");
    }

    @Test
    void levelsFollowTheSystemProperties() {
        String before = System.getProperty("ferry.log.level");
        System.setProperty("ferry.log.level", "DEBUG");
        try {
            LoggerContext context = configured(new FerryLogConfigurator(false));
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        } finally {
            if (before == null) {
                System.clearProperty("ferry.log.level");
            } else {
                System.setProperty("ferry.log.level", before);
            }
        }
    }

    @Test
    void aLogbackTestXmlOnTheClassPathWins() {
        // The tunnel test-jar on this class path carries one.
        assertThat(getClass().getClassLoader().getResource("logback-test.xml")).isNotNull();
        FerryLogConfigurator c = new FerryLogConfigurator();
        LoggerContext fresh = new LoggerContext();
        c.setContext(fresh);
        assertThat(c.configure(fresh)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
