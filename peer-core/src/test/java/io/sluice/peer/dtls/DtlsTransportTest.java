package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.time.RandomSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsTransportTest {

    private static final Logger log = LoggerFactory.getLogger(DtlsTransportTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long NOW = 1_760_000_000_000L;

    static DtlsCertificate ecA;
    static DtlsCertificate ecB;
    static DtlsCertificate rsa;

    @BeforeAll
    static void certificates() {
        RandomSource r = RandomSource.seeded(7);
        ecA = DtlsCertificate.generate(NOW, r);
        ecB = DtlsCertificate.generate(NOW, r);
        rsa = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA_2048, DtlsCertificate.DEFAULT_VALIDITY, NOW, r);
    }

    private static DtlsConfig fast() {
        return DtlsConfig.defaults().withInitialRetransmit(Duration.ofMillis(250));
    }

    private static void assertConnectedAndTalking(DtlsTestLink link) throws Exception {
        assertThat(link.awaitConnected(WAIT)).as("both connected").isTrue();
        assertThat(link.client.state()).isEqualTo(DtlsState.CONNECTED);
        assertThat(link.server.state()).isEqualTo(DtlsState.CONNECTED);
        byte[] ping = "ping".getBytes();
        byte[] pong = "pong".getBytes();
        assertThat(link.client.send(ping, 0, ping.length)).isTrue();
        assertThat(link.serverEvents.data.poll(5, TimeUnit.SECONDS)).isEqualTo(ping);
        assertThat(link.server.send(pong, 0, pong.length)).isTrue();
        assertThat(link.clientEvents.data.poll(5, TimeUnit.SECONDS)).isEqualTo(pong);
    }

    @Test
    void ecdsaToEcdsaConnectsWithSrtpAndMatchingKeys() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(link.clientEvents.states).containsExactly(DtlsState.CONNECTING, DtlsState.CONNECTED);
            assertThat(DtlsTransport.cipherSuiteName(link.client.cipherSuite())).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            assertThat(link.client.srtpProfile()).contains(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(link.server.srtpProfile()).contains(SrtpProfile.AEAD_AES_128_GCM);
            SrtpKeyingMaterial c = link.client.srtpKeyingMaterial().orElseThrow();
            SrtpKeyingMaterial s = link.server.srtpKeyingMaterial().orElseThrow();
            assertThat(c.clientWriteKey()).hasSize(16).isEqualTo(s.clientWriteKey());
            assertThat(c.serverWriteKey()).hasSize(16).isEqualTo(s.serverWriteKey());
            assertThat(c.clientWriteSalt()).hasSize(12).isEqualTo(s.clientWriteSalt());
            assertThat(c.serverWriteSalt()).hasSize(12).isEqualTo(s.serverWriteSalt());
            assertThat(c.clientWriteKey()).isNotEqualTo(c.serverWriteKey());
            assertThat(c.localWriteKey()).isEqualTo(s.remoteWriteKey());
            assertThat(c.remoteWriteSalt()).isEqualTo(s.localWriteSalt());
            assertThat(link.client.getRemoteCertificates()).singleElement().isEqualTo(ecB.der());
            assertThat(link.server.getRemoteCertificates()).singleElement().isEqualTo(ecA.der());
            assertThat(c.toString()).doesNotContain(Arrays.toString(c.clientWriteKey()));
        }
    }

    @Test
    void rsaClientEcdsaServer() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(rsa, ecB)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(DtlsTransport.cipherSuiteName(link.server.cipherSuite())).startsWith("TLS_ECDHE_ECDSA_");
            assertThat(link.server.getRemoteCertificates()).singleElement().isEqualTo(rsa.der());
        }
    }

    @Test
    void ecdsaClientRsaServer() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, rsa)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(DtlsTransport.cipherSuiteName(link.client.cipherSuite())).isEqualTo("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void rolesSwappedBetweenTheSameCertificates() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecB, ecA)) {
            link.start();
            assertConnectedAndTalking(link);
        }
    }

    @Test
    void srtpProfilesFollowServerPreference() throws Exception {
        DtlsConfig clientCfg = DtlsConfig.defaults().withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_256_GCM));
        DtlsConfig serverCfg = DtlsConfig.defaults().withSrtpProfiles(List.of(SrtpProfile.AEAD_AES_256_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80));
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, clientCfg, serverCfg, DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
            SrtpKeyingMaterial c = link.client.srtpKeyingMaterial().orElseThrow();
            SrtpKeyingMaterial s = link.server.srtpKeyingMaterial().orElseThrow();
            assertThat(c.profile()).isEqualTo(SrtpProfile.AEAD_AES_256_GCM);
            assertThat(c.clientWriteKey()).hasSize(32).isEqualTo(s.clientWriteKey());
            assertThat(c.serverWriteSalt()).hasSize(12).isEqualTo(s.serverWriteSalt());
        }
        clientCfg = DtlsConfig.defaults().withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80));
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, clientCfg, DtlsConfig.defaults(), DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
            SrtpKeyingMaterial c = link.client.srtpKeyingMaterial().orElseThrow();
            assertThat(c.profile()).isEqualTo(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            assertThat(c.clientWriteKey()).hasSize(16).isEqualTo(link.server.srtpKeyingMaterial().orElseThrow().clientWriteKey());
            assertThat(c.clientWriteSalt()).hasSize(14);
        }
    }

    @Test
    void worksWhenThePeerDoesNotOfferUseSrtp() throws Exception {
        DtlsConfig noSrtp = DtlsConfig.defaults().withSrtpProfiles(List.of());
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, noSrtp, DtlsConfig.defaults(), DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(link.client.srtpKeyingMaterial()).isEmpty();
            assertThat(link.server.srtpKeyingMaterial()).isEmpty();
        }
        // and the other way: the server does not accept any profile
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, DtlsConfig.defaults(), noSrtp, DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(link.client.srtpProfile()).isEmpty();
        }
    }

    @Test
    void clientRejectsServerWithWrongFingerprint() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.deferFingerprints = true;
            link.server.setRemoteFingerprints(List.of(ecA.fingerprint()));
            link.client.setRemoteFingerprints(List.of(rsa.fingerprint()));
            link.start();
            assertThat(link.clientEvents.await(DtlsState.FAILED, WAIT)).isTrue();
            assertThat(link.serverEvents.await(DtlsState.FAILED, WAIT)).isTrue();
            assertThat(link.client.failureReason()).contains("does not match the SDP fingerprint");
            assertThat(link.server.failureReason()).contains("bad_certificate");
            assertThat(link.clientEvents.states).doesNotContain(DtlsState.CONNECTED);
            assertThat(link.serverEvents.states).doesNotContain(DtlsState.CONNECTED);
        }
    }

    @Test
    void serverRejectsClientWithWrongFingerprint() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.deferFingerprints = true;
            link.client.setRemoteFingerprints(List.of(ecB.fingerprint()));
            link.server.setRemoteFingerprints(List.of(DtlsFingerprint.of("sha-256", rsa.der()), DtlsFingerprint.of("sha-1", rsa.der())));
            link.start();
            assertThat(link.serverEvents.await(DtlsState.FAILED, WAIT)).isTrue();
            assertThat(link.clientEvents.awaitTerminal(WAIT)).isTrue();
            assertThat(link.server.failureReason()).contains("does not match the SDP fingerprint (sha-256,sha-1)");
            assertThat(link.client.state()).isEqualTo(DtlsState.FAILED);
            assertThat(link.client.failureReason()).contains("bad_certificate");
            assertThat(link.serverEvents.states).doesNotContain(DtlsState.CONNECTED);
        }
    }

    @Test
    void fingerprintsMayArriveAfterTheHandshakeStarted() throws Exception {
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, fast(), fast(), DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.deferFingerprints = true;
            link.start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (link.client.getRemoteCertificates().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(link.client.getRemoteCertificates()).as("server certificate arrived").hasSize(1);
            Thread.sleep(300);
            assertThat(link.client.state()).isEqualTo(DtlsState.CONNECTING);
            link.client.setRemoteFingerprints(List.of(ecB.fingerprint("sha-512")));
            link.server.setRemoteFingerprints(List.of(ecA.fingerprint("sha-384")));
            assertConnectedAndTalking(link);
        }
    }

    @Test
    void applicationDataBothWaysLargeAndManySmall() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.start();
            assertThat(link.awaitConnected(WAIT)).isTrue();
            int limit = link.client.getSendLimit();
            assertThat(limit).isBetween(1100, 1200 - 13);
            byte[] big = new byte[limit];
            RandomSource.seeded(1).nextBytes(big);
            assertThat(link.client.send(big, 0, big.length)).isTrue();
            assertThat(link.serverEvents.data.poll(5, TimeUnit.SECONDS)).isEqualTo(big);
            assertThat(link.server.send(big, 0, big.length)).isTrue();
            assertThat(link.clientEvents.data.poll(5, TimeUnit.SECONDS)).isEqualTo(big);
            assertThat(link.client.stats().datagramsOut()).isGreaterThan(0);
            // every datagram respects the MTU
            for (byte[] d : link.clientToServer) {
                assertThat(d.length).isLessThanOrEqualTo(1200);
            }
            for (int i = 0; i < 1000; i++) {
                byte[] m = ("m" + i).getBytes();
                assertThat(link.client.send(m, 0, m.length)).isTrue();
                assertThat(link.server.send(m, 0, m.length)).isTrue();
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(new String(link.serverEvents.data.poll(5, TimeUnit.SECONDS))).isEqualTo("m" + i);
                assertThat(new String(link.clientEvents.data.poll(5, TimeUnit.SECONDS))).isEqualTo("m" + i);
            }
            try {
                link.client.send(new byte[limit + 1], 0, limit + 1);
                org.junit.jupiter.api.Assertions.fail("oversize send accepted");
            } catch (IllegalArgumentException expected) {
                assertThat(expected).hasMessageContaining("send limit");
            }
        }
    }

    @Test
    void closeNotifyIsSeenByThePeer() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.start();
            assertThat(link.awaitConnected(WAIT)).isTrue();
            link.client.close();
            assertThat(link.client.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(link.serverEvents.await(DtlsState.CLOSED, WAIT)).isTrue();
            assertThat(link.server.failureReason()).isEqualTo("close_notify received");
            assertThat(link.clientEvents.await(DtlsState.CLOSED, WAIT)).isTrue();
            assertThat(link.client.send(new byte[] {1}, 0, 1)).isFalse();
            link.client.close(); // idempotent
        }
    }

    @Test
    void serverCloseIsSeenByTheClient() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.start();
            assertThat(link.awaitConnected(WAIT)).isTrue();
            link.server.close();
            assertThat(link.clientEvents.await(DtlsState.CLOSED, WAIT)).isTrue();
            assertThat(link.clientEvents.states).doesNotContain(DtlsState.FAILED);
        }
    }

    @Test
    void survivesLossOfTheServerHelloFlight() throws Exception {
        Predicate<byte[]> serverFlight = d -> {
            int t = DtlsTestLink.handshakeType(d);
            return t == 2 || t == 11 || t == 12 || t == 13 || t == 14;
        };
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, fast(), fast(), DtlsTestLink.Drop.NONE,
                DtlsTestLink.firstTransmissionOf(serverFlight), null)) {
            link.start();
            assertConnectedAndTalking(link);
            long clientHellos = link.clientToServer.stream().filter(d -> DtlsTestLink.handshakeType(d) == 1).count();
            assertThat(clientHellos).as("the client retransmitted its ClientHello").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void survivesLossOfTheClientFinishedFlight() throws Exception {
        Predicate<byte[]> clientFlight = d -> {
            int t = DtlsTestLink.handshakeType(d);
            return t == 11 || t == 16 || t == 15 || DtlsTestLink.contentType(d) == 20
                    || (DtlsTestLink.contentType(d) == 22 && DtlsTestLink.epoch(d) == 1);
        };
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, fast(), fast(),
                DtlsTestLink.firstTransmissionOf(clientFlight), DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
        }
    }

    @Test
    void survivesLossOfTheServerFinalFlight() throws Exception {
        Predicate<byte[]> serverFinal = d -> DtlsTestLink.contentType(d) == 20
                || (DtlsTestLink.contentType(d) == 22 && DtlsTestLink.epoch(d) == 1);
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, fast(), fast(), DtlsTestLink.Drop.NONE,
                DtlsTestLink.firstTransmissionOf(serverFinal), null)) {
            link.start();
            // the server is connected at once; the client only after the server answered its retransmission
            assertConnectedAndTalking(link);
            long finals = link.serverToClient.stream().filter(serverFinal).count();
            assertThat(finals).as("the server retransmitted its final flight").isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void fragmentedClientHelloAndCertificates() throws Exception {
        int mtu = 120; // below the ClientHello's size
        DtlsConfig small = fast().withMtu(mtu);
        try (DtlsTestLink link = new DtlsTestLink(rsa, rsa, small, small, DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertConnectedAndTalking(link);
            assertThat(link.clientToServer.stream().filter(d -> DtlsTestLink.handshakeType(d) == 1
                    && DtlsTestLink.isPartialFragment(d)).count()).as("ClientHello fragments").isGreaterThanOrEqualTo(2);
            assertThat(link.clientToServer).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(mtu));
            assertThat(link.serverToClient).allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(mtu));
        }
    }

    @Test
    void handshakeTimesOutWhenThePeerNeverAnswers() throws Exception {
        DtlsTestLink.Executors3 ex = new DtlsTestLink.Executors3(1);
        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        try (ex) {
            DtlsTransport lonely = new DtlsTransport(DtlsRole.CLIENT, ecA,
                    fast().withHandshakeTimeout(Duration.ofMillis(1500)), ex.handshakePool, ex.events, d -> { }, rec);
            lonely.setRemoteFingerprints(List.of(ecB.fingerprint()));
            long t0 = System.nanoTime();
            lonely.start();
            assertThat(rec.await(DtlsState.FAILED, Duration.ofSeconds(10))).isTrue();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(1000L, 8000L);
            assertThat(lonely.failureReason()).contains("timed out");
            assertThat(rec.states).containsExactly(DtlsState.CONNECTING, DtlsState.FAILED);
        }
    }

    @Test
    void serverTimesOutWhenNoClientHelloArrives() throws Exception {
        DtlsTestLink.Executors3 ex = new DtlsTestLink.Executors3(1);
        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        try (ex) {
            DtlsTransport lonely = new DtlsTransport(DtlsRole.SERVER, ecA,
                    fast().withHandshakeTimeout(Duration.ofMillis(800)), ex.handshakePool, ex.events, d -> { }, rec);
            lonely.start();
            assertThat(rec.await(DtlsState.FAILED, Duration.ofSeconds(10))).isTrue();
            assertThat(lonely.failureReason()).contains("timed out");
        }
    }

    @Test
    void closeDuringTheHandshakeReleasesThePoolThread() throws Exception {
        DtlsTestLink.Executors3 ex = new DtlsTestLink.Executors3(1);
        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        try (ex) {
            DtlsTransport t = new DtlsTransport(DtlsRole.SERVER, ecA, fast(), ex.handshakePool, ex.events, d -> { }, rec);
            t.start();
            Thread.sleep(100);
            t.close();
            assertThat(rec.await(DtlsState.CLOSED, Duration.ofSeconds(5))).isTrue();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ex.handshakePool.getActiveCount() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(ex.handshakePool.getActiveCount()).isZero();
            assertThat(rec.states).containsExactly(DtlsState.CONNECTING, DtlsState.CLOSED);
        }
    }

    @Test
    void bothClientsIsARoleConflict() throws Exception {
        DtlsTestLink.Executors3 ex = new DtlsTestLink.Executors3(2);
        DtlsTestLink.Recorder ra = new DtlsTestLink.Recorder();
        DtlsTestLink.Recorder rb = new DtlsTestLink.Recorder();
        try (ex) {
            DtlsTransport[] h = new DtlsTransport[2];
            h[0] = new DtlsTransport(DtlsRole.CLIENT, ecA, fast(), ex.handshakePool, ex.events,
                    d -> ex.wire.execute(() -> h[1].handleDatagram(d)), ra);
            h[1] = new DtlsTransport(DtlsRole.CLIENT, ecB, fast(), ex.handshakePool, ex.events,
                    d -> ex.wire.execute(() -> h[0].handleDatagram(d)), rb);
            h[0].start();
            h[1].start();
            // Whichever side first receives the other's ClientHello detects the conflict and fails;
            // the other may then wait out its handshake timeout, so either is accepted.
            long end = System.nanoTime() + WAIT.toNanos();
            while (h[0].state() != DtlsState.FAILED && h[1].state() != DtlsState.FAILED && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            DtlsTransport failed = h[0].state() == DtlsState.FAILED ? h[0] : h[1];
            assertThat(failed.state()).isEqualTo(DtlsState.FAILED);
            assertThat(failed.failureReason()).contains("role conflict");
        }
    }

    @Test
    void junkIsDroppedAndCountedWithoutHarm() throws Exception {
        try (DtlsTestLink link = DtlsTestLink.of(ecA, ecB)) {
            link.start();
            assertThat(link.awaitConnected(WAIT)).isTrue();
            link.server.handleDatagram(new byte[0]);
            link.server.handleDatagram(null);
            link.server.handleDatagram(new byte[] {23, (byte) 0xfe, (byte) 0xfd, 0, 1});
            link.server.handleDatagram(new byte[5000]);
            byte[] fakeApp = new byte[13 + 40];
            fakeApp[0] = 23;
            fakeApp[1] = (byte) 0xfe;
            fakeApp[2] = (byte) 0xfd;
            fakeApp[4] = 1;
            fakeApp[12] = 40;
            link.server.handleDatagram(fakeApp); // plausible header, fails authentication: dropped by BC
            byte[] shortCipher = java.util.Arrays.copyOf(fakeApp, 13 + 10);
            shortCipher[12] = 10; // too short for nonce + tag: the engine would call it a fatal decode_error
            link.server.handleDatagram(shortCipher);
            assertConnectedAndTalking(link);
            DtlsTransport.Stats st = link.server.stats();
            assertThat(st.droppedJunk()).isEqualTo(4);
            assertThat(st.droppedOversize()).isEqualTo(1);
        }
    }

    @Test
    void noThreadPerConnection() throws Exception {
        int pairs = 50;
        DtlsTestLink.Executors3 ex = new DtlsTestLink.Executors3(2);
        List<DtlsTestLink> links = new java.util.ArrayList<>();
        try (ex) {
            ex.handshakePool.prestartAllCoreThreads();
            int before = Thread.activeCount();
            for (int i = 0; i < pairs; i++) {
                DtlsTestLink l = new DtlsTestLink(ecA, ecB, DtlsConfig.defaults(), DtlsConfig.defaults(),
                        DtlsTestLink.Drop.NONE, DtlsTestLink.Drop.NONE, ex);
                links.add(l);
                l.start();
            }
            for (DtlsTestLink l : links) {
                assertThat(l.awaitConnected(Duration.ofSeconds(40))).isTrue();
            }
            for (DtlsTestLink l : links) {
                assertConnectedAndTalking(l);
            }
            int after = Thread.activeCount();
            log.info("threads before {} after {} with {} connected transports on a handshake pool of 2",
                    before, after, 2 * pairs);
            assertThat(after - before).isLessThan(5);
            assertThat(ex.handshakePool.getActiveCount()).isZero();
        } finally {
            for (DtlsTestLink l : links) {
                l.close();
            }
        }
    }

    @Test
    void throughputInformation() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean discard = new java.util.concurrent.atomic.AtomicBoolean();
        try (DtlsTestLink link = new DtlsTestLink(ecA, ecB, DtlsConfig.defaults(), DtlsConfig.defaults(),
                (i, d) -> discard.get(), DtlsTestLink.Drop.NONE, null)) {
            link.start();
            assertThat(link.awaitConnected(WAIT)).isTrue();
            link.serverEvents.keepData = false;
            byte[] rec = new byte[1100];
            long records = 50L * 1024 * 1024 / rec.length;
            double mb = records * rec.length / (1024.0 * 1024.0);

            // 1. the sender alone: encrypt + hand to the outbound callback, which discards
            discard.set(true);
            for (int i = 0; i < 30_000; i++) {
                link.client.send(rec, 0, rec.length); // JIT warm-up
            }
            long t0 = System.nanoTime();
            for (long i = 0; i < records; i++) {
                link.client.send(rec, 0, rec.length);
            }
            double encryptSecs = (System.nanoTime() - t0) / 1e9;

            // 2. end to end: encrypt on this thread, decrypt inline on the wire thread, events on the event thread
            discard.set(false);
            t0 = System.nanoTime();
            for (long i = 0; i < records; i++) {
                link.client.send(rec, 0, rec.length);
                if ((i & 1023) == 0) {
                    while (link.serverEvents.bytes.get() < (i - 20_000) * rec.length) {
                        Thread.yield(); // keep the in-memory backlog bounded
                    }
                }
            }
            long want = records * rec.length;
            while (link.serverEvents.bytes.get() < want) {
                Thread.sleep(1);
            }
            double e2eSecs = (System.nanoTime() - t0) / 1e9;
            log.info("throughput, {} records of {} bytes ({} MiB), {}: sender alone {} MiB/s ({} us/record); "
                            + "end to end {} MiB/s",
                    records, rec.length, String.format("%.1f", mb), DtlsTransport.cipherSuiteName(link.client.cipherSuite()),
                    String.format("%.0f", mb / encryptSecs), String.format("%.2f", encryptSecs * 1e6 / records),
                    String.format("%.0f", mb / e2eSecs));
            assertThat(link.serverEvents.bytes.get()).isEqualTo(want);
        }
    }
}
