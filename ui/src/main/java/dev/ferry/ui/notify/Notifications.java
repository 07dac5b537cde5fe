package dev.ferry.ui.notify;

import dev.ferry.ui.fx.Problem;
import dev.ferry.ui.fx.UiTasks;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notifications the window shows, newest last. FX thread only. Info and success notes
 * hide by themselves; errors stay until closed, and every error is also logged (with its stack
 * trace) to the log file, whose path "Copy details" includes.
 */
public final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    public enum Level { INFO, SUCCESS, ERROR }

    /**
     * One notification; {@code details} is what to do (shown, may be empty), {@code technical} the
     * exception's own text (never shown: only copied, may be empty).
     */
    public record Note(long id, Level level, String title, String message, String details, String technical, Path logFile) {
        /** What "Copy details" copies: title, message, what to do, the technical detail and where the log is. */
        public String text() {
            String t = details.isEmpty() ? title + "\n" + message : title + "\n" + message + "\n" + details;
            if (!technical.isEmpty()) {
                t += "\nDetails: " + technical;
            }
            return logFile == null ? t : t + "\nLog file: " + logFile;
        }
    }

    /** How many notes the history keeps. */
    public static final int HISTORY = 100;

    private final ObservableList<Note> notes = FXCollections.observableArrayList();
    private final ObservableList<Note> history = FXCollections.observableArrayList();
    private final AtomicLong ids = new AtomicLong();
    private final Path logFile;

    /** @param logFile the log the technical details go to (shown in "Copy details"), or null */
    public Notifications(Path logFile) {
        this.logFile = logFile;
    }

    public Notifications() {
        this(null);
    }

    /** The notes shown now (toasts), newest last. */
    public ObservableList<Note> notes() {
        return notes;
    }

    /** Every note of this session, also those dismissed or shown in place only, newest last (at most {@link #HISTORY}). */
    public ObservableList<Note> history() {
        return history;
    }

    /**
     * An error that is shown where it happened (a tunnel tab's banner): logged and kept in the
     * history, but not shown a second time as a toast.
     */
    public Note errorShownInPlace(String title, Throwable e) {
        Throwable cause = UiTasks.unwrap(e);
        Problem p = Problem.of(cause);
        LOG.warn("{}: {}", title, p.text(), cause);
        Note n = note(Level.ERROR, title, p.message(), p.hint(), p.technical());
        remember(n);
        return n;
    }

    /** As {@link #errorShownInPlace(String, Throwable)}, for a problem already in plain words. */
    public Note errorShownInPlace(String title, Problem p) {
        LOG.warn("{}: {}", title, p.text());
        Note n = note(Level.ERROR, title, p.message(), p.hint(), p.technical());
        remember(n);
        return n;
    }

    public Note info(String title, String message) {
        return add(Level.INFO, title, message, "");
    }

    public Note success(String title, String message) {
        return add(Level.SUCCESS, title, message, "");
    }

    public Note error(String title, Problem problem) {
        LOG.warn("{}: {}", title, problem.text());
        return add(Level.ERROR, title, problem.message(), problem.hint(), problem.technical());
    }

    /** An error shown in plain words, logged with its stack trace. */
    public Note error(String title, Throwable e) {
        Throwable cause = UiTasks.unwrap(e);
        Problem p = Problem.of(cause);
        LOG.warn("{}: {}", title, p.text(), cause);
        return add(Level.ERROR, title, p.message(), p.hint(), p.technical());
    }

    public void dismiss(Note note) {
        notes.remove(note);
    }

    private Note add(Level level, String title, String message, String details) {
        return add(level, title, message, details, "");
    }

    private Note note(Level level, String title, String message, String details, String technical) {
        return new Note(ids.incrementAndGet(), level, title, message, details == null ? "" : details,
                technical == null ? "" : technical, level == Level.ERROR ? logFile : null);
    }

    private void remember(Note n) {
        history.add(n);
        while (history.size() > HISTORY) {
            history.remove(0);
        }
    }

    private Note add(Level level, String title, String message, String details, String technical) {
        Note n = note(level, title, message, details, technical);
        remember(n);
        notes.add(n);
        while (notes.size() > 5) {
            notes.remove(0);
        }
        return n;
    }
}
