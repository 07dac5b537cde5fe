package dev.ferry.app.discovery;

import java.util.List;

/**
 * How the scan of one region of one account goes.
 *
 * @param via      who scans there (see {@link ScanAccount#via()})
 * @param found    databases found there so far (after the matchers' tags)
 * @param failures what could not be listed there (the rest of it is listed)
 */
public record RegionProgress(String accountId, String via, String region, State state, int found,
                             List<ScanFailure> failures) {
    public enum State {
        /** Not started: waiting for a free slot or for the account's credentials. */
        WAITING,
        SCANNING,
        /** Finished; some kinds may have failed (see failures). */
        DONE,
        /** Nothing could be listed there. */
        FAILED
    }

    public RegionProgress {
        failures = List.copyOf(failures);
    }

    public boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }
}
