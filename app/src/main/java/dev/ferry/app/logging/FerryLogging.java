package dev.ferry.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The log file that makes errors diagnosable: a rolling file (5 files of at most 5 MB) under the
 * state folder with every INFO line and every error's stack trace, added to the logging that
 * {@link FerryLogConfigurator} set up in code (the console stays as quiet as before). Set up by
 * the entry points (desktop, CLI) once they know where the state folder is; cheap (no XML, one
 * open file). Nothing secret is logged: tunnels' local keys, IAM tokens and secret values never
 * reach a log call (a test greps the file after a whole session).
 */
public final class FerryLogging {
    static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    static final String APPENDER = "FILE";
    private static final Logger LOG = LoggerFactory.getLogger(FerryLogging.class);

    private FerryLogging() {
    }

    /** Logs INFO and above (or what {@code -Dferry.log.level} asks, when lower) to {@code file}; returns it. */
    public static Path toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        detach(root);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(FILE_PATTERN);
        encoder.start();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(4);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("5MB"));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        Level wanted = Level.toLevel(System.getProperty("ferry.log.level"), Level.INFO);
        root.setLevel(wanted.isGreaterOrEqual(Level.INFO) ? Level.INFO : wanted);
        root.addAppender(appender);
        return file;
    }

    /** Stops logging to the file (tests; a second {@link #toFile} replaces it too). */
    public static void stopFile() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            detach(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
        }
    }

    private static void detach(ch.qos.logback.classic.Logger root) {
        Appender<ILoggingEvent> old = root.getAppender(APPENDER);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    /** Every thread's uncaught exception goes to the log with its stack trace (and then to the thread's own handler). */
    public static void logUncaughtExceptions() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            LOG.error("Uncaught exception in thread {}", t.getName(), e);
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
    }
}
