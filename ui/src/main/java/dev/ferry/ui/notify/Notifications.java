package dev.ferry.ui.notify;

import dev.ferry.ui.fx.Problem;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The notifications the window shows, newest last. FX thread only. Info and success notes
 * hide by themselves; errors stay until closed.
 */
public final class Notifications {

    public enum Level { INFO, SUCCESS, ERROR }

    /** One notification; {@code details} is extra text worth copying (may be empty). */
    public record Note(long id, Level level, String title, String message, String details) {
        public String text() {
            return details.isEmpty() ? title + "\n" + message : title + "\n" + message + "\n" + details;
        }
    }

    private final ObservableList<Note> notes = FXCollections.observableArrayList();
    private final AtomicLong ids = new AtomicLong();

    public ObservableList<Note> notes() {
        return notes;
    }

    public Note info(String title, String message) {
        return add(Level.INFO, title, message, "");
    }

    public Note success(String title, String message) {
        return add(Level.SUCCESS, title, message, "");
    }

    public Note error(String title, Problem problem) {
        return add(Level.ERROR, title, problem.message(), problem.hint());
    }

    public Note error(String title, Throwable e) {
        return error(title, Problem.of(e));
    }

    public void dismiss(Note note) {
        notes.remove(note);
    }

    private Note add(Level level, String title, String message, String details) {
        Note n = new Note(ids.incrementAndGet(), level, title, message, details == null ? "" : details);
        notes.add(n);
        while (notes.size() > 5) {
            notes.remove(0);
        }
        return n;
    }
}
