package dev.ferry.app.model;

import java.util.Objects;

/**
 * Why Ferry cannot open a tunnel to a database it lists (a discovered database that is
 * stopped, of an engine the tunnel does not speak, or with IAM authentication off), with what
 * to do about it in plain words. The desktop shows it on the row, the CLI in its status column.
 *
 * @param reason  the kind of reason, for code (badges, JSON)
 * @param message the reason and what to do, in plain words
 */
public record ServingMark(Reason reason, String message) {

    public enum Reason {
        /** Stopped, paused, being created or deleted, or an Aurora cluster without instances. */
        NOT_AVAILABLE("not available"),
        /** An engine the tunnel does not speak (e.g. MySQL). */
        ENGINE_NOT_SUPPORTED("engine not supported"),
        /** IAM database authentication is off and no Secrets Manager secret is set for it. */
        IAM_AUTH_OFF("IAM authentication off");

        private final String title;

        Reason(String title) {
            this.title = title;
        }

        /** A few words for a column or a badge, e.g. "IAM authentication off". */
        public String title() {
            return title;
        }

        /** The JSON form, e.g. {@code iam_auth_off}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ServingMark {
        Objects.requireNonNull(reason);
        message = message == null ? "" : message;
    }
}
