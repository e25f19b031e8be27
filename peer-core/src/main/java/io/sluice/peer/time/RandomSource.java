package io.sluice.peer.time;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Randomness as an input of the protocol cores: ICE tie-breakers, ufrag/pwd, transaction ids,
 * SCTP tags and TSNs, SSRCs. Production uses {@link #secure()}; tests use {@link #seeded(long)}
 * so every run replays.
 */
public interface RandomSource {

    void nextBytes(byte[] out);

    int nextInt(int bound);

    long nextLong();

    static RandomSource secure() {
        return of(new SecureRandom());
    }

    static RandomSource seeded(long seed) {
        return of(new Random(seed));
    }

    static RandomSource of(Random random) {
        return new RandomSource() {
            @Override
            public void nextBytes(byte[] out) {
                random.nextBytes(out);
            }

            @Override
            public int nextInt(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long nextLong() {
                return random.nextLong();
            }
        };
    }

    /** A string of {@code length} characters from the ICE-char set (RFC 8839: ALPHA / DIGIT / "+" / "/"). */
    default String iceChars(int length) {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
