package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.interop.Interop;
import io.sluice.peer.time.RandomSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with OpenSSL's {@code s_server}/{@code s_client -dtls1_2} over 127.0.0.1: handshake with
 * mutual certificates, each side verifying the other's (OpenSSL trusts exactly our certificate and
 * fails the handshake otherwise; it must print our certificate as the one it verified), use_srtp,
 * the exported SRTP keying material compared byte for byte, and application data both ways.
 * Skipped when no {@code openssl} is on the PATH, failed instead when
 * {@code SLUICE_REQUIRE_INTEROP=1} (CI installs it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsOpenSslInteropIT {

    private static final long NOW = System.currentTimeMillis();

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private DtlsTestLink.Executors3 ex;

    @BeforeEach
    void needOpenSsl() throws Exception {
        boolean present;
        try {
            present = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (Exception e) {
            present = false;
        }
        if (!present && Interop.required()) {
            throw new AssertionError("openssl not installed (apt-get install -y openssl); failing because "
                    + Interop.REQUIRE_ENV + "=1");
        }
        Assumptions.assumeTrue(present, "openssl not installed");
        ex = new DtlsTestLink.Executors3(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (ex != null) { // null when skipped before setup
            ex.close();
        }
    }

    /** A UDP socket on 127.0.0.1 with a reader thread that feeds a transport (test only). */
    private final class Udp implements AutoCloseable {
        final DatagramSocket socket;
        volatile SocketAddress peer;
        volatile DtlsTransport transport;
        final Thread reader;

        Udp(SocketAddress peer) throws Exception {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.peer = peer;
            reader = DtlsTestLink.daemon(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        if (this.peer == null) {
                            this.peer = p.getSocketAddress();
                        }
                        transport.handleDatagram(p.getData(), p.getOffset(), p.getLength());
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "udp-reader");
        }

        void send(byte[] d) {
            try {
                socket.send(new DatagramPacket(d, d.length, peer));
            } catch (Exception e) {
                // lost
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Our transport on a loopback socket of its own that feeds it, expecting the given fingerprints. */
    private Udp ours(DtlsRole role, DtlsCertificate cert, SocketAddress peer, DtlsTestLink.Recorder rec,
            List<DtlsFingerprint> remoteFingerprints) throws Exception {
        Udp udp = new Udp(peer);
        cleanup.add(udp);
        udp.transport = new DtlsTransport(role, cert, DtlsConfig.defaults(), ex.handshakePool, ex.events, udp::send, rec);
        udp.reader.start();
        udp.transport.setRemoteFingerprints(remoteFingerprints);
        return udp;
    }

    private Process openssl(BlockingQueue<String> lines, String... args) throws Exception {
        return openssl(java.util.Map.of(), lines, args);
    }

    private Process openssl(java.util.Map<String, String> env, BlockingQueue<String> lines, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        cleanup.add(p::destroyForcibly);
        DtlsTestLink.daemon(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception e) {
                // process ended
            }
        }, "openssl-out").start();
        return p;
    }

    private static String awaitLine(BlockingQueue<String> lines, String containing, List<String> seen) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.contains(containing)) {
                    return l;
                }
            }
        }
        throw new AssertionError("openssl never printed '" + containing + "'; output: " + String.join("\n", seen));
    }

    private static String hex(byte[]... parts) {
        StringBuilder sb = new StringBuilder();
        for (byte[] p : parts) {
            for (byte b : p) {
                sb.append(String.format("%02X", b));
            }
        }
        return sb.toString();
    }

    /** Our certificate alone, as the only trust anchor OpenSSL is given. */
    private Path trustOnly(DtlsCertificate cert) throws Exception {
        Path p = dir.resolve("trusted.pem");
        Files.writeString(p, "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.der())
                + "\n-----END CERTIFICATE-----\n");
        return p;
    }

    /**
     * OpenSSL verified the peer's certificate and it is {@code cert}: its verify callback reported
     * success for the chain (nothing but {@code verify return:1}), and the certificate it printed
     * under {@code heading} is {@code cert}.
     */
    private static void assertVerified(List<String> seen, String heading, DtlsCertificate cert) {
        String out = String.join("\n", seen);
        assertThat(seen).as("OpenSSL's verification of our certificate; output:\n%s", out)
                .anyMatch(l -> l.trim().equals("verify return:1"))
                .noneMatch(l -> l.contains("verify error") || l.trim().startsWith("verify return:0"));
        int at = seen.indexOf(heading);
        assertThat(at).as("OpenSSL printed '%s'; output:\n%s", heading, out).isNotNegative();
        StringBuilder b64 = new StringBuilder();
        for (int i = at + 2; i < seen.size() && !seen.get(i).startsWith("-----END"); i++) {
            b64.append(seen.get(i).trim());
        }
        assertThat(java.util.Base64.getDecoder().decode(b64.toString())).as("the certificate OpenSSL verified")
                .isEqualTo(cert.der());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void ourClientAgainstOpenSslServer() throws Exception {
        DtlsCertificate ours = DtlsCertificate.generate(NOW, RandomSource.secure());
        DtlsCertificate theirs = DtlsCertificate.generate(NOW, RandomSource.secure());
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, theirs.toPem());
        int port = freeUdpPort();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        // -Verify: a client certificate is required; -verify_return_error: one that does not verify
        // against -CAfile (our certificate alone) fails the handshake.
        Process server = openssl(out, "s_server", "-dtls1_2", "-accept", "127.0.0.1:" + port, "-cert", pem.toString(),
                "-Verify", "1", "-verify_return_error", "-CAfile", trustOnly(ours).toString(),
                "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80",
                "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "56", "-naccept", "1");
        awaitLine(out, "ACCEPT", seen);

        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        Udp udp = ours(DtlsRole.CLIENT, ours, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), rec,
                List.of(theirs.fingerprint()));
        DtlsTransport t = udp.transport;
        t.start();
        assertThat(rec.await(DtlsState.CONNECTED, Duration.ofSeconds(15))).as("connected; " + t.failureReason()).isTrue();
        assertThat(t.srtpProfile()).contains(SrtpProfile.AEAD_AES_128_GCM);
        SrtpKeyingMaterial k = t.srtpKeyingMaterial().orElseThrow();
        String km = awaitLine(out, "Keying material:", seen);
        assertThat(km.replaceAll(".*Keying material:\\s*", "").trim().toUpperCase())
                .isEqualTo(hex(k.clientWriteKey(), k.serverWriteKey(), k.clientWriteSalt(), k.serverWriteSalt()));
        assertVerified(seen, "Client certificate", ours);
        assertThat(t.getRemoteCertificates().get(0)).isEqualTo(theirs.der());

        byte[] hello = "hello from sluice\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(t.send(hello, 0, hello.length)).isTrue();
        awaitLine(out, "hello from sluice", seen);

        OutputStream stdin = server.getOutputStream();
        stdin.write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        byte[] got = rec.data.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello from openssl\n");

        t.close();
        awaitLine(out, "shutting down SSL", seen);
    }

    @Test
    void openSslClientAgainstOurServer() throws Exception {
        DtlsCertificate ours = DtlsCertificate.generate(DtlsCertificate.KeyType.RSA_2048, Duration.ofDays(1), NOW,
                RandomSource.secure());
        DtlsCertificate theirs = DtlsCertificate.generate(NOW, RandomSource.secure());
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, theirs.toPem());

        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        Udp udp = ours(DtlsRole.SERVER, ours, null, rec,
                List.of(theirs.fingerprint("sha-1"), theirs.fingerprint("sha-384")));
        DtlsTransport t = udp.transport;
        t.start();

        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        Process client = openssl(out, "s_client", "-dtls1_2", "-connect", "127.0.0.1:" + udp.port(),
                "-cert", pem.toString(), "-verify", "1", "-verify_return_error", "-CAfile", trustOnly(ours).toString(),
                "-use_srtp", "SRTP_AES128_CM_SHA1_80",
                "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60");
        assertThat(rec.await(DtlsState.CONNECTED, Duration.ofSeconds(15))).as("connected; " + t.failureReason()).isTrue();
        assertThat(t.srtpProfile()).contains(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        assertThat(DtlsTransport.cipherSuiteName(t.cipherSuite())).startsWith("TLS_ECDHE_RSA_");
        SrtpKeyingMaterial k = t.srtpKeyingMaterial().orElseThrow();
        String km = awaitLine(out, "Keying material:", seen);
        assertThat(km.replaceAll(".*Keying material:\\s*", "").trim().toUpperCase())
                .isEqualTo(hex(k.clientWriteKey(), k.serverWriteKey(), k.clientWriteSalt(), k.serverWriteSalt()));
        assertThat(t.getRemoteCertificates().get(0)).isEqualTo(theirs.der());
        assertThat(seen).as("s_client's verdict").anyMatch(l -> l.trim().equals("Verify return code: 0 (ok)"));
        assertVerified(seen, "Server certificate", ours);

        // the keying material closes s_client's session summary: it now reads stdin
        Thread.sleep(200);
        OutputStream stdin = client.getOutputStream();
        stdin.write("ping from openssl\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        byte[] got = rec.data.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("ping from openssl\n");
        byte[] pong = "pong from sluice\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(t.send(pong, 0, pong.length)).isTrue();
        awaitLine(out, "pong from sluice", seen);

        t.close();
        assertThat(client.waitFor(10, TimeUnit.SECONDS)).as("s_client exits on close_notify").isTrue();
    }

    // ------------------------------------------------------------------ what we refuse (RFC 7627, SHA-1)

    /** An OpenSSL configuration whose TLS defaults leave out extended master secret. */
    private java.util.Map<String, String> withoutExtendedMasterSecret() throws Exception {
        Path conf = dir.resolve("no-ems.cnf");
        Files.writeString(conf, "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n"
                + "[tls]\nOptions = -ExtendedMasterSecret\n");
        return java.util.Map.of("OPENSSL_CONF", conf.toString());
    }

    /** s_client with {@code env} and {@code extra} arguments against our server: our side must fail. */
    private void openSslClientIsRefused(java.util.Map<String, String> env, String... extra) throws Exception {
        DtlsCertificate ours = DtlsCertificate.generate(NOW, RandomSource.secure());
        DtlsCertificate theirs = DtlsCertificate.generate(NOW, RandomSource.secure());
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, theirs.toPem());
        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        Udp udp = ours(DtlsRole.SERVER, ours, null, rec, List.of(theirs.fingerprint()));
        DtlsTransport t = udp.transport;
        t.start();
        List<String> args = new ArrayList<>(List.of("s_client", "-dtls1_2", "-connect", "127.0.0.1:" + udp.port(),
                "-cert", pem.toString(), "-msg"));
        args.addAll(List.of(extra));
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        openssl(env, out, args.toArray(String[]::new));
        awaitOutcome(t);
        List<String> seen = new ArrayList<>();
        out.drainTo(seen);
        assertThat(t.state()).as("%s; openssl said:%n%s", t.failureReason(), String.join("\n", seen))
                .isEqualTo(DtlsState.FAILED);
    }

    /** Until the handshake connected or ended. */
    private static void awaitOutcome(DtlsTransport t) {
        Interop.waitFor(() -> t.state() == DtlsState.CONNECTED || t.state().isTerminal(), Duration.ofSeconds(15),
                "the handshake's outcome");
    }

    @Test
    void openSslClientWithoutExtendedMasterSecretIsRefused() throws Exception {
        openSslClientIsRefused(withoutExtendedMasterSecret());
    }

    @Test
    void openSslClientOfferingOnlySha1SignaturesIsRefused() throws Exception {
        // security level 0: OpenSSL 3 does not offer SHA-1 signatures otherwise
        openSslClientIsRefused(java.util.Map.of(), "-sigalgs", "ECDSA+SHA1:RSA+SHA1", "-cipher", "ALL:@SECLEVEL=0");
    }

    @Test
    void openSslServerWithoutExtendedMasterSecretIsRefused() throws Exception {
        DtlsCertificate ours = DtlsCertificate.generate(NOW, RandomSource.secure());
        DtlsCertificate theirs = DtlsCertificate.generate(NOW, RandomSource.secure());
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, theirs.toPem());
        int port = freeUdpPort();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        List<String> seen = new ArrayList<>();
        openssl(withoutExtendedMasterSecret(), out, "s_server", "-dtls1_2", "-accept", "127.0.0.1:" + port, "-cert",
                pem.toString(), "-naccept", "1");
        awaitLine(out, "ACCEPT", seen);
        DtlsTestLink.Recorder rec = new DtlsTestLink.Recorder();
        Udp udp = ours(DtlsRole.CLIENT, ours, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), rec,
                List.of(theirs.fingerprint()));
        DtlsTransport t = udp.transport;
        t.start();
        awaitOutcome(t);
        assertThat(t.state()).as(t.failureReason()).isEqualTo(DtlsState.FAILED);
    }
}
