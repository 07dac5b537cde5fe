package dev.ferry.app.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.FerryException;
import dev.ferry.app.concurrent.CancelSignal;
import dev.ferry.app.concurrent.ThreadPoolBackground;
import dev.ferry.app.model.AppResource;
import dev.ferry.app.settings.FerryPaths;
import dev.ferry.app.testsupport.IdentityCenterRig;
import dev.ferry.app.testsupport.IdentityCenterStandIn;
import dev.ferry.app.testsupport.Python;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listing accounts and roles with the SDK's sso client against the stand-in: pages, throttling, failures, cache. */
class SsoPortalTest {
    static final SsoSession SESSION = IdentityCenterRig.SESSION;
    static final List<String> ROLES = List.of("ReadOnly", "Developer", "Admin");

    @TempDir
    Path home;
    IdentityCenterRig rig;
    final List<PortalProgress> progress = new CopyOnWriteArrayList<>();

    void start(List<IdentityCenterStandIn.Account> accounts) throws Exception {
        rig = new IdentityCenterRig(home, null, accounts);
        rig.signedIn();
        rig.standIn.resetCalls();
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    SsoPortal portal() {
        return new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC());
    }

    SsoAccounts accounts() {
        return new SsoAccounts(portal(), SsoAccounts.defaultDir(FerryPaths.of(rig.env)));
    }

    @Test
    void everyPageOfAccountsAndRolesIsListed() throws Exception {
        start(IdentityCenterStandIn.accounts(250, ROLES));
        rig.standIn.pageSizes(40, 2);
        SsoAccountList list = portal().list(SESSION, progress::add, new CancelSignal());

        assertThat(list.accounts()).hasSize(250);
        assertThat(list.failedAccounts()).isEmpty();
        assertThat(list.roleCount()).isEqualTo(750);
        assertThat(list.accounts().get(0)).isEqualTo(new SsoAccount("100000000001", "account-0001",
                "aws+0001@acme.example", List.of("Admin", "Developer", "ReadOnly"), ""));
        assertThat(list.accounts()).extracting(SsoAccount::accountName).isSorted();
        assertThat(rig.standIn.count("ListAccounts")).isEqualTo(7);        // 250 / 40
        assertThat(rig.standIn.count("ListAccountRoles")).isEqualTo(500);  // 2 pages of roles per account
        assertThat(rig.standIn.problems()).isEmpty();
        // every call carried the current bearer token
        assertThat(rig.standIn.calls()).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
        assertThat(rig.standIn.calls()).extracting(IdentityCenterStandIn.Call::token).containsOnly(
                rig.cache.token(SESSION).orElseThrow().accessToken());

        PortalProgress last = progress.get(progress.size() - 1);
        assertThat(last).isEqualTo(new PortalProgress(250, 250, true));
        assertThat(last.describe()).isEqualTo("250 of 250 accounts");
        assertThat(progress).extracting(PortalProgress::found).isSorted();
        assertThat(progress).anySatisfy(p -> assertThat(p.describe()).matches("\\d+ of \\d+\\+ accounts"));
    }

    @Test
    void throttledCallsAreRetriedUntilEverythingIsListed() throws Exception {
        start(IdentityCenterStandIn.accounts(30, ROLES));
        rig.standIn.throttleAfter(10);
        SsoAccountList list = portal().list(SESSION, p -> { }, new CancelSignal());
        assertThat(list.accounts()).hasSize(30).allSatisfy(a -> assertThat(a.roles()).hasSize(3));
        assertThat(rig.standIn.throttledCalls()).isPositive();
        assertThat(rig.standIn.problems()).isEmpty();
    }

    @Test
    void anAccountWhoseRolesCannotBeListedGetsItsOwnErrorAndTheOthersAreKept() throws Exception {
        start(IdentityCenterRig.smallOrg());
        rig.standIn.failRolesOf("222222222222", 500).failRolesOf("333333333333", 403);
        SsoAccountList list = portal().list(SESSION, p -> { }, new CancelSignal());

        assertThat(list.accounts()).hasSize(3);
        SsoAccount prod = list.accounts().stream().filter(a -> a.accountName().equals("prod")).findFirst().orElseThrow();
        assertThat(prod.roles()).containsExactly("Admin", "ReadOnly");
        assertThat(list.failedAccounts()).extracting(SsoAccount::accountName).containsExactly("audit", "staging");
        SsoAccount staging = list.failedAccounts().get(1);
        assertThat(staging.error()).isEqualTo("IAM Identity Center could not list your roles in this account"
                + " (InternalServerException, 3 attempts). Press Refresh to try again later; the other accounts are listed.");
        assertThat(staging.roles()).isEmpty();
        // a refusal says who can fix it, not to check the start URL (which works for the other accounts)
        assertThat(list.failedAccounts().get(0).error()).isEqualTo("IAM Identity Center refused to list your roles in this"
                + " account (ForbiddenException). Ask your AWS administrator to check your permission set assignments in this account.");
        // a server error is retried, a refusal is not
        assertThat(rig.standIn.calls()).filteredOn(c -> "222222222222".equals(c.params().get("account_id"))).hasSize(3);
        assertThat(rig.standIn.calls()).filteredOn(c -> "333333333333".equals(c.params().get("account_id"))).hasSize(1);
    }

    @Test
    void cancellingStopsTheListingAndKeepsTheCachedList() throws Exception {
        start(IdentityCenterStandIn.accounts(40, ROLES));
        SsoAccounts accounts = accounts();
        SsoAccountList before = accounts.refresh(SESSION, p -> { }, new CancelSignal());

        rig.standIn.portalLatency(Duration.ofMillis(300));
        CancelSignal cancel = new CancelSignal();
        SsoPortal slow = new SsoPortal(rig.clients, rig.tokens, Clock.systemUTC(), 2);
        CompletableFuture<SsoAccountList> listing = CompletableFuture.supplyAsync(() ->
                new SsoAccounts(slow, SsoAccounts.defaultDir(FerryPaths.of(rig.env))).refresh(SESSION, p -> {
                    if (p.done() == 4) {
                        cancel.cancel();
                    }
                }, cancel));
        assertThatThrownBy(() -> listing.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        long callsAtCancel = rig.standIn.count("ListAccountRoles");
        assertThat(callsAtCancel).isLessThan(40 + 10);
        assertThat(accounts.cached(SESSION).orElseThrow()).isEqualTo(before);
    }

    @Test
    void anEndedSessionFailsTheListingWithSignInRequired() throws Exception {
        start(IdentityCenterRig.smallOrg());
        rig.standIn.expireAccessTokens();
        assertThatThrownBy(() -> portal().list(SESSION, p -> { }, new CancelSignal()))
                .isInstanceOf(SsoSignInRequired.class).hasMessageContaining("no longer accepts your session");
    }

    @Test
    void aPortalThatCannotBeReachedIsSaidQuickly() throws Exception {
        start(IdentityCenterRig.smallOrg());
        rig.standIn.close();
        assertThatThrownBy(() -> portal().list(SESSION, p -> { }, new CancelSignal())).isInstanceOf(FerryException.class)
                .hasMessageContaining("could not be reached").hasMessageContaining("(3 attempts)");
    }

    @Test
    void theListIsCachedWithItsTimeAndShownAtOnceAtTheNextStart() throws Exception {
        start(IdentityCenterRig.smallOrg());
        Instant before = Instant.now();
        SsoAccountList fresh = accounts().refresh(SESSION, p -> { }, new CancelSignal());
        assertThat(fresh.fetchedAt()).isBetween(before, Instant.now());

        SsoAccounts nextStart = accounts();
        rig.standIn.resetCalls();
        SsoAccountList cached = nextStart.cached(SESSION).orElseThrow();
        assertThat(cached).isEqualTo(fresh);
        assertThat(rig.standIn.calls()).isEmpty();
        Path file = nextStart.cacheFile(SESSION);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // the background refresh runs on Ferry's executor and replaces the cache
        rig.standIn.failRolesOf("111111111111", 403);
        try (ThreadPoolBackground bg = new ThreadPoolBackground()) {
            SsoAccountList refreshed = nextStart.refreshInBackground(bg, SESSION, p -> { }, new CancelSignal())
                    .get(30, TimeUnit.SECONDS);
            assertThat(refreshed.fetchedAt()).isAfterOrEqualTo(fresh.fetchedAt());
            assertThat(nextStart.cached(SESSION).orElseThrow().failedAccounts()).hasSize(1);
        }
        assertThat(nextStart.cached(SsoSession.named("other", "https://other.awsapps.com/start", "us-east-1"))).isEmpty();
    }

    @Test
    void eachAccountBecomesAConsoleAppWithItsLabels() throws Exception {
        start(IdentityCenterRig.smallOrg());
        SsoAccount prod = portal().list(SESSION, p -> { }, new CancelSignal()).accounts().get(1);
        AppResource app = prod.consoleApp(SESSION.region());
        assertThat(app.name()).isEqualTo("prod");
        assertThat(app.isAwsConsole()).isTrue();
        assertThat(app.awsAccountId()).contains("111111111111");
        assertThat(app.labels()).containsExactly(Map.entry("aws_account_id", "111111111111"),
                Map.entry("account_name", "prod"), Map.entry("email", "aws-prod@acme.example"));
        assertThat(SsoAccount.class.getRecordComponents()).extracting(c -> c.getName())
                .containsExactly("accountId", "accountName", "emailAddress", "roles", "error");
        assertThat(new SsoAccount("1", "gov", "", List.of(), "").consoleApp("us-gov-west-1").typeName())
                .isEqualTo("AWS console (GovCloud)");
    }

    @Test
    void boto3ListsTheStandInsPagesAsTheSdkDoes() throws Exception {
        // The stand-in's wire format, checked with a second real client: boto3's paginators.
        start(IdentityCenterStandIn.accounts(7, ROLES));
        rig.standIn.pageSizes(3, 1);
        Map<String, String> env = new HashMap<>(rig.standIn.env());
        Python.Result r = Python.run(home, env, """
                import json, sys, boto3
                from botocore import UNSIGNED
                from botocore.config import Config
                sso = boto3.client('sso', region_name='eu-west-1', config=Config(signature_version=UNSIGNED))
                out = {}
                for page in sso.get_paginator('list_accounts').paginate(accessToken=sys.argv[1]):
                    for a in page['accountList']:
                        roles = [r['roleName'] for p in sso.get_paginator('list_account_roles').paginate(
                            accessToken=sys.argv[1], accountId=a['accountId']) for r in p['roleList']]
                        out[a['accountId']] = sorted(roles)
                try:
                    sso.list_accounts(accessToken='not-a-token')
                except sso.exceptions.UnauthorizedException as e:
                    out['error'] = e.response['Error']['Code']
                print(json.dumps(out))
                """, rig.cache.token(SESSION).orElseThrow().accessToken());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode out = new ObjectMapper().readTree(r.out());
        SsoAccountList ferry = portal().list(SESSION, p -> { }, new CancelSignal());
        for (SsoAccount a : ferry.accounts()) {
            assertThat(out.get(a.accountId()).toString()).isEqualTo(new ObjectMapper().writeValueAsString(a.roles()));
        }
        assertThat(out.get("error").asText()).isEqualTo("UnauthorizedException");
        assertThat(rig.standIn.count("ListAccounts")).isEqualTo(3 + 1 + 3);
    }
}
