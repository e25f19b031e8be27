package io.sluice.gateway.testing;

import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.net.NetworkRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real peers making events for event subscribers: one "flood" peer whose remote sends 32 KiB text
 * messages as fast as its channel takes them (each one a {@code message} event), and "ping" peers
 * whose remotes send their send time every 50 ms. A reading subscriber (WebSocket or SSE, like the
 * stalled one a test adds) takes the ping peers' events and records how late each arrives.
 * Remotes run on a loop of their own; the gateway's peers are spread over its loops in turn, so
 * with two or more ping peers one shares the flood peer's loop.
 */
public final class EventFanout implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How a subscriber takes events. */
    public enum Kind { WEBSOCKET, SSE }

    private final int port;
    private final NetworkRuntime remotes = NetworkRuntime.create(1, 2);
    public final RemotePeer flood;
    public final List<RemotePeer> pings = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> subscribers = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong maxLateNanos = new AtomicLong();
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> lateNanos =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final long pingEveryMillis;
    private final AtomicLong lastArrival = new AtomicLong(System.nanoTime());
    /** Flood messages the remote had sent. */
    public final AtomicLong floodSent = new AtomicLong();
    /** Pings the remotes sent since the last take. */
    private final AtomicLong pingsSent = new AtomicLong();

    public EventFanout(int port, int pingPeers) throws Exception {
        this(port, pingPeers, 50);
    }

    /** With each ping peer's remote sending every {@code pingEveryMillis}. */
    public EventFanout(int port, int pingPeers, long pingEveryMillis) throws Exception {
        this.port = port;
        this.pingEveryMillis = pingEveryMillis;
        PeerConnectionSettings s = PeerConnectionSettings.defaults().withRuntime(remotes);
        flood = RemotePeer.connect(port, "{}", s, "flood");
        for (int i = 0; i < pingPeers; i++) {
            pings.add(RemotePeer.connect(port, "{}", s, "ping"));
        }
    }

    /** The reading subscriber for every ping peer. */
    public void subscribe(Kind kind) throws Exception {
        if (kind == Kind.WEBSOCKET) {
            WebSocket ws = TextSocket.open(port, text -> {
                JsonNode m = JSON.readTree(text);
                if ("message".equals(m.path("event").asString(""))) {
                    arrived(m.path("data").asString(""));
                }
            });
            int id = 0;
            for (RemotePeer p : pings) {
                ws.sendText("{\"id\":\"" + (++id) + "\",\"op\":\"subscribe\",\"peerId\":\"" + p.peerId + "\"}", true)
                        .get(5, TimeUnit.SECONDS);
            }
            subscribers.add(() -> ws.abort());
        } else {
            HttpClient http = HttpClient.newHttpClient();
            for (RemotePeer p : pings) {
                HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/peers/" + p.peerId + "/events")).build(),
                        HttpResponse.BodyHandlers.ofLines());
                Thread t = new Thread(() -> r.body().forEach(line -> {
                    if (line.startsWith("data:") && line.contains("\"type\":\"message\"")) {
                        arrived(JSON.readTree(line.substring(5)).path("data").asString(""));
                    }
                }), "sse-reader");
                t.setDaemon(true);
                t.start();
                subscribers.add(() -> r.body().close());
            }
        }
    }

    private void arrived(String data) {
        if (data.startsWith("ping:")) {
            long late = System.nanoTime() - Long.parseLong(data.substring(5));
            received.incrementAndGet();
            lastArrival.set(System.nanoTime());
            maxLateNanos.accumulateAndGet(late, Math::max);
            lateNanos.add(late);
        }
    }

    /** Milliseconds since the reading subscriber last got a ping event (or since the pings started). */
    public long silentMillis() {
        return (System.nanoTime() - lastArrival.get()) / 1_000_000;
    }

    /** Starts the flood and the pings. */
    public void start(boolean withFlood) {
        lastArrival.set(System.nanoTime());
        if (withFlood) {
            RTCDataChannel ch = flood.channel("flood");
            String chunk = "f".repeat(32 * 1024);
            threads.add(loop("flood", () -> {
                if (ch.bufferedAmount() < (1 << 20)) {
                    ch.send(chunk);
                    floodSent.incrementAndGet();
                } else {
                    sleep(1);
                }
            }));
        }
        threads.add(loop("pings", () -> {
            for (RemotePeer p : pings) {
                p.channel("ping").send("ping:" + System.nanoTime());
                pingsSent.incrementAndGet();
            }
            sleep(pingEveryMillis);
        }));
    }

    private Thread loop(String name, Runnable step) {
        Thread t = new Thread(() -> {
            while (running) {
                step.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ping events the reading subscriber got, and the latest one arrived after (ms); both reset. */
    public long[] takeFigures() {
        lateNanos.clear();
        return new long[] {received.getAndSet(0), maxLateNanos.getAndSet(0) / 1_000_000};
    }

    /** Pings sent since the last take; resets. */
    public long takePingsSent() {
        return pingsSent.getAndSet(0);
    }

    /** How late each ping event arrived since the last take (ms, sorted); resets the figures. */
    public double[] takeLatencies() {
        double[] ms = lateNanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        lateNanos.clear();
        received.set(0);
        maxLateNanos.set(0);
        return ms;
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread t : threads) {
            t.join(2000);
        }
        for (AutoCloseable c : subscribers) {
            c.close();
        }
        flood.close();
        for (RemotePeer p : pings) {
            p.close();
        }
        remotes.close();
    }
}
