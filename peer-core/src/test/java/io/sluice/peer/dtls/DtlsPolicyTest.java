package io.sluice.peer.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.time.RandomSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Vector;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Sluice's DTLS asks of the other side, checked against a plain BouncyCastle peer configured
 * to offend: extended master secret (RFC 7627) is required in both roles, and SHA-1 signatures are
 * refused in both roles. Each case has a control where the same foreign peer, behaving, connects.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtlsPolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
    private static final SignatureAndHashAlgorithm ECDSA_SHA1 =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa);

    static DtlsCertificate ours;
    static DtlsCertificate theirs;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> DtlsTestLink.daemon(r, "policy"));
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> DtlsTestLink.daemon(r, "events"));

    @BeforeAll
    static void certificates() {
        RandomSource r = RandomSource.seeded(11);
        ours = DtlsCertificate.generate(1_760_000_000_000L, r);
        theirs = DtlsCertificate.generate(1_760_000_000_000L, r);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        loop.shutdownNow();
    }

    /** How the foreign BouncyCastle peer behaves. */
    record Foreign(boolean ems, Vector<SignatureAndHashAlgorithm> sigAlgs) {
        static Foreign behaving() {
            return new Foreign(true, algs(ECDSA_SHA256));
        }
    }

    private static Vector<SignatureAndHashAlgorithm> algs(SignatureAndHashAlgorithm... a) {
        return new Vector<>(List.of(a));
    }

    // -------------------------------------------------------------------------------- controls

    @Test
    void aWellBehavedClientConnects() throws Exception {
        Run run = sluiceServer(Foreign.behaving());
        assertThat(run.events.await(DtlsState.CONNECTED, WAIT)).as(run.describe()).isTrue();
        assertThat(run.foreignResult.get(5, TimeUnit.SECONDS)).isEqualTo("connected");
    }

    @Test
    void aWellBehavedServerConnects() throws Exception {
        Run run = sluiceClient(Foreign.behaving());
        assertThat(run.events.await(DtlsState.CONNECTED, WAIT)).as(run.describe()).isTrue();
        assertThat(run.foreignResult.get(5, TimeUnit.SECONDS)).isEqualTo("connected");
    }

    // -------------------------------------------------------------------------------- extended master secret

    @Test
    void aClientWithoutExtendedMasterSecretIsRefused() throws Exception {
        Run run = sluiceServer(new Foreign(false, algs(ECDSA_SHA256)));
        assertFailed(run);
    }

    @Test
    void aServerWithoutExtendedMasterSecretIsRefused() throws Exception {
        Run run = sluiceClient(new Foreign(false, algs(ECDSA_SHA256)));
        assertFailed(run);
    }

    // -------------------------------------------------------------------------------- SHA-1

    @Test
    void aClientOfferingOnlySha1SignaturesIsRefused() throws Exception {
        Run run = sluiceServer(new Foreign(true, algs(ECDSA_SHA1)));
        assertFailed(run);
    }

    @Test
    void aClientWithoutSignatureAlgorithmsMeansSha1AndIsRefused() throws Exception {
        Run run = sluiceServer(new Foreign(true, null));
        assertFailed(run);
    }

    @Test
    void aServerAskingOnlySha1ClientSignaturesIsRefused() throws Exception {
        Run run = sluiceClient(new Foreign(true, algs(ECDSA_SHA1)));
        assertFailed(run);
    }

    @Test
    void ourOfferCarriesNoSha1() {
        assertThat(BcPeers.acceptedSignatureAlgorithms()).allMatch(a -> a.getHash() != HashAlgorithm.sha1);
    }

    private static void assertFailed(Run run) throws Exception {
        assertThat(run.events.awaitTerminal(WAIT)).as(run.describe()).isTrue();
        assertThat(run.events.last()).as(run.describe()).isEqualTo(DtlsState.FAILED);
        assertThat(run.foreignResult.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the foreign peer's end")
                .isNotEqualTo("connected");
    }

    // -------------------------------------------------------------------------------- plumbing

    /** One Sluice transport against one foreign BouncyCastle peer, over in-memory queues. */
    final class Run {
        final DtlsTestLink.Recorder events = new DtlsTestLink.Recorder();
        final BlockingQueue<byte[]> toForeign = new LinkedBlockingQueue<>();
        final CompletableFuture<String> foreignResult = new CompletableFuture<>();
        DtlsTransport sluice;

        String describe() {
            return "sluice " + events.states + " " + events.reasons + ", foreign " + foreignResult.getNow("running");
        }

        DatagramTransport foreignTransport() {
            return new DatagramTransport() {
                @Override
                public int getReceiveLimit() {
                    return 1500;
                }

                @Override
                public int getSendLimit() {
                    return 1200;
                }

                @Override
                public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
                    byte[] d;
                    try {
                        d = toForeign.poll(waitMillis, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                    if (d == null) {
                        return -1;
                    }
                    System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
                    return Math.min(len, d.length);
                }

                @Override
                public void send(byte[] buf, int off, int len) {
                    byte[] d = java.util.Arrays.copyOfRange(buf, off, off + len);
                    loop.execute(() -> sluice.handleDatagram(d));
                }

                @Override
                public void close() {
                }
            };
        }

        void foreign(Callable body) {
            pool.execute(() -> {
                try {
                    body.run();
                    foreignResult.complete("connected");
                } catch (Exception e) {
                    foreignResult.complete("failed: " + e);
                }
            });
        }
    }

    interface Callable {
        void run() throws Exception;
    }

    private Run sluiceServer(Foreign f) {
        Run run = new Run();
        run.sluice = new DtlsTransport(DtlsRole.SERVER, ours, DtlsConfig.defaults().withHandshakeTimeout(WAIT), pool,
                loop, run.toForeign::add, run.events);
        run.sluice.setRemoteFingerprints(List.of(theirs.fingerprint()));
        run.sluice.start();
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new java.security.SecureRandom());
        run.foreign(() -> new DTLSClientProtocol().connect(new ForeignClient(crypto, f), run.foreignTransport()));
        return run;
    }

    private Run sluiceClient(Foreign f) {
        Run run = new Run();
        run.sluice = new DtlsTransport(DtlsRole.CLIENT, ours, DtlsConfig.defaults().withHandshakeTimeout(WAIT), pool,
                loop, run.toForeign::add, run.events);
        run.sluice.setRemoteFingerprints(List.of(theirs.fingerprint()));
        JcaTlsCrypto crypto = new JcaTlsCryptoProvider().create(new java.security.SecureRandom());
        run.foreign(() -> new DTLSServerProtocol().accept(new ForeignServer(crypto, f), run.foreignTransport()));
        run.sluice.start();
        return run;
    }

    private static final class ForeignClient extends DefaultTlsClient {
        private final JcaTlsCrypto crypto;
        private final Foreign f;

        ForeignClient(JcaTlsCrypto crypto, Foreign f) {
            super(crypto);
            this.crypto = crypto;
            this.f = f;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected Vector getSupportedSignatureAlgorithms() {
            return f.sigAlgs();
        }

        @Override
        public boolean shouldUseExtendedMasterSecret() {
            return f.ems();
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return BcPeers.signer(context, crypto, theirs, ECDSA_SHA256);
                }
            };
        }
    }

    private static final class ForeignServer extends DefaultTlsServer {
        private final JcaTlsCrypto crypto;
        private final Foreign f;

        ForeignServer(JcaTlsCrypto crypto, Foreign f) {
            super(crypto);
            this.crypto = crypto;
            this.f = f;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public boolean shouldUseExtendedMasterSecret() {
            return f.ems();
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, f.sigAlgs(), null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) {
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return BcPeers.signer(context, crypto, theirs, ECDSA_SHA256);
        }
    }
}
