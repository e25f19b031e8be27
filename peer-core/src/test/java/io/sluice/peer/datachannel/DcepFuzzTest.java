package io.sluice.peer.datachannel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.wire.MalformedPacketException;
import java.util.Arrays;

/**
 * Fuzzes {@link DcepMessage#parse}: only {@link MalformedPacketException} may escape, and since
 * the codec is strict, whatever parses must re-encode to exactly the input. Plain {@code mvn test}
 * replays the seeds and crash inputs under {@code DcepFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class DcepFuzzTest {

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        DcepMessage m;
        try {
            m = DcepMessage.parse(data, 0, data.length);
        } catch (MalformedPacketException expected) {
            return;
        }
        byte[] again = m.encode();
        if (!Arrays.equals(again, data) || m.encodedLength() != data.length) {
            throw new AssertionError("re-encoding " + m + " changed the bytes");
        }
    }
}
