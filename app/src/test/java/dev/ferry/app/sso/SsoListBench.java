package dev.ferry.app.sso;

import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.model.AccountInfo;
import software.amazon.awssdk.services.sso.model.ListAccountRolesResponse;
import software.amazon.awssdk.services.sso.model.ListAccountsResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): the time to the full list of accounts and roles from the Identity Center
 * stand-in (each portal call answered after a fixed latency, 429 once more than a number of calls
 * came in any second), measured in the same run for:
 * <ul>
 * <li>the reference: the plain sequential listing, one SDK call at a time (ListAccounts pages,
 *     then ListAccountRoles per account), the SDK's default client retrying any throttling;</li>
 * <li>Ferry cold: {@link SsoAccounts#refresh} (parallel on the bounded pool, own backoff);</li>
 * <li>Ferry warm: {@link SsoAccounts#cached} in a fresh JVM (the next start; the time inside it,
 *     class loading included), and in the running JVM (a new SsoAccounts reading the file).</li>
 * </ul>
 * The same is then repeated without throttling, to show the pool where the service allows it.
 * Run with bench/sso-list.sh.
 */
public final class SsoListBench {

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--read-cache")) {
            readCache(Path.of(args[1]));
            return;
        }
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int roles = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int perSecond = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        List<String> roleNames = new ArrayList<>();
        for (int i = 1; i <= roles; i++) {
            roleNames.add("PermissionSet" + i);
        }
        int calls = (accounts + SsoPortal.PAGE_SIZE - 1) / SsoPortal.PAGE_SIZE + accounts;
        System.out.printf(Locale.ROOT, "sso-list: %d accounts x %d roles, %d ms per call, %s; %d portal calls at least%n",
                accounts, roles, latencyMs, perSecond > 0 ? "429 after " + perSecond + " calls/s" : "no throttling", calls);
        if (perSecond > 0) {
            System.out.printf(Locale.ROOT, "  bound set by the throttle: %d calls / %d per s = %.2f s%n", calls, perSecond,
                    calls / (double) perSecond);
        }
        run(accounts, roleNames, latencyMs, perSecond);
        if (perSecond > 0) {
            System.out.printf(Locale.ROOT, "%nsame listing without throttling (%d ms per call):%n", latencyMs);
            run(accounts, roleNames, latencyMs, 0);
        }
    }

    private static void run(int accounts, List<String> roles, int latencyMs, int perSecond) throws Exception {
        Path home = Files.createTempDirectory("ferry-sso-bench");
        try (IdentityCenterRig rig = new IdentityCenterRig(home, null, IdentityCenterStandIn.accounts(accounts, roles))) {
            SsoSession session = IdentityCenterRig.SESSION;
            rig.signedIn();
            rig.standIn.portalLatency(Duration.ofMillis(latencyMs)).throttleAfter(perSecond);
            // warm the client and the stand-in's threads, unmeasured
            new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC()).roles(session, "100000000001", new CancelSignal());
            pauseForThrottleWindow(perSecond);

            rig.standIn.resetCalls();
            long t0 = System.nanoTime();
            int sequentialRoles = sequential(rig.clients.portal(session.region()), rig.tokens.current(session).accessToken());
            double sequential = seconds(t0);
            int sequentialThrottled = rig.standIn.throttledCalls();
            pauseForThrottleWindow(perSecond);

            rig.standIn.resetCalls();
            Path cacheDir = home.resolve("accounts-cache");
            SsoAccounts ferry = new SsoAccounts(new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC()), cacheDir);
            t0 = System.nanoTime();
            SsoAccountList cold = ferry.refresh(session, p -> { }, new CancelSignal());
            double coldSeconds = seconds(t0);
            int coldThrottled = rig.standIn.throttledCalls();
            if (cold.roleCount() != sequentialRoles || cold.accounts().size() != accounts || !cold.failedAccounts().isEmpty()) {
                throw new IllegalStateException("the listings differ: " + cold.roleCount() + " vs " + sequentialRoles
                        + " roles, " + cold.failedAccounts().size() + " failed accounts");
            }

            double warm = warmInFreshJvm(cacheDir);
            t0 = System.nanoTime();
            SsoAccountList again = new SsoAccounts(null, cacheDir).cached(session).orElseThrow();
            double warmRunning = seconds(t0);
            if (!again.equals(cold)) {
                throw new IllegalStateException("the cached list differs");
            }
            System.out.printf(Locale.ROOT, "  sequential (one call at a time): %7.2f s  (%d calls answered 429)%n", sequential,
                    sequentialThrottled);
            System.out.printf(Locale.ROOT, "  Ferry cold (pool of %d):          %7.2f s  (%d calls answered 429)  sequential/cold = %.2f%n",
                    SsoPortal.DEFAULT_PARALLELISM, coldSeconds, coldThrottled, sequential / coldSeconds);
            System.out.printf(Locale.ROOT, "  Ferry warm, fresh JVM (next start, class loading included): %7.3f s  sequential/warm = %.0f%n",
                    warm, sequential / warm);
            System.out.printf(Locale.ROOT, "  Ferry warm, running JVM (cache file read again):           %7.3f s  sequential/warm = %.0f%n",
                    warmRunning, sequential / warmRunning);
        }
    }

    /** The plain approach: every page and every account one after the other. */
    private static int sequential(SsoClient sso, String token) {
        int roles = 0;
        List<AccountInfo> all = new ArrayList<>();
        String next = null;
        do {
            String page = next;
            ListAccountsResponse r = sso.listAccounts(b -> b.accessToken(token).maxResults(SsoPortal.PAGE_SIZE).nextToken(page));
            all.addAll(r.accountList());
            next = r.nextToken();
        } while (next != null);
        for (AccountInfo a : all) {
            String rn = null;
            do {
                String page = rn;
                ListAccountRolesResponse r = sso.listAccountRoles(b -> b.accessToken(token).accountId(a.accountId())
                        .maxResults(SsoPortal.PAGE_SIZE).nextToken(page));
                roles += r.roleList().size();
                rn = r.nextToken();
            } while (rn != null);
        }
        return roles;
    }

    /** Starts a JVM that reads the cached list as Ferry does at start, and returns the time it took inside it. */
    private static double warmInFreshJvm(Path cacheDir) throws Exception {
        Path out = Files.createTempFile("sso-bench", ".txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
                "-cp", System.getProperty("java.class.path"), SsoListBench.class.getName(), "--read-cache", cacheDir.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("reading the cache failed: " + Files.readString(out));
        }
        return Double.parseDouble(Files.readString(out).trim());
    }

    private static void readCache(Path cacheDir) {
        long t0 = System.nanoTime();
        SsoAccounts accounts = new SsoAccounts(null, cacheDir);
        SsoAccountList list = accounts.cached(IdentityCenterRig.SESSION).orElseThrow();
        double s = seconds(t0);
        if (list.accounts().isEmpty()) {
            throw new IllegalStateException("empty cache");
        }
        System.out.println(s);
    }

    private static void pauseForThrottleWindow(int perSecond) throws InterruptedException {
        if (perSecond > 0) {
            Thread.sleep(1100); // let the stand-in's one-second window empty between runs
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
