package dev.ferry.app.testsupport;

import dev.ferry.app.FerryException;
import dev.ferry.app.integrations.BrowserLauncher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A browser for tests: it opens the page as a real browser would (a GET that follows redirects,
 * on its own thread, so the opener does not wait for it), only notes the URL (a browser the
 * person ignores), or cannot be started at all (as {@code SystemBrowserLauncher} fails when there
 * is no browser command).
 */
public final class TestBrowser implements BrowserLauncher {
    public enum Mode { FOLLOW, IGNORE, MISSING }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<URI> opened = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<HttpResponse<String>>> visits = Collections.synchronizedList(new ArrayList<>());
    private volatile Mode mode;

    public TestBrowser(Mode mode) {
        this.mode = mode;
    }

    public void mode(Mode m) {
        this.mode = m;
    }

    @Override
    public void open(URI url) {
        if (mode == Mode.MISSING) {
            throw new FerryException("Could not start the browser (xdg-open): No such file or directory",
                    "Set a browser command in Settings.");
        }
        opened.add(url);
        if (mode == Mode.FOLLOW) {
            visits.add(visit(url));
        }
    }

    /** Opens a page as the person would, e.g. a device code's verification link. */
    public CompletableFuture<HttpResponse<String>> visit(URI url) {
        return http.sendAsync(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public List<URI> opened() {
        return List.copyOf(opened);
    }

    /** The page the last visit ended on (after redirects). */
    public HttpResponse<String> lastVisit() throws Exception {
        return visits.get(visits.size() - 1).get();
    }
}
