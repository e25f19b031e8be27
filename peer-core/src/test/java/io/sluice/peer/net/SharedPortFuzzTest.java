package io.sluice.peer.net;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.fuzz.WorkPerByte;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * Fuzzes the shared port's peek at USERNAME, which runs on every unauthenticated datagram before
 * anything else looks at it: it never throws, it names the same ufrag as the full STUN parse of
 * any request that parses, and its work is linear in the datagram. Plain {@code mvn test} replays
 * the seeds under {@code SharedPortFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SharedPortFuzzTest {

    /** A UDP payload cannot be larger; the STUN length field cannot say more than 65535 either. */
    private static final int MAX_DATAGRAM = 20 + 65535;

    @FuzzTest(maxDuration = "2m")
    void usernamePeek(byte[] d) {
        if (!SharedUdpPort.isStun(d)) {
            return;
        }
        String peek = SharedUdpPort.usernamePrefix(d);
        StunMessage m;
        try {
            m = StunMessage.parse(d, 0, d.length);
        } catch (MalformedPacketException e) {
            return; // the agent drops it whatever the port chose
        }
        String username = m.username();
        if (m.isResponse() || username == null) {
            return;
        }
        int colon = username.indexOf(':');
        String ufrag = colon < 0 ? username : username.substring(0, colon);
        if (!ufrag.equals(peek)) {
            throw new AssertionError("the port routes by '" + peek + "' but the request's USERNAME is '" + username
                    + "'");
        }
    }

    @FuzzTest(maxDuration = "2m")
    void usernamePeekWorkPerByte(byte[] data) {
        WorkPerByte.check("usernamePrefix", data, MAX_DATAGRAM, d -> {
            if (SharedUdpPort.isStun(d)) {
                SharedUdpPort.usernamePrefix(d);
            }
        });
    }
}
