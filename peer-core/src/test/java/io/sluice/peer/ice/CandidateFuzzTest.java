package io.sluice.peer.ice;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.fuzz.WorkPerByte;
import io.sluice.peer.sdp.SdpCandidate;
import io.sluice.peer.sdp.SdpParseException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link Candidate#fromSdp} on whatever {@link SdpCandidate#parse} accepts (the path of
 * every remote candidate, trickled or in a description): only {@link CandidateParseException}
 * may escape; an accepted candidate writes back to a line that gives the same candidate; its work
 * is linear in the line. Plain {@code mvn test} replays {@code CandidateFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class CandidateFuzzTest {

    /** Trickled candidate lines arrive in request bodies; bound the experiment at 64 KiB. */
    private static final int MAX_LINE = 64 << 10;

    @FuzzTest(maxDuration = "3m")
    void fromSdp(byte[] input) {
        Candidate c = parse(new String(input, StandardCharsets.UTF_8));
        if (c == null) {
            return;
        }
        Candidate again;
        try {
            again = Candidate.parseSdpValue(c.toSdpValue());
        } catch (CandidateParseException e) {
            throw new AssertionError("written form '" + c.toSdpValue() + "' of an accepted candidate fails: "
                    + e.getMessage(), e);
        }
        if (!again.equals(c)) {
            throw new AssertionError("'" + c.toSdpValue() + "' reads back as '" + again.toSdpValue() + "'");
        }
    }

    @FuzzTest(maxDuration = "2m")
    void fromSdpWorkPerByte(byte[] data) {
        WorkPerByte.check("Candidate.fromSdp", data, MAX_LINE,
                d -> parse(new String(d, StandardCharsets.UTF_8)));
    }

    private static Candidate parse(String line) {
        SdpCandidate s;
        try {
            s = SdpCandidate.parse(line);
        } catch (SdpParseException e) {
            return null;
        }
        try {
            return Candidate.fromSdp(s);
        } catch (CandidateParseException e) {
            return null;
        }
    }
}
