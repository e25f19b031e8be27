package io.sluice.peer.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.json.Json;

/**
 * Saturating senders and content verifiers for data channels, page side ({@code saturate.js},
 * {@code window.saturate}) and Java side. Every message is derived from its sequence number, so
 * the receiver regenerates what it expects and compares every byte without keeping what was sent:
 * see {@code saturate.js} for the format. {@link #binary(int, int)} is the Java twin of the page's
 * binary messages, so a browser and peer-core can check each other's bytes.
 *
 * <p>Page side (after {@link #install(ChromiumBrowser)}; all take a session name first):
 * {@code connectWhip(name, url, init)} (the one-call form: POST the complete offer, apply the
 * answer; returns {@code postMs}, {@code openMs}), {@code offer}/{@code accept} and
 * {@code answer(name, offer, 'echo'|'verify', spec)} between two browsers,
 * {@code run(name, spec)} (send the plan as fast as flow control allows and verify every echo),
 * {@code send}, {@code received}, {@code echoReport}, {@code close}.
 */
public final class Saturation {

    /** The sender pauses while {@code bufferedAmount} is above this... */
    public static final long HIGH = 1024 * 1024;
    /** ...and resumes at {@code bufferedamountlow} with this threshold. */
    public static final long LOW = 256 * 1024;

    private static final Json JSON = new Json();
    private static final String LIBRARY = load();

    private Saturation() {
    }

    /** Defines {@code window.saturate} in the browser's current page (again after each navigation). */
    public static void install(ChromiumBrowser browser) {
        browser.script(LIBRARY);
    }

    /** What {@code run}, {@code send} and {@code answer(..., 'verify', spec)} do. */
    public static final class Spec {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Spec(String kind) {
            values.put("kind", kind);
            values.put("high", HIGH);
            values.put("low", LOW);
            values.put("stallMs", 15_000);
            values.put("quietMs", 3_000);
        }

        /**
         * {@code count} messages, text and binary at random (seed), of 1..65536 bytes, with 0, 1,
         * 2, 3, 4, 65535 and 65536 bytes of both kinds among them.
         */
        public static Spec mixed(int count, int seed) {
            Spec s = new Spec("mixed");
            s.values.put("count", count);
            s.values.put("seed", seed);
            return s;
        }

        /** {@code total} bytes in binary messages of {@code size} bytes (the last one may be shorter). */
        public static Spec bulk(long total, int size) {
            Spec s = new Spec("bulk");
            s.values.put("total", total);
            s.values.put("size", size);
            return s;
        }

        /** For a channel created unordered: each message at most once, in any order. */
        public Spec unordered() {
            values.put("ordered", false);
            return this;
        }

        /** For a partially reliable channel: messages may be missing, none twice, none corrupted. */
        public Spec partial() {
            values.put("partial", true);
            return this;
        }

        /**
         * For an ordered channel created with {@code maxPacketLifeTime}: a missing message is
         * reported in {@code lostBeforeTheirLifetime} when a later one arrived sooner than
         * {@code lifetime} after it was sent (it was given up before its time).
         */
        public Spec lifetime(Duration lifetime) {
            values.put("partial", true);
            values.put("lifetimeMs", lifetime.toMillis());
            return this;
        }

        /** Pause above {@code high} bytes buffered, resume at {@code low}. */
        public Spec buffer(long high, long low) {
            values.put("high", high);
            values.put("low", low);
            return this;
        }

        /**
         * How long nothing may arrive after the last send before the run ends (what is missing
         * then is reported), and how long the sender waits for {@code bufferedamountlow}.
         */
        public Spec patience(Duration quiet, Duration stall) {
            values.put("quietMs", quiet.toMillis());
            values.put("stallMs", stall.toMillis());
            return this;
        }

        public Map<String, Object> toMap() {
            return values;
        }
    }

    /** A page's report, parsed; {@link #toString()} is its JSON for assertion messages. */
    public static final class Report {
        private final String json;
        private final Map<String, Object> values;

        @SuppressWarnings("unchecked")
        public Report(String json) {
            this.json = json;
            this.values = (Map<String, Object>) JSON.toType(json, Map.class);
        }

        public long number(String key) {
            Object v = values.get(key);
            if (!(v instanceof Number n)) {
                throw new IllegalStateException("no number " + key + " in " + json);
            }
            return n.longValue();
        }

        public double decimal(String key) {
            Object v = values.get(key);
            if (!(v instanceof Number n)) {
                throw new IllegalStateException("no number " + key + " in " + json);
            }
            return n.doubleValue();
        }

        public Object get(String key) {
            return values.get(key);
        }

        /** Everything expected arrived once, in order where required, and every byte matched. */
        public boolean complete() {
            return number("unique") == number("expected") && number("mismatches") == 0
                    && number("duplicates") == 0 && number("outOfOrder") == 0 && number("missing") == 0
                    && values.get("senderError") == null;
        }

        @Override
        public String toString() {
            return json;
        }
    }

    /** Runs {@code saturate.run} in the page: the saturating echo on session {@code name}. */
    public static Report run(ChromiumBrowser browser, String name, Spec spec, Duration timeout) {
        return new Report(browser.eval(timeout, "return await saturate.run(arguments[0], arguments[1]);", name,
                spec.toMap()));
    }

    /**
     * Datagrams the kernel dropped inside {@code ns} because a socket's receive buffer was full
     * ({@code RcvbufErrors} of the namespace's {@code /proc/net/snmp}): loss on a link that loses
     * nothing itself.
     */
    public static long receiveBufferDrops(NetNamespace ns) throws IOException {
        return rcvbufErrors(ns.exec("cat", "/proc/net/snmp"));
    }

    /** The same count for this JVM's own namespace (shared with every other program in it). */
    public static long receiveBufferDrops() throws IOException {
        return rcvbufErrors(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/snmp")));
    }

    private static long rcvbufErrors(String snmp) {
        List<String> udp = snmp.lines().filter(l -> l.startsWith("Udp:")).toList();
        List<String> names = List.of(udp.get(0).split("\\s+"));
        return Long.parseLong(udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
    }

    /** Message {@code seq} of a binary plan: the Java twin of {@code binary()} in {@code saturate.js}. */
    public static byte[] binary(int seq, int size) {
        byte[] b = new byte[size];
        int x = seq * 0x9E3779B1 + size;
        if (x == 0) {
            x = 1;
        }
        for (int k = 0; k < size; k++) {
            if ((k & 3) == 0) {
                x ^= x << 13;
                x ^= x >>> 17;
                x ^= x << 5;
            }
            b[k] = (byte) (x >>> ((k & 3) * 8));
        }
        if (size >= 4) {
            b[0] = (byte) (seq >>> 24);
            b[1] = (byte) (seq >>> 16);
            b[2] = (byte) (seq >>> 8);
            b[3] = (byte) seq;
        }
        return b;
    }

    /**
     * Checks binary messages of a bulk plan arriving on an ordered reliable channel: each must be
     * the next one, byte for byte. Thread-safe enough for one delivering thread plus readers.
     */
    public static final class OrderedVerifier {
        private final long total;
        private final int size;
        private final int count;
        private volatile int next;
        private volatile long verifiedBytes;
        private volatile double lastAt;
        private final List<String> problems = new ArrayList<>();

        public OrderedVerifier(long total, int size) {
            this.total = total;
            this.size = size;
            this.count = (int) ((total + size - 1) / size);
        }

        private int sizeOf(int seq) {
            return seq == count - 1 ? (int) (total - (long) (count - 1) * size) : size;
        }

        public void accept(byte[] data) {
            int seq = next;
            if (seq >= count) {
                problem("a message after the last one: " + data.length + " bytes");
                return;
            }
            byte[] want = binary(seq, sizeOf(seq));
            if (!java.util.Arrays.equals(data, want)) {
                int carried = data.length >= 4 ? ((data[0] & 0xff) << 24 | (data[1] & 0xff) << 16
                        | (data[2] & 0xff) << 8 | (data[3] & 0xff)) : -1;
                problem("#" + seq + ": expected " + want.length + " bytes, got " + data.length + " carrying #" + carried);
            } else {
                verifiedBytes += data.length;
            }
            next = seq + 1;
            java.time.Instant now = java.time.Instant.now();
            lastAt = now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
        }

        private synchronized void problem(String s) {
            if (problems.size() < 10) {
                problems.add(s);
            }
        }

        public boolean done() {
            return next >= count;
        }

        /** Bytes that arrived where and as expected. */
        public long verifiedBytes() {
            return verifiedBytes;
        }

        /** Wall-clock time of the last message, epoch ms (comparable with a page's times). */
        public double lastAtEpochMillis() {
            return lastAt;
        }

        public synchronized List<String> problems() {
            return List.copyOf(problems);
        }

        @Override
        public String toString() {
            return next + " of " + count + " messages, " + verifiedBytes + " bytes verified, problems " + problems();
        }
    }

    private static String load() {
        try (InputStream in = Saturation.class.getResourceAsStream("saturate.js")) {
            if (in == null) {
                throw new IllegalStateException("saturate.js missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
