package dev.ferry.app.standalone;

import dev.ferry.app.access.SignInRequiredException;
import dev.ferry.tunnel.TunnelStats;
import dev.ferry.tunnel.db.TunnelFailure;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.util.Optional;

/**
 * The renewed credentials of a long-running tunnel that remember when the session behind them has
 * ended (e.g. IAM Identity Center no longer renews them): the tunnel keeps its port, each request
 * or connection fails in plain words, and the tunnel says that a sign-in is needed. After the
 * sign-in the next request fetches fresh credentials and the tunnel serves again.
 */
final class SessionCredentials implements AwsCredentialsProvider, AutoCloseable {
    private final AwsCredentialsProvider delegate;
    private final AutoCloseable closing;
    private volatile SignInRequiredException ended;
    private volatile TunnelStats stats;

    <P extends AwsCredentialsProvider & AutoCloseable> SessionCredentials(P delegate) {
        this.delegate = delegate;
        this.closing = delegate;
    }

    /** Where the "sign-in needed" news goes: the tunnel's counters (which tell the tunnel's listeners). */
    void reportTo(TunnelStats s) {
        this.stats = s;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            AwsCredentials c = delegate.resolveCredentials();
            ended = null;
            return c;
        } catch (RuntimeException e) {
            Optional<SignInRequiredException> signIn = SignInRequiredException.in(e);
            TunnelStats s = stats;
            if (signIn.isPresent() && s != null) { // serving (a failed start says it itself)
                SignInRequiredException why = signIn.get();
                boolean first = ended == null;
                ended = why;
                if (first) {
                    s.upstreamFailed(new TunnelFailure(TunnelFailure.Reason.CREDENTIALS, why.getMessage(), "sign-in needed"));
                }
                // What the client (the AWS CLI, psql) gets: what happened and what to do.
                throw new SignInRequiredException(why.getMessage() + " " + why.hint()
                        + " Ferry keeps this tunnel on its port meanwhile.", why.hint(), why.where(), why.expired(), e);
            }
            throw e;
        }
    }

    /** The session's end, while the last attempt to get credentials found it ended. */
    Optional<SignInRequiredException> ended() {
        return Optional.ofNullable(ended);
    }

    @Override
    public void close() {
        try {
            closing.close();
        } catch (Exception ignored) {
            // best effort: nothing is left to renew
        }
    }
}
