package io.sluice.peer.dtls;

import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Locale;
import javax.crypto.KeyAgreement;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The DTLS crypto: elliptic-curve operations (ECDSA, ECDH, X25519 and their keys) from
 * BouncyCastle's provider, everything else (AES-GCM, ChaCha20, HMAC, digests, RSA) from the JDK's.
 * <p>
 * Why split: on JDK 17, SunEC's P-256 costs about 1.1 ms to sign, 1.6 ms to verify, 1.4 ms to
 * generate a key and 1.3 ms for an ECDH on this project's reference machine, BouncyCastle's about
 * 0.11, 0.12, 0.12 and 0.5 ms once warm; a handshake does several of them, and so does each
 * certificate. SunJCE's AES-GCM, on the other hand, uses the CPU's AES and carry-less multiply
 * instructions, which BouncyCastle's pure-Java AES cannot, and AES-GCM is what every record costs.
 * The provider instance is private to Sluice: nothing is registered with {@code java.security}.
 */
final class EcFastCrypto {

    /** BouncyCastle's provider, created once (it is large), never installed globally. */
    static final Provider BC = new BouncyCastleProvider();

    private EcFastCrypto() {
    }

    /** A TLS crypto over {@link #helper()}. */
    static JcaTlsCrypto tlsCrypto(SecureRandom random) {
        return new Crypto(random);
    }

    /** What creates JCA objects for the handshake: curve algorithms from {@link #BC}, the rest from the JDK. */
    static JcaJceHelper helper() {
        return Helper.INSTANCE;
    }

    /** True for the algorithm names of elliptic-curve work as BouncyCastle's TLS asks for them. */
    static boolean isCurveAlgorithm(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("ECDSA") || n.equals("EC") || n.equals("ECDH") || n.equals("X25519") || n.equals("XDH")
                || n.equals("X448") || n.equals("ED25519") || n.equals("ED448") || n.equals("EDDSA");
    }

    private static final class Crypto extends JcaTlsCrypto {
        Crypto(SecureRandom random) {
            super(Helper.INSTANCE, random, random);
        }
    }

    private static final class Helper extends DefaultJcaJceHelper {
        static final Helper INSTANCE = new Helper();
        private final ProviderJcaJceHelper bc = new ProviderJcaJceHelper(BC);

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            return isCurveAlgorithm(algorithm) ? bc.createSignature(algorithm) : super.createSignature(algorithm);
        }

        @Override
        public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
            return isCurveAlgorithm(algorithm) ? bc.createKeyAgreement(algorithm) : super.createKeyAgreement(algorithm);
        }

        @Override
        public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
            return isCurveAlgorithm(algorithm) ? bc.createKeyPairGenerator(algorithm)
                    : super.createKeyPairGenerator(algorithm);
        }

        @Override
        public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
            return isCurveAlgorithm(algorithm) ? bc.createKeyFactory(algorithm) : super.createKeyFactory(algorithm);
        }

        @Override
        public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
            return isCurveAlgorithm(algorithm) ? bc.createAlgorithmParameters(algorithm)
                    : super.createAlgorithmParameters(algorithm);
        }
    }
}
