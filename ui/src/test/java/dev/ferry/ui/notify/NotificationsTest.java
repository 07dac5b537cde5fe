package dev.ferry.ui.notify;

import dev.ferry.app.FerryException;
import io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** An error note says in plain words what happened and what to do; an exception's own text is only in "Copy details". */
class NotificationsTest {
    final Notifications notes = new Notifications(Path.of("/state/logs/ferry.log"));

    @Test
    void aLibraryExceptionIsShownInPlainWordsAndItsTextOnlyCopied() {
        Notifications.Note n = notes.error("Could not open orders",
                new java.util.concurrent.CompletionException(new NotSslRecordException("not an SSL/TLS record: 474554202f20485454502f312e310d0a")));
        assertThat(n.message()).isEqualTo("Something unexpected went wrong.");
        assertThat(n.details()).contains("Copy details");
        assertThat(n.message() + n.details()).doesNotContain("io.netty").doesNotContain("474554");
        assertThat(n.text()).contains("io.netty.handler.ssl.NotSslRecordException").contains("Log file: /state/logs/ferry.log");
    }

    @Test
    void ferrysOwnErrorsKeepTheirWordsAndHint() {
        Notifications.Note n = notes.error("Could not move orders", new FerryException("Port 5432 is in use.", "Pick another port."));
        assertThat(n.message()).isEqualTo("Port 5432 is in use.");
        assertThat(n.details()).isEqualTo("Pick another port.");
        assertThat(n.technical()).isEmpty();
    }
}
