package io.sluice.peer.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * Fuzzes {@link StunMessage#parse}: only {@link MalformedPacketException} may escape, and whatever
 * parses must verify and re-encode without throwing. Plain {@code mvn test} replays the seeds and
 * crash inputs under {@code StunFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class StunFuzzTest {

    private static final byte[] KEY = StunMessage.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] data) {
        StunMessage m;
        try {
            m = StunMessage.parse(data, 0, data.length);
        } catch (MalformedPacketException expected) {
            return;
        }
        m.verifyIntegrity(KEY);
        m.verifyIntegritySha256(KEY);
        m.verifyFingerprint();
        m.username();
        byte[] again = m.encode();
        try {
            StunMessage.parse(again, 0, again.length);
        } catch (MalformedPacketException e) {
            // Re-encoding what we accepted must give something we accept again.
            throw new AssertionError("re-encoded message rejected: " + e.getMessage(), e);
        }
        m.encode(KEY, true);
    }
}
