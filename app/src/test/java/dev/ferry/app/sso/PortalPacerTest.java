package dev.ferry.app.sso;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The listing's pacing: unlimited until throttled, then 90 % of what the service accepted. */
class PortalPacerTest {
    @Test
    void throttlingSetsTheRateToNinetyPercentOfTheLastSecondsSuccesses() {
        PortalPacer p = new PortalPacer();
        long first = p.reserve();
        assertThat(p.reserve() - first).isLessThan(50_000_000L); // no limit before any throttling
        for (int i = 0; i < 20; i++) {
            p.succeeded();
        }
        long sent = System.nanoTime();
        p.throttled(sent);
        assertThat(p.rate()).isCloseTo(18.0, within(0.01));
        // refusals from the same full second, or of calls sent before the decrease, do not lower it again
        p.throttled(System.nanoTime());
        p.throttled(sent - 1);
        assertThat(p.rate()).isCloseTo(18.0, within(0.01));
        long a = p.reserve();
        long b = p.reserve();
        assertThat(b - a).isEqualTo((long) (1e9 / 18.0));
    }
}
