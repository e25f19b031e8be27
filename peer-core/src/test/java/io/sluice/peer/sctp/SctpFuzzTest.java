package io.sluice.peer.sctp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sim.SimClock;
import io.sluice.peer.time.RandomSource;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;

/**
 * Fuzzes the packet codec and associations in every state. Plain {@code mvn test} replays the
 * seeds under {@code SctpFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SctpFuzzTest {

    /**
     * The target's state after each stage's setup: 0 new, 1 INIT sent, 2 established, 3 established
     * and holding part of a message, 4 shutting down.
     */
    private static final SctpAssociation.State[] STAGE_STATES = {SctpAssociation.State.CLOSED,
        SctpAssociation.State.COOKIE_WAIT, SctpAssociation.State.ESTABLISHED, SctpAssociation.State.ESTABLISHED,
        SctpAssociation.State.SHUTDOWN_SENT};

    /** Only MalformedPacketException may escape; whatever parses re-encodes to bytes that parse again. */
    @FuzzTest(maxDuration = "5m")
    void parsePacket(byte[] data) {
        SctpPacket p;
        try {
            p = SctpPacket.parse(data, 0, data.length, false);
        } catch (MalformedPacketException expected) {
            return;
        }
        ByteWriter w = new ByteWriter();
        for (Chunk c : p.chunks()) {
            c.writeTo(w);
            c.toString();
        }
        byte[] again = p.encode();
        try {
            SctpPacket.parse(again, 0, again.length);
        } catch (MalformedPacketException e) {
            throw new AssertionError("re-encoded packet rejected: " + e.getMessage(), e);
        }
    }

    /**
     * Feeds arbitrary packets (checksum fixed up, header optionally made valid for the association)
     * to an association brought to a state chosen by the input: nothing escapes and invariants hold.
     */
    @FuzzTest(maxDuration = "5m")
    void associationInEveryState(FuzzedDataProvider in) {
        int stage = in.consumeInt(0, 4);
        boolean fixHeader = in.consumeBoolean();
        SctpPair p = new SctpPair(in.consumeLong(), SctpOptions.defaults().withInterleaving(in.consumeBoolean()),
                io.sluice.peer.sim.SimLink.delay(5 * SimClock.MS));
        SctpAssociation target = p.b.assoc;
        int tag = 0;
        if (stage >= 1) {
            p.a.assoc.connect(p.now());
        }
        if (stage == 1) {
            target = p.a.assoc; // COOKIE_WAIT
        } else if (stage >= 2) {
            p.net.runUntil(() -> p.a.connected() && p.b.connected(), 10 * SimClock.SECOND);
            if (stage >= 3) {
                SctpCore.SendResult sent = p.a.assoc.send(1, 51, new byte[5000], in.consumeBoolean(),
                        SctpCore.Reliability.maxRetransmits(1), p.now());
                if (sent != SctpCore.SendResult.OK) {
                    throw new AssertionError("stage " + stage + ": data for the target refused: " + sent);
                }
                // One-way delay 5 ms: the first window has reached the target, the rest of the message not yet.
                p.net.runFor(8 * SimClock.MS);
                if (p.b.assoc.stats().advertisedRwnd() >= p.b.assoc.options().receiveWindow()) {
                    throw new AssertionError("stage 3: no fragment of the message is held by the target: " + p.b.assoc);
                }
            }
            if (stage == 4) {
                p.b.assoc.shutdown(p.now());
                p.net.runFor(1 * SimClock.MS);
            }
        }
        // Each stage fuzzes the state it names: the setup must have got there.
        SctpAssociation.State expected = STAGE_STATES[stage];
        if (target.internalState() != expected) {
            throw new AssertionError("stage " + stage + " set up " + target.internalState() + ", not " + expected
                    + ": " + target);
        }
        // The tag the target expects, learnt from what it sent.
        byte[] sentByPeer = target == p.b.assoc ? p.a.pollTransmit() : p.b.pollTransmit();
        if (sentByPeer != null && sentByPeer.length >= 8) {
            tag = ((sentByPeer[4] & 0xff) << 24) | ((sentByPeer[5] & 0xff) << 16) | ((sentByPeer[6] & 0xff) << 8)
                    | (sentByPeer[7] & 0xff);
        }
        long now = p.now();
        int packets = in.consumeInt(1, 8);
        for (int i = 0; i < packets && in.remainingBytes() > 0; i++) {
            byte[] pkt = in.consumeBytes(in.consumeInt(0, 1500));
            if (fixHeader && pkt.length >= 12) {
                pkt[0] = 0x13;
                pkt[1] = (byte) 0x88;
                pkt[2] = 0x13;
                pkt[3] = (byte) 0x88;
                pkt[4] = (byte) (tag >>> 24);
                pkt[5] = (byte) (tag >>> 16);
                pkt[6] = (byte) (tag >>> 8);
                pkt[7] = (byte) tag;
            }
            if (pkt.length >= 12 && in.consumeBoolean()) {
                int crc = SctpPacket.checksum(pkt, 0, pkt.length);
                pkt[8] = (byte) crc;
                pkt[9] = (byte) (crc >>> 8);
                pkt[10] = (byte) (crc >>> 16);
                pkt[11] = (byte) (crc >>> 24);
            }
            now += in.consumeInt(0, 2000) * SimClock.MS;
            target.handlePacket(now, pkt, 0, pkt.length);
            if (!target.isConsistent()) {
                throw new AssertionError("inconsistent after packet " + i + ": " + target);
            }
            target.handleTimeout(now);
            while (target.pollTransmit() != null) {
                // drain
            }
            while (target.pollEvent() != null) {
                // drain
            }
            target.consumed(in.consumeInt(0, 100_000));
            if (!target.isConsistent()) {
                throw new AssertionError("inconsistent: " + target);
            }
        }
    }

    static RandomSource unused() {
        return RandomSource.seeded(0);
    }
}
