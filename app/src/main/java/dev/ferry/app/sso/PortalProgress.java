package dev.ferry.app.sso;

/**
 * How far a listing is: the roles of {@code done} accounts are known, of {@code found} accounts
 * listed so far; {@code allFound} once the last page of accounts has come.
 */
public record PortalProgress(int done, int found, boolean allFound) {
    /** E.g. "142 of 500 accounts" (or "142 of 300+ accounts" while accounts are still coming). */
    public String describe() {
        return done + " of " + found + (allFound ? "" : "+") + " accounts";
    }
}
