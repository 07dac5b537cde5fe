package dev.ferry.app.sso;

import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.CancelSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.model.AccountInfo;
import software.amazon.awssdk.services.sso.model.ListAccountRolesResponse;
import software.amazon.awssdk.services.sso.model.ListAccountsResponse;
import software.amazon.awssdk.services.sso.model.RoleInfo;
import software.amazon.awssdk.services.sso.model.TooManyRequestsException;
import software.amazon.awssdk.services.sso.model.UnauthorizedException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Lists the accounts and roles of a session from the AWS access portal with the SDK's {@code sso}
 * client: ListAccounts page by page, and, as each page comes, ListAccountRoles (all pages) for its
 * accounts on a bounded pool of threads. Throttling (HTTP 429, {@code TooManyRequestsException}) says
 * "later", not "no": it is retried for up to {@link #THROTTLED_FOR} after an exponential backoff with
 * full jitter (a random wait up to 100 ms × 2^attempt, at most 2 s), and all the listing's calls
 * are then paced to the rate the service accepts ({@link PortalPacer}); other transient failures
 * (5xx, network) are retried {@link #OTHER_ATTEMPTS} times; the waits end at once on Cancel. An account whose roles cannot be
 * listed gets an error of its own, the others are kept. A session that has ended fails the whole
 * listing with {@link SsoSignInRequired}.
 */
public final class SsoPortal {
    private static final Logger LOG = LoggerFactory.getLogger(SsoPortal.class);
    public static final int DEFAULT_PARALLELISM = 8;
    /** The API's largest page. */
    static final int PAGE_SIZE = 100;
    /** How long one call keeps being retried while the service throttles it. */
    static final Duration THROTTLED_FOR = Duration.ofMinutes(2);
    static final int OTHER_ATTEMPTS = 3;
    static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    static final Duration BACKOFF_CAP = Duration.ofSeconds(2);

    private final SsoClients clients;
    private final SsoTokens tokens;
    private final Clock clock;
    private final int parallelism;

    public SsoPortal(SsoClients clients, SsoTokens tokens, Clock clock) {
        this(clients, tokens, clock, DEFAULT_PARALLELISM);
    }

    /** @param parallelism how many portal calls run at once (1: one after the other) */
    public SsoPortal(SsoClients clients, SsoTokens tokens, Clock clock, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism < 1");
        }
        this.clients = clients;
        this.tokens = tokens;
        this.clock = clock;
        this.parallelism = parallelism;
    }

    public SsoTokens tokens() {
        return tokens;
    }

    /**
     * Lists everything; blocks until done. Progress is reported from the listing's threads.
     *
     * @throws CancellationException when cancelled
     * @throws SsoSignInRequired     when the session has ended
     */
    public SsoAccountList list(SsoSession session, Consumer<PortalProgress> progress, CancelSignal cancel) {
        SsoClient sso = clients.portalForListing(session.region());
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "ferry-sso-list-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        PortalPacer pacer = new PortalPacer();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger found = new AtomicInteger();
        List<AccountInfo> accounts = new ArrayList<>();
        List<Future<SsoAccount>> results = new ArrayList<>();
        Thread caller = Thread.currentThread();
        try (CancelSignal.Registration stopPool = cancel.onCancel(pool::shutdownNow);
             CancelSignal.Registration stopPaging = cancel.onCancel(caller::interrupt)) {
            String next = null;
            do {
                cancel.throwIfCancelled();
                String page = next;
                ListAccountsResponse r = call(session, pacer, cancel, () -> sso.listAccounts(b -> b.accessToken(token(session))
                        .maxResults(PAGE_SIZE).nextToken(page)));
                for (AccountInfo a : r.accountList()) {
                    accounts.add(a);
                    found.incrementAndGet();
                    results.add(pool.submit(() -> {
                        SsoAccount account = account(sso, session, a, pacer, cancel);
                        progress.accept(new PortalProgress(done.incrementAndGet(), found.get(), false));
                        return account;
                    }));
                }
                next = r.nextToken() == null || r.nextToken().isEmpty() ? null : r.nextToken();
                progress.accept(new PortalProgress(done.get(), found.get(), next == null));
            } while (next != null);
            List<SsoAccount> listed = new ArrayList<>(results.size());
            for (Future<SsoAccount> f : results) {
                listed.add(get(f, cancel));
            }
            progress.accept(new PortalProgress(listed.size(), listed.size(), true));
            listed.sort(Comparator.comparing((SsoAccount a) -> a.accountName().toLowerCase(Locale.ROOT))
                    .thenComparing(SsoAccount::accountId));
            SsoAccountList list = new SsoAccountList(session.startUrl(), session.region(), clock.instant(), listed);
            LOG.info("Listed {} accounts and {} roles of {} ({} accounts failed)", listed.size(), list.roleCount(),
                    session.label(), list.failedAccounts().size());
            return list;
        } catch (RuntimeException e) {
            if (cancel.isCancelled()) {
                CancellationException c = new CancellationException("Cancelled.");
                c.initCause(e);
                throw c;
            }
            throw e;
        } finally {
            pool.shutdownNow();
            if (cancel.isCancelled()) {
                Thread.interrupted(); // the interrupt was ours, to stop a call in progress
            }
        }
    }

    /** The roles of one account, all pages, sorted. */
    public List<String> roles(SsoSession session, String accountId, CancelSignal cancel) {
        return roles(clients.portalForListing(session.region()), session, accountId, new PortalPacer(), cancel);
    }

    private SsoAccount account(SsoClient sso, SsoSession session, AccountInfo a, PortalPacer pacer, CancelSignal cancel) {
        try {
            return new SsoAccount(a.accountId(), a.accountName(), a.emailAddress(), roles(sso, session, a.accountId(), pacer, cancel), "");
        } catch (SsoSignInRequired | CancellationException e) {
            throw e;
        } catch (FerryException e) {
            LOG.warn("Could not list the roles of account {}: {}", a.accountId(), e.getMessage());
            return new SsoAccount(a.accountId(), a.accountName(), a.emailAddress(), List.of(), SsoErrors.accountRoles(e));
        }
    }

    private List<String> roles(SsoClient sso, SsoSession session, String accountId, PortalPacer pacer, CancelSignal cancel) {
        List<String> roles = new ArrayList<>();
        String next = null;
        do {
            String page = next;
            ListAccountRolesResponse r = call(session, pacer, cancel, () -> sso.listAccountRoles(b -> b.accessToken(token(session))
                    .accountId(accountId).maxResults(PAGE_SIZE).nextToken(page)));
            r.roleList().stream().map(RoleInfo::roleName).forEach(roles::add);
            next = r.nextToken() == null || r.nextToken().isEmpty() ? null : r.nextToken();
        } while (next != null);
        roles.sort(String.CASE_INSENSITIVE_ORDER);
        return roles;
    }

    private String token(SsoSession session) {
        return tokens.current(session).accessToken();
    }

    /** One portal call, retried on throttling and transient failures. */
    private <T> T call(SsoSession session, PortalPacer pacer, CancelSignal cancel, Supplier<T> call) {
        long throttledSince = 0;
        for (int attempt = 1; ; attempt++) {
            cancel.throwIfCancelled();
            long sentAt = pacer.reserve();
            waitUntil(sentAt, cancel);
            try {
                T result = call.get();
                pacer.succeeded();
                return result;
            } catch (UnauthorizedException e) {
                throw new SsoSignInRequired(session, "IAM Identity Center no longer accepts your session ("
                        + session.label() + ").", e);
            } catch (SdkException e) {
                boolean throttled = e instanceof TooManyRequestsException
                        || (e instanceof SdkServiceException s && s.isThrottlingException());
                boolean transientFailure = !(e instanceof AbortedException) && (e instanceof SdkClientException
                        || (e instanceof SdkServiceException s && s.statusCode() >= 500));
                if (throttled) {
                    pacer.throttled(sentAt);
                    if (throttledSince == 0) {
                        throttledSince = System.nanoTime();
                    }
                }
                boolean retry = throttled ? System.nanoTime() - throttledSince < THROTTLED_FOR.toNanos()
                        : transientFailure && attempt < OTHER_ATTEMPTS;
                if (!retry || cancel.isCancelled()) {
                    RuntimeException mapped = SsoErrors.of("Listing your AWS accounts", session, e);
                    if (mapped instanceof FerryException f && attempt > 1) {
                        throw new FerryException(f.getMessage() + " (" + attempt + " attempts)", f.hint(), e);
                    }
                    throw mapped;
                }
                waitUntil(System.nanoTime() + jitter(attempt), cancel);
            }
        }
    }

    /** Full jitter: a random wait (ns) between 0 and min(cap, base × 2^attempt). */
    private static long jitter(int attempt) {
        long ceiling = Math.min(BACKOFF_CAP.toNanos(), BACKOFF_BASE.toNanos() << Math.min(attempt, 16));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static void waitUntil(long nanoTime, CancelSignal cancel) {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        try {
            cancel.await(Duration.ofNanos(wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Cancelled.");
        }
    }

    private static <T> T get(Future<T> f, CancelSignal cancel) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel.cancel();
            throw new CancellationException("Cancelled.");
        } catch (CancellationException e) {
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
