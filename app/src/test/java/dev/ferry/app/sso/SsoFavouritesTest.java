package dev.ferry.app.sso;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Starred accounts and roles and recent roles, kept across starts. */
class SsoFavouritesTest {
    static final SsoSession ACME = SsoSession.named("acme", "https://acme.awsapps.com/start", "eu-west-1");
    static final SsoSession OTHER = SsoSession.named("other", "https://other.awsapps.com/start", "eu-west-1");

    @TempDir
    Path dir;

    static final List<SsoAccount> ACCOUNTS = List.of(
            new SsoAccount("1", "alpha", "", List.of("Admin", "Billing", "ReadOnly", "Developer"), ""),
            new SsoAccount("2", "beta", "", List.of("ReadOnly"), ""),
            new SsoAccount("3", "gamma", "", List.of("Admin", "ReadOnly"), ""));

    @Test
    void favouritesFloatToTheTopAndRecentRolesComeNext() {
        Path file = dir.resolve("sso-favourites.json");
        SsoFavourites f = new SsoFavourites(file);
        f.setFavouriteAccount(ACME, "3", true);
        f.setFavouriteRole(ACME, "1", "ReadOnly", true);
        f.roleUsed(ACME, "1", "Admin");
        f.roleUsed(ACME, "1", "Developer");

        // a new instance reads the file: the choices survive a restart
        SsoFavourites again = new SsoFavourites(file);
        List<SsoAccount> ordered = again.ordered(ACME, ACCOUNTS);
        assertThat(ordered).extracting(SsoAccount::accountName).containsExactly("gamma", "alpha", "beta");
        assertThat(ordered.get(1).roles()).containsExactly("ReadOnly", "Developer", "Admin", "Billing");
        assertThat(again.recentRoles(ACME, "1")).containsExactly("Developer", "Admin");
        assertThat(again.isFavouriteRole(ACME, "1", "ReadOnly")).isTrue();
        // another portal has its own choices
        assertThat(again.ordered(OTHER, ACCOUNTS)).extracting(SsoAccount::accountName).containsExactly("alpha", "beta", "gamma");

        again.setFavouriteAccount(ACME, "3", false);
        assertThat(new SsoFavourites(file).isFavouriteAccount(ACME, "3")).isFalse();
    }

    @Test
    void recentRolesKeepTheLastFive() {
        SsoFavourites f = new SsoFavourites(dir.resolve("f.json"));
        for (String r : List.of("a", "b", "c", "d", "e", "f", "b")) {
            f.roleUsed(ACME, "1", r);
        }
        assertThat(f.recentRoles(ACME, "1")).containsExactly("b", "f", "e", "d", "c");
    }

    @Test
    void aCorruptFileIsMovedAsideAndUnknownFieldsAreKept() throws Exception {
        Path file = dir.resolve("f.json");
        Files.writeString(file, "{\"portals\": {\"https://acme.awsapps.com/start\": {\"favouriteAccounts\": [\"2\"], "
                + "\"pinnedColour\": \"blue\"}}, \"version\": 7}");
        SsoFavourites f = new SsoFavourites(file);
        f.setFavouriteAccount(ACME, "1", true);
        var saved = new ObjectMapper().readTree(file.toFile());
        assertThat(saved.get("version").asInt()).isEqualTo(7);
        assertThat(saved.get("portals").get(ACME.startUrl()).get("pinnedColour").asText()).isEqualTo("blue");
        assertThat(saved.get("portals").get(ACME.startUrl()).get("favouriteAccounts").toString()).isEqualTo("[\"2\",\"1\"]");

        Files.writeString(file, "{not json");
        SsoFavourites broken = new SsoFavourites(file);
        assertThat(broken.isFavouriteAccount(ACME, "1")).isFalse();
        assertThat(broken.loadWarning()).contains("could not be read").contains("moved to");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("f.json.corrupt-"));
        }
    }
}
