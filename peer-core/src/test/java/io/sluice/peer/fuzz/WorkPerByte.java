package io.sluice.peer.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Looks for algorithmic blow-ups in a parser: a fuzz input {@code [p][u] prefix unit suffix} (the
 * first two bytes give the lengths of prefix and unit) becomes two inputs, prefix + unit x n +
 * suffix and the same with 8n units, as large as the parser's input may be. The parser's CPU time
 * per input byte on the large one may be at most {@link #FACTOR} times that on the small one. A
 * linear parser stays near 1; a quadratic one is 8 times slower per byte.
 *
 * <p>Only runs where the large input took at least {@link #JUDGED_NANOS} of CPU are judged: below
 * that the clock says nothing, and a parser that does so little work on its largest input has no
 * blow-up worth the name. Thread CPU time, minimum of three runs each, after a warm-up run.
 */
public final class WorkPerByte {

    public static final double FACTOR = 4.0;
    public static final long JUDGED_NANOS = 5_000_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private WorkPerByte() {
    }

    /** The small and large inputs built from {@code data}, or null if it has no unit to repeat. */
    public static byte[][] inputs(byte[] data, int maxBytes) {
        if (data.length < 3) {
            return null;
        }
        int p = Math.min(data[0] & 0xff, data.length - 2);
        int u = Math.min(data[1] & 0xff, data.length - 2 - p);
        if (u == 0) {
            return null;
        }
        byte[] prefix = Arrays.copyOfRange(data, 2, 2 + p);
        byte[] unit = Arrays.copyOfRange(data, 2 + p, 2 + p + u);
        byte[] suffix = Arrays.copyOfRange(data, 2 + p + u, data.length);
        int n = (maxBytes - prefix.length - suffix.length) / (8 * unit.length);
        if (n < 1) {
            return null;
        }
        return new byte[][] {build(prefix, unit, n, suffix), build(prefix, unit, 8 * n, suffix)};
    }

    private static byte[] build(byte[] prefix, byte[] unit, int n, byte[] suffix) {
        byte[] out = new byte[prefix.length + unit.length * n + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        for (int i = 0; i < n; i++) {
            System.arraycopy(unit, 0, out, prefix.length + i * unit.length, unit.length);
        }
        System.arraycopy(suffix, 0, out, out.length - suffix.length, suffix.length);
        return out;
    }

    /**
     * Runs {@code parse} on both inputs built from {@code data} and fails if the large one costs
     * more than {@link #FACTOR} times as much per byte. {@code parse} handles its own expected
     * exceptions.
     */
    public static void check(String what, byte[] data, int maxBytes, Consumer<byte[]> parse) {
        byte[][] in = inputs(data, maxBytes);
        if (in == null) {
            return;
        }
        parse.accept(in[1]);
        long small = Long.MAX_VALUE;
        long large = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            small = Math.min(small, cpu(parse, in[0]));
            large = Math.min(large, cpu(parse, in[1]));
        }
        if (large < JUDGED_NANOS) {
            return;
        }
        double perByteSmall = (double) Math.max(small, 1) / in[0].length;
        double perByteLarge = (double) large / in[1].length;
        if (perByteLarge > FACTOR * perByteSmall) {
            String head = new String(in[0], 0, Math.min(80, in[0].length), java.nio.charset.StandardCharsets.ISO_8859_1);
            throw new AssertionError(String.format("%s: %.1f ns per byte at %d bytes but %.1f at %d bytes (input %s...)",
                    what, perByteSmall, in[0].length, perByteLarge, in[1].length, head));
        }
    }

    private static long cpu(Consumer<byte[]> parse, byte[] input) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        parse.accept(input);
        return THREADS.getCurrentThreadCpuTime() - t0;
    }
}
