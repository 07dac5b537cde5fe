package dev.ferry.app.sso;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.integrations.UrlQuery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The redirect target of the authorization-code flow: a listener on 127.0.0.1 (never another
 * interface) at {@code /oauth/callback} on a free port, as the AWS CLI runs it. The browser comes
 * back with {@code code} and {@code state} (or {@code error}); an answer whose state is not this
 * sign-in's is refused. The first acceptable answer ends the wait; the listener is closed after.
 */
final class LoopbackRedirect implements AutoCloseable {
    static final String PATH = "/oauth/callback";
    /** The redirect URI registered with the client: loopback, without a port (RFC 8252 7.3, as botocore). */
    static final String REGISTERED_URI = "http://127.0.0.1" + PATH;

    /** What came back: the code, or the error the authorization page gave. */
    record Answer(String code, String error, String errorDescription) {
    }

    private final HttpServer server;
    private final ExecutorService thread;
    private final String expectedState;
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();

    LoopbackRedirect(String expectedState) {
        this.expectedState = expectedState;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, 0, 0, 1}), 0), 0);
        } catch (IOException e) {
            throw new FerryException("Could not listen on 127.0.0.1 for the sign-in answer: " + e.getMessage(),
                    "Sign in with a code instead (--use-device-code).", e);
        }
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferry-sso-redirect");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** Where the browser is sent back to: {@code http://127.0.0.1:PORT/oauth/callback}. */
    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Waits for the answer; cancelling or interrupting ends the wait with {@link CancellationException}. */
    Answer await(Duration timeout, CancelSignal cancel) throws TimeoutException {
        try (CancelSignal.Registration ignored = cancel.onCancel(() -> answer.cancel(false))) {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Cancelled.");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) || !PATH.equals(ex.getRequestURI().getPath())) {
                reply(ex, 404, "Not found.");
                return;
            }
            Map<String, String> q = UrlQuery.parse(ex.getRequestURI().getRawQuery());
            if (answer.isDone()) {
                reply(ex, 200, "This sign-in has already ended. You can close this tab.");
                return;
            }
            if (!expectedState.equals(q.get("state"))) {
                // Not this sign-in's answer (an old tab, or forged): the sign-in ends, nothing is saved.
                reply(ex, 400, "This answer does not belong to Ferry's sign-in. Close this tab and sign in again from Ferry.");
                answer.complete(new Answer(null, "state_mismatch", "The answer's state is not this sign-in's."));
                return;
            }
            if (q.containsKey("error")) {
                reply(ex, 200, "The sign-in was not completed (" + html(q.get("error")) + "). You can close this tab.");
                answer.complete(new Answer(null, q.get("error"), q.getOrDefault("error_description", "")));
                return;
            }
            String code = q.get("code");
            if (code == null || code.isEmpty()) {
                reply(ex, 400, "The answer has no authorization code.");
                return;
            }
            reply(ex, 200, "Signed in. You can close this tab and return to Ferry.");
            answer.complete(new Answer(code, null, null));
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Ferry</title></head>"
                + "<body style=\"font-family: sans-serif; margin: 3em\"><h2>Ferry</h2><p>"
                + text + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
