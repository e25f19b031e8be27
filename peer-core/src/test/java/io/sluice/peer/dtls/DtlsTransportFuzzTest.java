package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.sluice.peer.time.RandomSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Arbitrary datagrams into a {@link DtlsTransport} in the middle of a handshake (as server and as
 * client) and after it connected: nothing may escape {@code handleDatagram} or block its caller,
 * and the transport must end in a sane state: a connected transport stays connected and working
 * (unauthenticated junk is discarded), one mid-handshake is connecting or failed and closes at once.
 *
 * <p>Input layout (Jazzer's FuzzedDataProvider reads numbers from the end, bytes from the front):
 * datagram bytes..., then the count of datagrams (1 + b % 4), a "force a plausible header" flag
 * and the mode (0 server mid-handshake, 1 client mid-handshake, 2 connected server). Seeds in
 * {@code DtlsTransportFuzzTestInputs/datagrams/} are real handshake and application records.
 */
class DtlsTransportFuzzTest {

    private static final long NOW = 1_760_000_000_000L;
    private static DtlsCertificate certA;
    private static DtlsCertificate certB;
    private static DtlsTestLink.Executors3 executors;
    private static DtlsTestLink connected;

    private static synchronized void init() throws InterruptedException {
        if (certA == null) {
            certA = DtlsCertificate.generate(NOW, RandomSource.seeded(11));
            certB = DtlsCertificate.generate(NOW, RandomSource.seeded(12));
            executors = new DtlsTestLink.Executors3(2);
        }
        if (connected == null || connected.server.state() != DtlsState.CONNECTED
                || connected.client.state() != DtlsState.CONNECTED) {
            if (connected != null) {
                connected.close();
            }
            connected = new DtlsTestLink(certA, certB, DtlsConfig.defaults(), DtlsConfig.defaults(),
                    DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, executors);
            connected.start();
            assertThat(connected.awaitConnected(Duration.ofSeconds(20))).isTrue();
            connected.serverEvents.keepData = true;
        }
    }

    @FuzzTest(maxDuration = "4m")
    void datagrams(FuzzedDataProvider data) throws Exception {
        init();
        int mode = data.consumeInt(0, 2);
        boolean forceHeader = data.consumeBoolean();
        int count = data.consumeInt(1, 4);
        byte[][] datagrams = new byte[count][];
        for (int i = 0; i < count - 1; i++) {
            datagrams[i] = data.consumeBytes(data.consumeInt(0, 1600));
        }
        datagrams[count - 1] = data.consumeRemainingAsBytes();
        if (forceHeader) {
            for (byte[] d : datagrams) {
                plausibleHeader(d);
            }
        }

        if (mode == 2) {
            DtlsTransport target = connected.server;
            for (byte[] d : datagrams) {
                feed(target, d);
            }
            // nothing unauthenticated may end an established connection (RFC 6347 §4.1.2.7: discard)
            assertThat(target.state()).as("connected server after junk; %s", target.failureReason())
                    .isEqualTo(DtlsState.CONNECTED);
            connected.serverEvents.data.clear();
            byte[] ping = {1, 2, 3};
            assertThat(connected.client.send(ping, 0, 3)).isTrue();
            assertThat(connected.serverEvents.data.poll(5, TimeUnit.SECONDS)).isEqualTo(ping);
            return;
        }

        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        DtlsTransport t = new DtlsTransport(mode == 0 ? DtlsRole.SERVER : DtlsRole.CLIENT, certA,
                DtlsConfig.defaults().withHandshakeTimeout(Duration.ofSeconds(5)).withInboundQueue(8),
                executors.handshakePool, executors.events, d -> { }, rec);
        t.setRemoteFingerprints(List.of(certB.fingerprint()));
        t.start();
        for (byte[] d : datagrams) {
            feed(t, d);
        }
        assertThat(t.state()).isIn(DtlsState.CONNECTING, DtlsState.FAILED);
        long t0 = System.nanoTime();
        t.close();
        assertThat(System.nanoTime() - t0).as("close does not block").isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(t.state()).isIn(DtlsState.CLOSED, DtlsState.FAILED);
    }

    private static void feed(DtlsTransport t, byte[] d) {
        long t0 = System.nanoTime();
        t.handleDatagram(d); // must not throw
        t.handleDatagram(d, 0, Math.min(d.length, 7));
        assertThat(System.nanoTime() - t0).as("handleDatagram does not block").isLessThan(TimeUnit.SECONDS.toNanos(2));
    }

    /** Rewrites the record headers so that the datagram passes the junk filter and reaches the engine. */
    private static void plausibleHeader(byte[] d) {
        int pos = 0;
        while (d.length - pos >= 14) {
            d[pos] = (byte) (20 + Math.floorMod(d[pos], 5));
            d[pos + 1] = (byte) 0xfe;
            d[pos + 2] = (byte) ((d[pos + 2] & 1) == 0 ? 0xfd : 0xff);
            d[pos + 3] = 0;
            d[pos + 4] = (byte) (d[pos + 4] & 1);
            int max = d.length - pos - 13;
            int len = Math.min(max, 1 + ((((d[pos + 11] & 0xff) << 8) | (d[pos + 12] & 0xff)) % max));
            d[pos + 11] = (byte) (len >> 8);
            d[pos + 12] = (byte) len;
            pos += 13 + len;
        }
    }
}
