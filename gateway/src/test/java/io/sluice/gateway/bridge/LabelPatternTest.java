package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.error.SyntaxError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bridge label patterns run on a peer's event loop each time a channel opens, against a label the
 * remote chose (up to 65535 bytes): they must not backtrack, whatever the declaration says.
 */
class LabelPatternTest {

    private final Bridges bridges = new Bridges(List.of(new Bridge() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, Map<String, String> options) {
            throw new UnsupportedOperationException("not attached in this test");
        }
    }));

    private BridgeBinding binding(String pattern) {
        return bridges.resolve(List.of(new Bridges.Declaration(pattern, "test"))).get(0);
    }

    @Test
    void nestedQuantifiersOverALongLabelTakeLinearTime() {
        String label = "a".repeat(65_535 - 1) + "!";
        for (String pattern : List.of("(a+)+$", "(a|aa)+$", "(a*)*b", "(.*a){20}", "((a+)+)+!!")) {
            BridgeBinding b = binding(pattern);
            boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> b.matches(label),
                    () -> pattern + " over a 64 KiB label took more than 5 s");
            assertThat(matched).as(pattern).isFalse();
        }
        // 32 nested-quantifier matches of 64 KiB each, on one thread: still well within the bound.
        BridgeBinding b = binding("(a+)+$");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 32; i++) {
                b.matches(label);
            }
        });
    }

    @Test
    void patternsKeepTheirMeaning() {
        assertThat(binding("chat|telemetry").matches("chat")).isTrue();
        assertThat(binding("chat|telemetry").matches("chatty")).isFalse();
        assertThat(binding("rpc-[0-9]+").matches("rpc-12")).isTrue();
        assertThat(binding("(a+)+$").matches("aaaa")).isTrue();
        assertThat(binding(null).matches("any\nlabel")).isTrue();
        assertThat(binding(null).matches(null)).isTrue();
    }

    @Test
    void whatABacktrackingEngineAloneCanDoIsASyntaxError() {
        assertThatThrownBy(() -> binding("(a)\\1")).isInstanceOf(SyntaxError.class).hasMessageContaining("RE2");
        assertThatThrownBy(() -> binding("a(?=b)")).isInstanceOf(SyntaxError.class);
        assertThatThrownBy(() -> binding("(")).isInstanceOf(SyntaxError.class);
    }
}
