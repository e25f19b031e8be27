package io.sluice.peer.sctp;

import static io.sluice.peer.sctp.SctpPair.MS;
import static io.sluice.peer.sctp.SctpPair.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.sctp.SctpCore.SctpState;
import io.sluice.peer.sctp.chunk.Chunk;
import io.sluice.peer.sctp.chunk.ChunkType;
import io.sluice.peer.sctp.chunk.SctpPacket;
import io.sluice.peer.sim.SimLink;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Handshake ladders (RFC 9260 §5), simultaneous open, lost handshake chunks, shutdown and abort. */
class SctpHandshakeTest {

    static final SctpOptions OPTS = SctpOptions.defaults();

    static List<Chunk> chunks(byte[] p) {
        try {
            return SctpPacket.parse(p, 0, p.length).chunks();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int firstType(byte[] p) {
        return chunks(p).get(0).type();
    }

    /** Drops the first {@code n} packets whose first chunk is {@code type}. */
    static Predicate<byte[]> dropFirst(int type, int n) {
        AtomicInteger left = new AtomicInteger(n);
        return p -> firstType(p) == type && left.getAndDecrement() > 0;
    }

    @Test
    void ladderInitInitAckCookieEchoCookieAck() {
        SctpNode a = new SctpNode("A", OPTS, 1);
        SctpNode b = new SctpNode("B", OPTS, 2);
        long now = 5 * SECOND;
        assertThat(a.assoc.state()).isEqualTo(SctpState.NEW);
        a.assoc.connect(now);
        assertThat(a.assoc.state()).isEqualTo(SctpState.CONNECTING);
        byte[] init = a.pollTransmit();
        assertThat(firstType(init)).isEqualTo(ChunkType.INIT);
        assertThat(a.pollTransmit()).isNull();
        assertThat(a.nextDeadline()).isEqualTo(now + 1000 * MS); // T1-init = RTO.Initial

        // B reads INIT, produces INIT-ACK and keeps no state (still NEW).
        b.handlePacket(now, init);
        byte[] initAck = b.pollTransmit();
        assertThat(firstType(initAck)).isEqualTo(ChunkType.INIT_ACK);
        assertThat(b.assoc.state()).isEqualTo(SctpState.NEW);
        assertThat(b.nextDeadline()).isEqualTo(Long.MAX_VALUE);

        // A reads INIT-ACK, produces COOKIE-ECHO.
        a.handlePacket(now, initAck);
        byte[] echo = a.pollTransmit();
        assertThat(firstType(echo)).isEqualTo(ChunkType.COOKIE_ECHO);

        // B reads COOKIE-ECHO: established, COOKIE-ACK.
        b.handlePacket(now, echo);
        assertThat(b.assoc.state()).isEqualTo(SctpState.CONNECTED);
        byte[] cookieAck = b.pollTransmit();
        assertThat(firstType(cookieAck)).isEqualTo(ChunkType.COOKIE_ACK);

        a.handlePacket(now, cookieAck);
        assertThat(a.assoc.state()).isEqualTo(SctpState.CONNECTED);
        assertThat(a.eventsOf(SctpEvent.Connected.class)).containsExactly(new SctpEvent.Connected(65535, 65535));
        assertThat(b.eventsOf(SctpEvent.Connected.class)).hasSize(1);
        assertThat(a.assoc.interleaving()).isTrue();

        // A replayed COOKIE-ECHO (lost COOKIE-ACK) gets another COOKIE-ACK, no second Connected.
        b.handlePacket(now, echo);
        assertThat(firstType(b.pollTransmit())).isEqualTo(ChunkType.COOKIE_ACK);
        assertThat(b.connectedEvents).isEqualTo(1);
    }

    @Test
    void forgedOrStaleCookieIsDropped() {
        SctpNode a = new SctpNode("A", OPTS, 1);
        SctpNode b = new SctpNode("B", OPTS, 2);
        long now = 5 * SECOND;
        a.assoc.connect(now);
        b.handlePacket(now, a.pollTransmit());
        a.handlePacket(now, b.pollTransmit());
        byte[] echo = a.pollTransmit();
        byte[] forged = echo.clone();
        forged[30] ^= 1; // inside the cookie
        int crc = SctpPacket.checksum(forged, 0, forged.length);
        forged[8] = (byte) crc;
        forged[9] = (byte) (crc >>> 8);
        forged[10] = (byte) (crc >>> 16);
        forged[11] = (byte) (crc >>> 24);
        b.handlePacket(now, forged);
        assertThat(b.assoc.state()).isEqualTo(SctpState.NEW);
        assertThat(b.assoc.stats().drops()).containsKey("cookie-invalid");
        // Too late: the cookie's lifetime (60 s) has passed.
        b.handlePacket(now + 61 * SECOND, echo);
        assertThat(b.assoc.state()).isEqualTo(SctpState.NEW);
        assertThat(b.assoc.stats().drops()).containsKey("cookie-stale");
    }

    @Test
    void simultaneousOpenFormsOneAssociation() {
        for (long seed = 1; seed <= 20; seed++) {
            SctpPair p = new SctpPair(seed, OPTS, SimLink.delay(10 * MS).withJitter(5 * MS));
            p.a.assoc.connect(p.now());
            p.b.assoc.connect(p.now());
            assertThat(p.run(() -> p.a.connected() && p.b.connected(), 10 * SECOND)).as("seed %d", seed).isTrue();
            p.net.runFor(2 * SECOND);
            assertThat(p.a.connectedEvents).isEqualTo(1);
            assertThat(p.b.connectedEvents).isEqualTo(1);
            assertThat(p.a.assoc.send(1, 51, new byte[] {1}, false, SctpCore.Reliability.RELIABLE, p.now()))
                    .isEqualTo(SctpCore.SendResult.OK);
            assertThat(p.b.assoc.send(1, 51, new byte[] {2}, false, SctpCore.Reliability.RELIABLE, p.now()))
                    .isEqualTo(SctpCore.SendResult.OK);
            assertThat(p.run(() -> p.a.messages.size() == 1 && p.b.messages.size() == 1, 5 * SECOND)).isTrue();
        }
    }

    @Test
    void lostInitIsRetransmittedWithBackoff() {
        SctpPair p = new SctpPair(7, OPTS, SimLink.delay(10 * MS).withDrop(dropFirst(ChunkType.INIT, 2)),
                SimLink.delay(10 * MS));
        long start = p.now();
        p.a.assoc.connect(start);
        assertThat(p.run(() -> p.a.connected() && p.b.connected(), 30 * SECOND)).isTrue();
        // 1 s + 2 s of T1-init backoff before the third INIT got through.
        assertThat(p.now() - start).isBetween(3 * SECOND, 3 * SECOND + 100 * MS);
    }

    @Test
    void lostCookieEchoAndCookieAckAreRecovered() {
        SctpPair p = new SctpPair(8, OPTS, SimLink.delay(10 * MS).withDrop(dropFirst(ChunkType.COOKIE_ECHO, 1)),
                SimLink.delay(10 * MS).withDrop(dropFirst(ChunkType.COOKIE_ACK, 1)));
        p.a.assoc.connect(p.now());
        assertThat(p.run(() -> p.a.connected() && p.b.connected(), 30 * SECOND)).isTrue();
        assertThat(p.a.connectedEvents).isEqualTo(1);
        assertThat(p.b.connectedEvents).isEqualTo(1);
    }

    @Test
    void initGivesUpAfterMaxInitRetransmits() {
        SctpPair p = new SctpPair(9, OPTS, SimLink.delay(10 * MS).withLoss(1.0), SimLink.delay(10 * MS));
        p.a.assoc.connect(p.now());
        assertThat(p.run(() -> p.a.closed != null, 200 * SECOND)).isTrue();
        assertThat(p.a.closed.error()).isTrue();
        assertThat(p.a.assoc.state()).isEqualTo(SctpState.CLOSED);
        assertThat(p.net.packetsAB).isEqualTo(1 + OPTS.maxInitRetransmits());
    }

    @Test
    void gracefulShutdownBothSidesClose() {
        SctpPair p = new SctpPair(10, OPTS, SimLink.delay(10 * MS)).connect();
        for (int i = 0; i < 20; i++) {
            p.a.assoc.send(0, 51, new byte[3000], false, SctpCore.Reliability.RELIABLE, p.now());
        }
        p.a.assoc.shutdown(p.now());
        assertThat(p.a.assoc.send(0, 51, new byte[1], false, SctpCore.Reliability.RELIABLE, p.now()))
                .isEqualTo(SctpCore.SendResult.NOT_CONNECTED);
        assertThat(p.run(() -> p.a.closed != null && p.b.closed != null, 10 * SECOND)).isTrue();
        assertThat(p.b.receivedBytes).isEqualTo(60_000); // everything queued before shutdown() arrived
        assertThat(p.a.closed.error()).isFalse();
        assertThat(p.b.closed.error()).isFalse();
        assertThat(p.a.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void abortClosesThePeerWithTheReason() {
        SctpPair p = new SctpPair(11, OPTS, SimLink.delay(10 * MS)).connect();
        p.a.assoc.abort("bye", p.now());
        p.a.drainEvents();
        assertThat(p.a.closed).isNotNull();
        assertThat(p.run(() -> p.b.closed != null, 5 * SECOND)).isTrue();
        assertThat(p.b.closed.reason()).contains("user initiated abort: bye");
        assertThat(p.b.closed.error()).isTrue();
    }

    @Test
    void packetWithWrongTagIsDropped() {
        SctpPair p = new SctpPair(12, OPTS, SimLink.delay(10 * MS)).connect();
        p.a.assoc.send(0, 51, new byte[10], false, SctpCore.Reliability.RELIABLE, p.now());
        byte[] data = p.a.pollTransmit();
        data[4] ^= 0x55;
        int crc = SctpPacket.checksum(data, 0, data.length);
        data[8] = (byte) crc;
        data[9] = (byte) (crc >>> 8);
        data[10] = (byte) (crc >>> 16);
        data[11] = (byte) (crc >>> 24);
        p.b.handlePacket(p.now(), data);
        assertThat(p.b.messages).isEmpty();
        assertThat(p.b.assoc.stats().drops()).containsEntry("verification-tag", 1L);
    }

    @Test
    void heartbeatsFlowWhenIdleAndDeadPeerIsDetected() {
        SctpOptions o = OPTS.withHeartbeatInterval(1000);
        SctpPair p = new SctpPair(13, o, SimLink.delay(10 * MS)).connect();
        p.net.runFor(10 * SECOND);
        assertThat(p.a.assoc.stats().heartbeatsSent()).isGreaterThanOrEqualTo(5);
        assertThat(p.a.closed).isNull();
        assertThat(p.a.assoc.stats().srttNanos()).isBetween(19 * MS, 21 * MS);
        // The link dies: heartbeats go unanswered, RTO backs off, the association fails.
        p.net.setLinks(SimLink.delay(10 * MS).withLoss(1), SimLink.delay(10 * MS).withLoss(1));
        assertThat(p.run(() -> p.a.closed != null, 600 * SECOND)).isTrue();
        assertThat(p.a.closed.error()).isTrue();
    }
}
