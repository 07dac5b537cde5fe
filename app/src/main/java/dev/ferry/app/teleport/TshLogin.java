package dev.ferry.app.teleport;

import dev.ferry.app.FerryException;
import dev.ferry.app.access.LoginPrompter;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running {@code tsh login}. tsh's prompts arrive without a newline and wait for an
 * answer, so its output is read character by character and matched as it grows:
 * <ul>
 *   <li>SSO: "If browser window does not open automatically, open it by clicking on the
 *       link:" followed by {@code http://127.0.0.1:PORT/...} goes to {@link LoginPrompter#ssoLink};</li>
 *   <li>"Enter password for Teleport user NAME:" and "Enter an OTP code from a device:" are
 *       asked through {@link LoginPrompter#ask} and the answer is written to tsh's stdin.</li>
 * </ul>
 * {@link #cancel()} kills tsh. Answers are never kept after they are written.
 */
public final class TshLogin {
    private static final Pattern SSO_LINK = Pattern.compile(
            "open it by clicking on the link:\\s*(https?://\\S+)");
    private static final Pattern PASSWORD = Pattern.compile("(Enter password for Teleport user [^\\r\\n:]*):");
    private static final Pattern OTP = Pattern.compile("(Enter an OTP code from a device|Enter your OTP token):");

    private final Process process;
    private final LoginPrompter prompter;
    private final String proxy;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();
    private final StringBuilder seen = new StringBuilder();
    private final CompletableFuture<Void> outDone;
    private final CompletableFuture<Void> errDone;
    private final Object reacting = new Object();
    private volatile boolean cancelled;
    private int scanned;

    TshLogin(Process process, LoginPrompter prompter, String proxy) {
        this.process = process;
        this.prompter = prompter;
        this.proxy = proxy;
        this.outDone = read(process.getInputStream(), out, "tsh-login-out");
        this.errDone = read(process.getErrorStream(), err, "tsh-login-err");
        prompter.progress("Signing in to " + proxy + "…");
    }

    private CompletableFuture<Void> read(InputStream in, StringBuilder into, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            char[] buf = new char[1024];
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int n;
                while ((n = r.read(buf)) > 0) {
                    String chunk = new String(buf, 0, n);
                    synchronized (this) {
                        into.append(chunk);
                        seen.append(TshOutput.plain(chunk));
                    }
                    react();
                }
            } catch (IOException e) {
                // closed when tsh ends or is cancelled
            } finally {
                done.complete(null);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** Looks at output not yet handled, one prompt at a time (a prompt blocks tsh until answered). */
    private void react() {
        synchronized (reacting) {
            reactLocked();
        }
    }

    private void reactLocked() {
        while (true) {
            String pending;
            synchronized (this) {
                pending = seen.substring(scanned);
            }
            Matcher sso = SSO_LINK.matcher(pending);
            Matcher pw = PASSWORD.matcher(pending);
            Matcher otp = OTP.matcher(pending);
            int ssoAt = sso.find() ? sso.start() : Integer.MAX_VALUE;
            int pwAt = pw.find() ? pw.start() : Integer.MAX_VALUE;
            int otpAt = otp.find() ? otp.start() : Integer.MAX_VALUE;
            int first = Math.min(ssoAt, Math.min(pwAt, otpAt));
            if (first == Integer.MAX_VALUE) {
                return;
            }
            if (first == ssoAt) {
                // The link ends at whitespace; wait until some arrives after it.
                if (sso.end() >= pending.length()) {
                    return;
                }
                advance(sso.end());
                try {
                    prompter.ssoLink(URI.create(sso.group(1)));
                } catch (IllegalArgumentException e) {
                    // not a URL after all; tsh will time out or fail on its own
                }
                prompter.progress("Waiting for the sign-in in your browser…");
            } else if (first == pwAt) {
                advance(pw.end());
                answer(LoginPrompter.Kind.PASSWORD, pw.group(1));
            } else {
                advance(otp.end());
                answer(LoginPrompter.Kind.OTP, otp.group(1));
            }
        }
    }

    private synchronized void advance(int relativeEnd) {
        scanned += relativeEnd;
    }

    private void answer(LoginPrompter.Kind kind, String prompt) {
        Optional<char[]> reply = cancelled ? Optional.empty() : prompter.ask(kind, prompt);
        if (reply.isEmpty()) {
            cancel();
            return;
        }
        char[] secret = reply.get();
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        byte[] line = new byte[bytes.remaining() + 1];
        bytes.get(line, 0, line.length - 1);
        line[line.length - 1] = '\n';
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write(line);
            stdin.flush();
        } catch (IOException e) {
            // tsh ended meanwhile; its exit status tells what happened
        } finally {
            Arrays.fill(secret, '\0');
            Arrays.fill(line, (byte) 0);
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    /** Stops the sign-in: kills tsh (and anything it started, e.g. its callback listener). */
    public void cancel() {
        cancelled = true;
        TshRunner.kill(process);
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Waits for tsh to finish.
     *
     * @throws FerryException when cancelled, timed out, or tsh refused the sign-in
     */
    public void await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                cancel();
                throw new TshException("The sign-in to " + proxy + " did not finish within "
                        + timeout.toMinutes() + " minutes and was stopped.", "Run `ferry login` again.", -1);
            }
            CompletableFuture.allOf(outDone, errDone).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new FerryException("The sign-in was interrupted.");
        } catch (Exception e) {
            if (e instanceof FerryException fe) {
                throw fe;
            }
            // output readers did not finish; the exit status still decides
        }
        if (cancelled) {
            throw new FerryException("The sign-in to " + proxy + " was cancelled.");
        }
        if (process.exitValue() != 0) {
            String stdout;
            String stderr;
            synchronized (this) {
                stdout = out.toString();
                stderr = err.toString();
            }
            TshOutput o = new TshOutput(process.exitValue(), stdout, stderr);
            throw new TshException("Teleport sign-in to " + proxy + " failed: " + o.errorMessage(),
                    "Check your user name and connector in the workspace, then try again.", o.exitCode());
        }
    }
}
