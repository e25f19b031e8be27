package io.sluice.peer.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary input must either parse or fail with {@link SdpParseException}; any other exception
 * fails the test. What parses must write back to text that parses to the same model, and every
 * typed accessor must work on it.
 *
 * <p>Plain {@code mvn test} replays the seeds in
 * {@code src/test/resources/io/sluice/peer/sdp/SdpFuzzTestInputs/<method>/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl peer-core test -Dtest='SdpFuzzTest#parseDescription'}.
 */
class SdpFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parseDescription(byte[] input) {
        checkDescription(new String(input, StandardCharsets.UTF_8));
        try {
            SdpParser.parse(input);
        } catch (SdpParseException expected) {
            // fine
        }
    }

    @FuzzTest(maxDuration = "2m")
    void parseCandidate(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            SdpCandidate c = SdpCandidate.parse(text);
            assertThat(SdpCandidate.parse(c.toString())).isEqualTo(c);
            c.tcpType();
            c.generation();
            c.isMdns();
        } catch (SdpParseException expected) {
            // fine
        }
    }

    static void checkDescription(String text) {
        SessionDescription d;
        try {
            d = SdpParser.parse(text);
        } catch (SdpParseException expected) {
            assertThat(expected.getMessage()).isNotNull();
            return;
        }
        SdpVectors.touchAll(d);
        String written = SdpWriter.write(d);
        if (written.length() < SdpLimits.DEFAULT.maxBytes() / 4) {
            try {
                assertThat(SdpParser.parse(written)).isEqualTo(d);
            } catch (SdpParseException e) {
                throw new AssertionError("written form of an accepted description failed to parse: " + e.getMessage(),
                        e);
            }
        }
    }
}
