package io.sluice.gateway.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replay log of a peer's events is bounded by count and by size. */
class PeerEventsTest {

    @Test
    void theLogKeepsTheNewestEventsWithinItsBounds() {
        PeerEvents events = new PeerEvents("p");
        String big = "x".repeat(100_000);
        for (int i = 0; i < 100; i++) {
            events.publish("message", Map.of("data", big));
        }
        List<PeerEvent> kept = events.recent();
        long chars = kept.stream().mapToLong(e -> ((String) e.data().get("data")).length()).sum();
        assertThat(chars).isLessThanOrEqualTo(PeerEvents.KEPT_CHARS);
        assertThat(kept).isNotEmpty();
        assertThat(kept.get(kept.size() - 1).seq()).isEqualTo(100);
        for (int i = 0; i < 3 * PeerEvents.KEPT; i++) {
            events.publish("bufferedamountlow", Map.of());
        }
        assertThat(events.recent()).hasSize(PeerEvents.KEPT);
        // One event larger than the whole bound is still kept (the newest is never dropped).
        events.publish("message", Map.of("data", "y".repeat((int) PeerEvents.KEPT_CHARS * 2)));
        assertThat(events.recent()).hasSize(1);
    }
}
