package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.testing.LoopbackRemote;
import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelInit;
import io.sluice.peer.api.RTCSessionDescription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The loopback bridge under a saturating sender: a peer-core remote connects through the one-call
 * form and sends as fast as its own flow control allows (it waits above 1 MiB of bufferedAmount
 * until 256 KiB), which is far faster than any remote a test harness can pace. Every echo must come
 * back complete and in order, and the gateway must not report a single failed echo. The remote
 * also starts without reading its echoes, so that it sends far faster than it reads: the gateway
 * must hold it back rather than buffer or drop.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"sluice.ice.loopback=true", "sluice.ice.addresses=127.0.0.1",
    "sluice.limits.requests-per-second=0", "sluice.timeouts.drain=1s"})
@Timeout(180)
class LoopbackBridgeLoadTest {

    private static final long PAUSE_ABOVE = 1024 * 1024;
    private static final long RESUME_AT = 256 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** Message {@code i} of a run: its size, kind and bytes all follow from {@code i} and the seed. */
    record Message(boolean binary, byte[] payload) {
        static Message of(long seed, int i, int size) {
            Random r = new Random(seed * 1_000_003 + i);
            boolean binary = r.nextBoolean();
            byte[] p = new byte[size];
            if (binary) {
                r.nextBytes(p);
            } else {
                for (int k = 0; k < size; k++) {
                    p[k] = (byte) ('a' + r.nextInt(26));
                }
            }
            if (size >= 4) {
                p[0] = (byte) (i >>> 24);
                p[1] = (byte) (i >>> 16);
                p[2] = (byte) (i >>> 8);
                p[3] = (byte) i;
                if (!binary) {
                    for (int k = 0; k < 4; k++) {
                        p[k] = (byte) ('A' + (p[k] & 0x0f));
                    }
                }
            }
            return new Message(binary, p);
        }
    }

    /** What came back: compared against the expected sequence as it arrives (on the remote's loop). */
    static final class Checker implements DataChannelListener {
        private final List<Message> expected;
        private final boolean ordered;
        private final boolean[] seen;
        final AtomicLong received = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Void> all = new CompletableFuture<>();
        private int next;

        private final boolean lossAllowed;

        Checker(List<Message> expected, boolean ordered, boolean lossAllowed) {
            this.expected = expected;
            this.ordered = ordered;
            this.lossAllowed = lossAllowed;
            this.seen = new boolean[expected.size()];
        }

        @Override
        public void onMessage(String text) {
            check(false, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void onMessage(byte[] data) {
            check(true, data);
        }

        private void check(boolean binary, byte[] data) {
            int index;
            if (!ordered) {
                index = find(binary, data);
            } else if (lossAllowed) {
                // A partially reliable channel may skip abandoned messages, never reorder or corrupt.
                index = findFrom(next, binary, data);
                if (index >= 0) {
                    next = index + 1;
                }
            } else {
                index = next++;
            }
            if (index < 0 || index >= expected.size()) {
                problems.add("unexpected echo of " + data.length + " bytes");
            } else {
                Message m = expected.get(index);
                if (m.binary() != binary || !Arrays.equals(m.payload(), data)) {
                    problems.add("echo " + index + " differs: " + data.length + " bytes, binary " + binary
                            + "; expected " + m.payload().length + " bytes, binary " + m.binary());
                } else if (seen[index]) {
                    problems.add("echo " + index + " twice");
                }
                seen[index] = true;
            }
            bytes.addAndGet(data.length);
            if (received.incrementAndGet() == expected.size()) {
                all.complete(null);
            }
        }

        /** An unordered echo: the message it is by its content (the first 4 bytes carry the index). */
        private int find(boolean binary, byte[] data) {
            return findFrom(0, binary, data);
        }

        private int findFrom(int from, boolean binary, byte[] data) {
            for (int i = from; i < expected.size(); i++) {
                if (!seen[i] && expected.get(i).binary() == binary && Arrays.equals(expected.get(i).payload(), data)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private RTCDataChannel connect(LoopbackRemote remote, RTCDataChannelInit init, Checker checker) throws Exception {
        RTCDataChannel ch = remote.pc.createDataChannel("bench", init, c -> checker);
        String offer = remote.completeOffer(false);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/whip?bridge=loopback"))
                .header("Content-Type", "application/sdp").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        remote.pc.setRemoteDescription(RTCSessionDescription.answer(r.body())).get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> open = new CompletableFuture<>();
        ch.addListener(new DataChannelListener() {
            @Override
            public void onOpen() {
                open.complete(null);
            }
        });
        if (ch.readyState() != io.sluice.peer.api.RTCDataChannelState.OPEN) {
            open.get(20, TimeUnit.SECONDS);
        }
        return ch;
    }

    /**
     * Sends every message as fast as bufferedAmount allows. A remote that starts with its reading
     * paused sends faster than it reads: it resumes reading only once the gateway has held its
     * sender back for a second, which the gateway does only if it pushes back instead of buffering
     * (or dropping) echoes without bound.
     */
    private static void saturate(RTCDataChannel ch, List<Message> messages) throws Exception {
        for (Message m : messages) {
            if (ch.bufferedAmount() > PAUSE_ABOVE) {
                CompletableFuture<Void> room = ch.bufferedAmountAtMost(RESUME_AT);
                if (ch.readingPaused()) {
                    try {
                        room.get(1, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException held) {
                        ch.resumeReading();
                    }
                }
                room.get(60, TimeUnit.SECONDS);
            }
            if (m.binary()) {
                ch.send(m.payload());
            } else {
                ch.send(new String(m.payload(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Autowired
    io.sluice.gateway.peers.PeerRegistry registry;

    private double bridgeErrors() {
        return meters.find("sluice.listener.failures").counter().count();
    }

    private void echo(RTCDataChannelInit init, List<Message> messages, boolean ordered) throws Exception {
        echo(init, messages, ordered, false);
    }

    private void echo(RTCDataChannelInit init, List<Message> messages, boolean ordered, boolean slowReader)
            throws Exception {
        boolean partial = init != null && (init.maxRetransmits() != null || init.maxPacketLifeTime() != null);
        if (partial) {
            partiallyReliableEcho(init, messages);
            return;
        }
        Checker checker = new Checker(messages, ordered, false);
        try (LoopbackRemote remote = new LoopbackRemote()) {
            RTCDataChannel ch = connect(remote, init, checker);
            if (slowReader) {
                ch.pauseReading();
            }
            saturate(ch, messages);
            if (ch.readingPaused()) {
                throw new AssertionError("the gateway never held the sender back: it took every message while the"
                        + " remote read none of its echoes");
            }
            checker.all.get(120, TimeUnit.SECONDS);
            assertThat(checker.problems).as("%d problems", checker.problems.size()).isEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            List<String> problems = List.copyOf(checker.problems);
            throw new AssertionError("only " + checker.received.get() + " of " + messages.size()
                    + " echoes came back; " + problems.size() + " problems, the first: "
                    + problems.subList(0, Math.min(5, problems.size())), e);
        }
    }

    /**
     * A partially reliable channel may give up a message (RFC 3758) when its limit passes before it
     * was acknowledged, e.g. when a loaded machine delays the SACKs past the retransmission timeout.
     * So: every echo that arrives is complete and in order, and each one missing is accounted for by
     * a message one of the two SCTP senders counted as abandoned; none goes missing silently.
     */
    private void partiallyReliableEcho(RTCDataChannelInit init, List<Message> messages) throws Exception {
        Checker checker = new Checker(messages, true, true);
        try (LoopbackRemote remote = new LoopbackRemote()) {
            RTCDataChannel ch = connect(remote, init, checker);
            saturate(ch, messages);
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // Wait until every echo is in, or until both ends are drained and nothing has arrived for 2 s.
            while (checker.received.get() < messages.size() && System.nanoTime() < deadline) {
                long now = checker.received.get();
                if (now == last && ch.bufferedAmount() == 0) {
                    break;
                }
                last = now;
                TimeUnit.SECONDS.sleep(2);
            }
            assertThat(checker.problems).as("%d problems", checker.problems.size()).isEmpty();
            long missing = messages.size() - checker.received.get();
            long abandoned = remote.pc.sctpStats().get(5, TimeUnit.SECONDS).messagesAbandoned();
            for (var p : registry.list(null)) {
                abandoned += p.pc().sctpStats().get(5, TimeUnit.SECONDS).messagesAbandoned();
            }
            assertThat(missing).as("echoes missing, against messages the SCTP senders abandoned").isLessThanOrEqualTo(
                    abandoned);
        }
    }

    private static List<Message> mixed(long seed, int count) {
        Random sizes = new Random(seed);
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = switch (i % 50) {
                case 0 -> 65536;
                case 1 -> 1;
                case 2 -> 65535;
                default -> 1 + sizes.nextInt(65536);
            };
            out.add(Message.of(seed, i, size));
        }
        return out;
    }

    @Test
    void everyEchoOfASaturatingMixedSenderComesBackInOrder() throws Exception {
        double before = bridgeErrors();
        echo(null, mixed(1, 1000), true, true);
        assertThat(bridgeErrors()).isEqualTo(before);
    }

    @Test
    void sixtyFourMebibytesComeBackByteForByte() throws Exception {
        List<Message> bulk = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            bulk.add(Message.of(2, i, 16384));
        }
        echo(null, bulk, true, true);
    }

    @Test
    void anUnorderedChannelLosesNothing() throws Exception {
        echo(new RTCDataChannelInit(false, null, null, null, null, null), mixed(3, 300), false);
    }

    @Test
    void aChannelWithoutRetransmissionsLosesNothingSilently() throws Exception {
        echo(new RTCDataChannelInit(true, null, 0, null, null, null), mixed(4, 300), true);
    }

    @Test
    void aChannelWithAPacketLifetimeLosesNothingSilently() throws Exception {
        echo(new RTCDataChannelInit(true, 5000, null, null, null, null), mixed(5, 300), true);
    }
}
