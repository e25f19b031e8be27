package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded mutations of the vectors (truncations, byte flips, line deletions, duplications and
 * swaps, splices between vectors), and every prefix of every vector: each must parse or fail with
 * {@link SdpParseException}, never anything else. Same checks as {@link SdpFuzzTest}, without
 * Jazzer; a failure names the seed and the iteration to replay.
 */
class SdpMutationTest {

    private static final long SEED = 0x5D9_2024L;
    private static final int ROUNDS = 400;

    static Stream<Arguments> vectors() {
        return SdpVectors.NAMES.stream().map(n -> Arguments.of(n, SEED ^ n.hashCode()));
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("vectors")
    void mutationsParseOrFailCleanly(String name, long seed) {
        String base = SdpVectors.load(name);
        Random random = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            String mutated = mutate(base, random);
            try {
                SdpFuzzTest.checkDescription(mutated);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(name + " seed=" + seed + " round=" + i + ": " + e, e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyPrefixParsesOrFailsCleanly(String name, long ignored) {
        String base = SdpVectors.load(name);
        for (int n = 0; n <= base.length(); n++) {
            try {
                SdpFuzzTest.checkDescription(base.substring(0, n));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(name + " prefix " + n + ": " + e, e);
            }
        }
    }

    @Test
    void everyCandidateLineMutatedParsesOrFailsCleanly() {
        Random random = new Random(SEED);
        for (String name : SdpVectors.NAMES) {
            for (String line : SdpVectors.load(name).split("\r?\n")) {
                if (!line.startsWith("a=candidate:")) {
                    continue;
                }
                for (int i = 0; i < 50; i++) {
                    String m = mutateChars(line, random);
                    try {
                        SdpCandidate.parse(m);
                    } catch (SdpParseException expected) {
                        // fine
                    }
                }
            }
        }
    }

    private static final String INTERESTING = " :/=;,~*-\r\n\t\u0000\u00ff\u2028\ud83d";

    static String mutate(String s, Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return s.substring(0, r.nextInt(s.length() + 1));
            case 1:
            case 2:
                return mutateChars(s, r);
            case 3: {
                List<String> lines = new ArrayList<>(List.of(s.split("\r\n", -1)));
                int ops = 1 + r.nextInt(3);
                for (int k = 0; k < ops && lines.size() > 1; k++) {
                    int a = r.nextInt(lines.size());
                    int b = r.nextInt(lines.size());
                    switch (r.nextInt(3)) {
                        case 0: lines.remove(a); break;
                        case 1: lines.add(b, lines.get(a)); break;
                        default: String t = lines.get(a); lines.set(a, lines.get(b)); lines.set(b, t); break;
                    }
                }
                return String.join(r.nextBoolean() ? "\r\n" : "\n", lines);
            }
            case 4: {
                String other = SdpVectors.load(SdpVectors.NAMES.get(r.nextInt(SdpVectors.NAMES.size())));
                int cut = r.nextInt(s.length() + 1);
                int from = r.nextInt(other.length() + 1);
                return s.substring(0, cut) + other.substring(from);
            }
            default: {
                // replace a number with an extreme one
                String[] numbers = {"0", "-1", "65536", "4294967296", "99999999999999999999", "007", "128", ""};
                int at = r.nextInt(s.length());
                int start = at;
                while (start < s.length() && !Character.isDigit(s.charAt(start))) {
                    start++;
                }
                int end = start;
                while (end < s.length() && Character.isDigit(s.charAt(end))) {
                    end++;
                }
                return s.substring(0, start) + numbers[r.nextInt(numbers.length)] + s.substring(end);
            }
        }
    }

    static String mutateChars(String s, Random r) {
        StringBuilder b = new StringBuilder(s);
        int flips = 1 + r.nextInt(4);
        for (int k = 0; k < flips && b.length() > 0; k++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(4)) {
                case 0: b.setCharAt(at, (char) (b.charAt(at) ^ (1 << r.nextInt(8)))); break;
                case 1: b.setCharAt(at, INTERESTING.charAt(r.nextInt(INTERESTING.length()))); break;
                case 2: b.deleteCharAt(at); break;
                default: b.insert(at, INTERESTING.charAt(r.nextInt(INTERESTING.length()))); break;
            }
        }
        return b.toString();
    }
}
