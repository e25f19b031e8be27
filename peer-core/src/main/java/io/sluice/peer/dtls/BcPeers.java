package io.sluice.peer.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The BouncyCastle {@code TlsClient}/{@code TlsServer} of a WebRTC DTLS transport: DTLS 1.2 only,
 * ECDHE with AEAD suites, X25519 and P-256, extended master secret required in both roles
 * (RFC 7627: a peer that does not negotiate it fails the handshake), signatures with SHA-2 only (a
 * peer that offers or uses only SHA-1 fails the handshake), mutual authentication with self-signed
 * certificates checked against SDP fingerprints only, and {@code use_srtp}.
 */
final class BcPeers {

    private BcPeers() {
    }

    /** What the BouncyCastle peers report back to the transport; called on the handshake thread. */
    interface Hooks {
        /** Checks the peer's chain against the SDP fingerprints; throws bad_certificate on mismatch. */
        void verifyPeer(Certificate chain) throws IOException;

        /** The cipher suite is known (before any protected record can arrive). */
        void cipherSuiteSelected(int cipherSuite);

        void alertRaised(short level, short description, String message, Throwable cause);

        void alertReceived(short level, short description);

        /** The handshake is complete; export SRTP keys here (and only here). */
        void handshakeComplete(TlsContext context, SrtpProfile srtpProfile) throws IOException;
    }

    static final int[] ECDSA_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    static final int[] ALL_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    static final int[] GROUPS = {NamedGroup.x25519, NamedGroup.secp256r1};

    /**
     * Signature algorithms we accept from the peer and offer, in TLS 1.2 (hash, signature) form:
     * SHA-2 only. SHA-1 signatures are refused (RFC 9155 deprecates them in TLS 1.2).
     */
    static Vector<SignatureAndHashAlgorithm> acceptedSignatureAlgorithms() {
        Vector<SignatureAndHashAlgorithm> v = new Vector<>();
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha384);
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa));
        v.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha512, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha512);
        return v;
    }

    /** Our signing algorithm: the first of our preferences for the key type that the peer offered. */
    static SignatureAndHashAlgorithm chooseSigner(DtlsCertificate.KeyType keyType, Vector<?> peerAlgorithms)
            throws TlsFatalAlert {
        short sig = keyType == DtlsCertificate.KeyType.ECDSA_P256 ? SignatureAlgorithm.ecdsa : SignatureAlgorithm.rsa;
        if (peerAlgorithms == null) {
            // RFC 5246 §7.4.1.4.1: no extension means SHA-1 with the key's signature algorithm, which we refuse
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "peer sent no signature_algorithms (SHA-1 only), SHA-1 signatures are refused");
        }
        short[] hashes = {HashAlgorithm.sha256, HashAlgorithm.sha384, HashAlgorithm.sha512};
        for (short h : hashes) {
            SignatureAndHashAlgorithm a = new SignatureAndHashAlgorithm(h, sig);
            if (peerAlgorithms.contains(a)) {
                return a;
            }
        }
        if (sig == SignatureAlgorithm.rsa) {
            for (SignatureAndHashAlgorithm a : new SignatureAndHashAlgorithm[] {SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha384, SignatureAndHashAlgorithm.rsa_pss_rsae_sha512}) {
                if (peerAlgorithms.contains(a)) {
                    return a;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure,
                "peer accepts no SHA-2 signature algorithm for our " + keyType + " key (SHA-1 is refused)");
    }

    static TlsCredentialedSigner signer(TlsContext context, JcaTlsCrypto crypto, DtlsCertificate cert,
                                        SignatureAndHashAlgorithm alg) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(cert.der())});
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, cert.privateKey(), chain, alg);
    }

    /** DTLS client: a=setup:active. */
    static final class Client extends DefaultTlsClient {
        private final JcaTlsCrypto crypto;
        private final DtlsCertificate certificate;
        private final DtlsConfig config;
        private final Hooks hooks;
        private SrtpProfile srtpProfile;

        Client(JcaTlsCrypto crypto, DtlsCertificate certificate, DtlsConfig config, Hooks hooks) {
            super(crypto);
            this.crypto = crypto;
            this.certificate = certificate;
            this.config = config;
            this.hooks = hooks;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(crypto, ALL_SUITES);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected Vector getSupportedGroups(Vector namedGroupRoles) {
            Vector v = new Vector();
            for (int g : GROUPS) {
                if (crypto.hasNamedGroup(g)) {
                    v.add(g);
                }
            }
            return v;
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected Vector getSupportedSignatureAlgorithms() {
            return acceptedSignatureAlgorithms();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = TlsExtensionsHelper.ensure(super.getClientExtensions());
            if (!config.srtpProfiles().isEmpty()) {
                TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(
                        SrtpProfile.ids(config.srtpProfiles().toArray(new SrtpProfile[0])), TlsUtils.EMPTY_BYTES));
            }
            return ext;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData srtp = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (srtp != null) {
                // RFC 5764 §4.1.1: exactly one profile, one we offered; the MKI we sent was empty
                int[] ids = srtp.getProtectionProfiles();
                SrtpProfile p = ids.length == 1 ? SrtpProfile.ofId(ids[0]) : null;
                if (p == null || !config.srtpProfiles().contains(p)) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server chose an SRTP profile we did not offer");
                }
                if (srtp.getMki().length != 0) {
                    throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server sent an SRTP MKI we did not offer");
                }
                srtpProfile = p;
            }
        }

        @Override
        public void notifySelectedCipherSuite(int selectedCipherSuite) {
            super.notifySelectedCipherSuite(selectedCipherSuite);
            hooks.cipherSuiteSelected(selectedCipherSuite);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    hooks.verifyPeer(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    short wanted = certificate.keyType() == DtlsCertificate.KeyType.ECDSA_P256
                            ? ClientCertificateType.ecdsa_sign : ClientCertificateType.rsa_sign;
                    short[] types = request.getCertificateTypes();
                    boolean ok = types == null;
                    for (int i = 0; types != null && i < types.length; i++) {
                        ok |= types[i] == wanted;
                    }
                    if (!ok) {
                        throw new TlsFatalAlert(AlertDescription.handshake_failure,
                                "server does not accept a " + certificate.keyType() + " client certificate");
                    }
                    return signer(context, crypto, certificate,
                            chooseSigner(certificate.keyType(), request.getSupportedSignatureAlgorithms()));
                }
            };
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true; // RFC 7627: without it the handshake fails
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false; // self-signed; authenticated by fingerprint only
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) config.handshakeTimeout().toMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return (int) config.initialRetransmit().toMillis();
        }

        @Override
        public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
            hooks.alertRaised(level, description, message, cause);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            hooks.alertReceived(level, description);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            hooks.handshakeComplete(context, srtpProfile);
        }
    }

    /** DTLS server: a=setup:passive. */
    static final class Server extends DefaultTlsServer {
        private final JcaTlsCrypto crypto;
        private final DtlsCertificate certificate;
        private final DtlsConfig config;
        private final Hooks hooks;
        private SrtpProfile srtpProfile;

        Server(JcaTlsCrypto crypto, DtlsCertificate certificate, DtlsConfig config, Hooks hooks) {
            super(crypto);
            this.crypto = crypto;
            this.certificate = certificate;
            this.config = config;
            this.hooks = hooks;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            // only suites our certificate can sign for
            int[] mine = certificate.keyType() == DtlsCertificate.KeyType.ECDSA_P256 ? ECDSA_SUITES : RSA_SUITES;
            return TlsUtils.getSupportedCipherSuites(crypto, mine);
        }

        @Override
        public int[] getSupportedGroups() {
            return GROUPS.clone();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered != null) {
                // RFC 5764 §4.1.1: pick our most preferred profile that the client offered
                for (SrtpProfile p : config.srtpProfiles()) {
                    for (int id : offered.getProtectionProfiles()) {
                        if (p.id() == id && srtpProfile == null) {
                            srtpProfile = p;
                        }
                    }
                }
            }
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable ext = TlsExtensionsHelper.ensure(super.getServerExtensions());
            if (srtpProfile != null) {
                TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {srtpProfile.id()}, TlsUtils.EMPTY_BYTES));
            }
            return ext;
        }

        @Override
        public int getSelectedCipherSuite() throws IOException {
            int suite = super.getSelectedCipherSuite();
            hooks.cipherSuiteSelected(suite);
            return suite;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // WebRTC authenticates both ends (RFC 8827 §6.5): the client must send its certificate
            short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
            return new CertificateRequest(types, acceptedSignatureAlgorithms(), null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            if (clientCertificate == null || clientCertificate.isEmpty()) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "client sent no certificate");
            }
            hooks.verifyPeer(clientCertificate);
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            if (certificate.keyType() != DtlsCertificate.KeyType.ECDSA_P256) {
                return null;
            }
            return signer(context, crypto, certificate, chooseSigner(certificate.keyType(),
                    context.getSecurityParametersHandshake().getClientSigAlgs()));
        }

        @Override
        protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
            if (certificate.keyType() != DtlsCertificate.KeyType.RSA_2048) {
                return null;
            }
            return signer(context, crypto, certificate, chooseSigner(certificate.keyType(),
                    context.getSecurityParametersHandshake().getClientSigAlgs()));
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true; // RFC 7627: without it the handshake fails
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false; // self-signed; authenticated by fingerprint only
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) config.handshakeTimeout().toMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return (int) config.initialRetransmit().toMillis();
        }

        @Override
        public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
            hooks.alertRaised(level, description, message, cause);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            hooks.alertReceived(level, description);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            hooks.handshakeComplete(context, srtpProfile);
        }
    }

    /** Null-safe extension tables. */
    static final class TlsExtensionsHelper {
        private TlsExtensionsHelper() {
        }

        @SuppressWarnings("rawtypes")
        static Hashtable ensure(Hashtable h) {
            return h != null ? h : new Hashtable();
        }
    }
}
