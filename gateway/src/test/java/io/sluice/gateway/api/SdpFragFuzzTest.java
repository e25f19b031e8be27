package io.sluice.gateway.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.error.SyntaxError;
import io.sluice.peer.fuzz.WorkPerByte;
import io.sluice.peer.ice.Candidate;
import io.sluice.peer.ice.CandidateParseException;
import io.sluice.peer.sdp.SdpCandidate;
import io.sluice.peer.sdp.SdpParseException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the WHIP trickle body ({@code application/trickle-ice-sdpfrag}, RFC 8840) and the
 * candidates in it, parsed as {@code addIceCandidate} parses them: a malformed body is a
 * {@link SyntaxError} (400), a malformed candidate a parse error (reported as OperationError);
 * nothing else escapes, and the work per body byte stays flat.
 *
 * <p>Plain {@code mvn test} replays {@code SdpFragFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class SdpFragFuzzTest {

    private static final int MAX_BODY = 1 << 20;

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] body) {
        read(body);
    }

    @FuzzTest(maxDuration = "3m")
    void parseWorkPerByte(byte[] data) {
        WorkPerByte.check("sdpfrag", data, MAX_BODY, SdpFragFuzzTest::read);
    }

    private static void read(byte[] body) {
        WhipController.SdpFrag frag;
        try {
            frag = WhipController.SdpFrag.parse(new String(body, StandardCharsets.UTF_8));
        } catch (SyntaxError expected) {
            return;
        }
        for (RTCIceCandidateInit c : frag.candidates()) {
            if (!c.candidate().startsWith("candidate:")) {
                throw new AssertionError("not a candidate: " + c.candidate());
            }
            try {
                Candidate.fromSdp(SdpCandidate.parse(c.candidate()));
            } catch (SdpParseException | CandidateParseException expected) {
                // reported to the caller
            }
        }
    }
}
