package dev.ferry.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Ferry's logging set-up in code rather than a logback.xml: parsing XML (Joran and the JDK's
 * XML parser) cost about 0.14 s before the first window. Quiet by default — the CLI prints its
 * own messages — with the same knobs as before: {@code -Dferry.log.level=DEBUG} for everything,
 * {@code -Dferry.ui.log.level} for the desktop's own lines (INFO: e.g. "Ferry window shown"). The
 * entry points add the rolling log file ({@link FerryLogging#toFile}).
 * A {@code logback-test.xml} or {@code -Dlogback.configurationFile} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class FerryLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";
    private final boolean deferToTestConfig;

    /** As logback's ServiceLoader makes it. */
    public FerryLogConfigurator() {
        this(true);
    }

    FerryLogConfigurator(boolean deferToTestConfig) {
        this.deferToTestConfig = deferToTestConfig;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (deferToTestConfig && getClass().getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.addFilter(new ConsoleFilter(level("ferry.log.level", Level.WARN), level("ferry.ui.log.level", Level.INFO)));
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("ferry.log.level", Level.WARN));
        root.addAppender(stderr);
        context.getLogger("dev.ferry.ui").setLevel(level("ferry.ui.log.level", Level.INFO));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Level level(String property, Level fallback) {
        return Level.toLevel(System.getProperty(property), fallback);
    }

    /**
     * The console keeps its levels when the root logger is opened up for the log file
     * ({@link FerryLogging}): WARN (or {@code ferry.log.level}) for everything, the desktop's own
     * lines from {@code ferry.ui.log.level}.
     */
    static final class ConsoleFilter extends ch.qos.logback.core.filter.Filter<ILoggingEvent> {
        private final Level all;
        private final Level ui;

        ConsoleFilter(Level all, Level ui) {
            this.all = all;
            this.ui = ui;
        }

        @Override
        public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent e) {
            Level min = e.getLoggerName().startsWith("dev.ferry.ui") ? ui : all;
            return e.getLevel().isGreaterOrEqual(min) ? ch.qos.logback.core.spi.FilterReply.NEUTRAL
                    : ch.qos.logback.core.spi.FilterReply.DENY;
        }
    }
}
