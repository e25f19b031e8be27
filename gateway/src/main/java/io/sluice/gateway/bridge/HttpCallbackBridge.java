package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.ManagedPeer;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCDataChannelState;
import io.sluice.peer.api.error.InvalidAccessError;
import io.sluice.peer.api.error.SyntaxError;
import io.sluice.peer.api.error.TypeError;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * {@code http}: every message on a bridged channel is POSTed to the declaration's {@code url}, one
 * at a time per channel (order kept), signed with the peer owner's secret over the body and every
 * {@code X-Sluice-*} header ({@link CallbackSigner}). A 2xx answer's body, if any, goes back on the channel. Failures
 * are retried with exponential backoff and jitter; a message that still fails after
 * {@code max-attempts} becomes a {@code deadletter} event on the peer's stream (with its payload), and
 * the next message goes; with Kafka on, it also goes to the dead-letter topic. While {@code queue} messages wait, the channel's reading is paused, so a
 * slow or dead target holds the remote sender back through SCTP flow control instead of buffering
 * without bound. Callback URLs resolving to loopback, link-local, private or other refused addresses
 * are refused unless allowed ({@code allowed-hosts}), when declared and again on every new
 * connection, which goes to the address checked ({@link CallbackTargets}, {@link CallbackClient}).
 * With {@code events: true}, the peer's events are POSTed
 * to the url as CloudEvents.
 */
@Component
@EnableConfigurationProperties(HttpBridgeProperties.class)
public class HttpCallbackBridge implements Bridge, DisposableBean {

    /** Unsent reply bytes on a channel above which no further callback is posted. */
    static final long REPLY_HIGH_WATER = 1024L * 1024;

    /** Content types of the callbacks, spelled as they go on the wire (and are signed). */
    static final String TEXT = "text/plain; charset=UTF-8";
    static final String BINARY = "application/octet-stream";
    static final String BATCH = "application/vnd.sluice.batch+json";

    private final HttpBridgeProperties properties;
    private final CallbackTargets targets;
    private final CallbackClient http;
    private final CallbackSigner signer;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-http-bridge");
        t.setDaemon(true);
        return t;
    });

    private final org.springframework.beans.factory.ObjectProvider<io.sluice.gateway.kafka.KafkaService> kafka;

    private final tools.jackson.databind.ObjectMapper json;
    private final String instance = CloudEvents.instanceName("");

    public HttpCallbackBridge(HttpBridgeProperties properties,
            org.springframework.beans.factory.ObjectProvider<io.sluice.gateway.kafka.KafkaService> kafka,
            tools.jackson.databind.ObjectMapper json, io.micrometer.core.instrument.MeterRegistry meters,
            org.springframework.beans.factory.ObjectProvider<CallbackResolver> resolver) {
        this.properties = properties;
        this.kafka = kafka;
        this.json = json;
        this.requestsOk = requests(meters, "ok");
        this.requestsRetried = requests(meters, "retried");
        this.requestsFailed = requests(meters, "failed");
        this.delivered = io.micrometer.core.instrument.Counter.builder("sluice.bridge.http.messages")
                .tag("outcome", "delivered").description("Channel messages a callback took (2xx)").register(meters);
        this.deadLettered = io.micrometer.core.instrument.Counter.builder("sluice.bridge.http.messages")
                .tag("outcome", "deadletter").description("Channel messages given up after max-attempts")
                .register(meters);
        this.targets = new CallbackTargets(properties.allowedHosts(), resolver.getIfAvailable(() -> CallbackResolver.SYSTEM));
        this.http = new CallbackClient(targets, properties.timeout(), properties.maxReplyBytes().toBytes(), timers);
        this.signer = new CallbackSigner(properties.secret());
    }

    private final io.micrometer.core.instrument.Counter requestsOk;
    private final io.micrometer.core.instrument.Counter requestsRetried;
    private final io.micrometer.core.instrument.Counter requestsFailed;
    private final io.micrometer.core.instrument.Counter delivered;
    private final io.micrometer.core.instrument.Counter deadLettered;

    private static io.micrometer.core.instrument.Counter requests(io.micrometer.core.instrument.MeterRegistry m,
            String outcome) {
        return io.micrometer.core.instrument.Counter.builder("sluice.bridge.http.requests").tag("outcome", outcome)
                .description("Callback requests (ok: 2xx; retried: failed and tried again; failed: the last try failed)")
                .register(m);
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void validate(Map<String, String> options) {
        Bridge.onlyOptions(name(), options, "url", "batch");
        if (properties.secret().isEmpty()) {
            throw new InvalidAccessError("the http bridge has no secret configured (sluice.bridges.http.secret)");
        }
        URI uri = parse(options.get("url"));
        checkTarget(uri);
        String batch = options.get("batch");
        if (batch != null) {
            int n;
            try {
                n = Integer.parseInt(batch);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > 1000) {
                throw new TypeError("batch must be 1..1000 messages, got " + batch);
            }
        }
    }

    private static URI parse(String url) {
        if (url == null) {
            throw new TypeError("the http bridge needs a url");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SyntaxError("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new SyntaxError("callback URLs are http(s)://host[:port]/...: " + url);
        }
        return uri;
    }

    /** Refuses targets in the refused ranges unless allowed: callbacks must not reach inside. */
    void checkTarget(URI uri) {
        try {
            targets.resolve(uri.getHost(), CallbackTargets.port(uri));
        } catch (CallbackTargets.Refused e) {
            throw new InvalidAccessError("callback URL " + uri + " refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new InvalidAccessError("callback host does not resolve: " + uri.getHost());
        }
    }

    /**
     * The secret that signs the callbacks of {@code owner}'s peers (null: a gateway without API
     * keys); only that owner is given it ({@code GET /v1/bridges/http/signing-secret}).
     */
    public String signingSecret(String owner) {
        if (properties.secret().isEmpty()) {
            throw new InvalidAccessError("the http bridge has no secret configured (sluice.bridges.http.secret)");
        }
        return signer.secretOf(owner);
    }

    @Override
    public void attach(ManagedPeer peer, String channelId, RTCDataChannel channel, Map<String, String> options) {
        Link link = new Link(peer, channelId, channel, parse(options.get("url")), batchSize(options));
        channel.addListener(Bridge.payloads(link::offer));
    }

    private static int batchSize(Map<String, String> options) {
        String b = options.get("batch");
        return b == null ? 1 : Integer.parseInt(b);
    }

    /** A message waiting for its callback, numbered per channel. */
    private record Pending(boolean binary, byte[] payload, long seq) {
    }

    /**
     * One channel's ordered delivery: a queue and at most one request in flight, carrying one
     * message, or with {@code batch} up to that many of those waiting.
     */
    private final class Link {
        private final ManagedPeer peer;
        private final String channelId;
        private final RTCDataChannel channel;
        private final URI uri;
        private final int batch;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean busy;
        private int inFlight;
        private long seq;

        Link(ManagedPeer peer, String channelId, RTCDataChannel channel, URI uri, int batch) {
            this.peer = peer;
            this.channelId = channelId;
            this.channel = channel;
            this.uri = uri;
            this.batch = batch;
        }

        synchronized void offer(boolean binary, byte[] payload) {
            queue.add(new Pending(binary, payload, ++seq));
            if (queue.size() >= properties.queue()) {
                channel.pauseReading();
            }
            if (!busy) {
                busy = true;
                sendNext();
            }
        }

        /** Called with the lock held: sends the head of the queue. */
        private void sendNext() {
            if (batch == 1) {
                inFlight = 1;
                send(queue.peek());
                return;
            }
            java.util.List<Pending> ps = new java.util.ArrayList<>();
            for (Pending p : queue) {
                if (ps.size() == batch) {
                    break;
                }
                ps.add(p);
            }
            inFlight = ps.size();
            sendBatch(ps);
        }

        /**
         * A batch: {@code application/vnd.sluice.batch+json}, {@code {"messages": [{"seq", "binary",
         * "data"}]}} (binary data in base64), X-Sluice-Seq the first one's number, X-Sluice-Count how many.
         */
        private void sendBatch(java.util.List<Pending> ps) {
            java.util.List<Map<String, Object>> messages = new java.util.ArrayList<>();
            for (Pending p : ps) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seq", p.seq());
                m.put("binary", p.binary());
                m.put("data", p.binary() ? Base64.getEncoder().encodeToString(p.payload())
                        : new String(p.payload(), StandardCharsets.UTF_8));
                messages.add(m);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", BATCH);
            headers.put("X-Sluice-Peer", peer.id());
            headers.put("X-Sluice-Channel", channelId);
            headers.put("X-Sluice-Label", CallbackSigner.encodeLabel(channel.label()));
            headers.put("X-Sluice-Seq", Long.toString(ps.get(0).seq()));
            headers.put("X-Sluice-Count", Integer.toString(ps.size()));
            headers.put("X-Sluice-Delivery", UUID.randomUUID().toString());
            post(peer.owner(), uri, headers, json.writeValueAsBytes(Map.of("messages", messages)), 1,
                    (r, failure, attempts) -> {
                if (failure == null) {
                    delivered.increment(ps.size());
                    reply(r);
                } else {
                    for (Pending p : ps) {
                        deadLetter(p, failure, attempts);
                    }
                }
                nextOnceDrained();
            });
        }

        private void deadLetter(Pending p, String failure, int attempts) {
            deadLettered.increment();
            Map<String, Object> dead = new LinkedHashMap<>();
            dead.put("channelId", channelId);
            dead.put("label", channel.label());
            dead.put("seq", p.seq());
            dead.put("attempts", attempts);
            dead.put("reason", failure);
            dead.put("binary", p.binary());
            dead.put("data", p.binary() ? Base64.getEncoder().encodeToString(p.payload())
                    : new String(p.payload(), StandardCharsets.UTF_8));
            peer.publish("deadletter", dead);
            deadLetterToKafka(p, p.seq(), failure);
        }

        private void send(Pending p) {
            long n = p.seq();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", p.binary() ? BINARY : TEXT);
            headers.put("X-Sluice-Peer", peer.id());
            headers.put("X-Sluice-Channel", channelId);
            headers.put("X-Sluice-Label", CallbackSigner.encodeLabel(channel.label()));
            headers.put("X-Sluice-Type", p.binary() ? "binary" : "text");
            headers.put("X-Sluice-Seq", Long.toString(n));
            headers.put("X-Sluice-Delivery", UUID.randomUUID().toString());
            post(peer.owner(), uri, headers, p.payload(), 1, (r, failure, attempts) -> {
                if (failure == null) {
                    delivered.increment();
                    reply(r);
                } else {
                    deadLetter(p, failure, attempts);
                }
                nextOnceDrained();
            });
        }

        /** With Kafka on, the dead letter also goes to the dead-letter topic (the event says it either way). */
        private void deadLetterToKafka(Pending p, long n, String reason) {
            io.sluice.gateway.kafka.KafkaService k = kafka.getIfAvailable();
            if (k == null) {
                return;
            }
            var h = new org.apache.kafka.common.header.internals.RecordHeaders();
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.PEER, peer.id());
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.CHANNEL, channelId);
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.LABEL, channel.label());
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.TYPE,
                    p.binary() ? "binary" : "text");
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.SEQ, Long.toString(n));
            io.sluice.gateway.kafka.SluiceHeaders.put(h, io.sluice.gateway.kafka.SluiceHeaders.ERROR,
                    "callback " + uri + ": " + reason);
            k.send(new org.apache.kafka.clients.producer.ProducerRecord<>(k.properties().topics().deadLetter(), null,
                    peer.id(), p.payload(), h), (md, e) -> {
                        if (e != null) {
                            org.slf4j.LoggerFactory.getLogger(HttpCallbackBridge.class).error(
                                    "dead letter of peer {} channel {} seq {} not written to Kafka: {}", peer.id(),
                                    channelId, n, e.toString());
                        }
                    });
        }

        /**
         * The next callback goes out once the channel has room again: while replies wait to be sent
         * to the remote, no further message is posted, the queue fills and the channel's reading
         * pauses, so a remote that sends faster than it reads its replies is held back.
         */
        private void nextOnceDrained() {
            if (channel.bufferedAmount() > REPLY_HIGH_WATER) {
                channel.bufferedAmountAtMost(REPLY_HIGH_WATER / 2).thenRun(this::next);
            } else {
                next();
            }
        }

        private void reply(LimitedBody.Reply r) {
            if (r.tooLarge()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("channelId", channelId);
                m.put("target", "http");
                m.put("reason", "the callback's reply is larger than " + properties.maxReplyBytes().toBytes()
                        + " bytes (sluice.bridges.http.max-reply-bytes); not sent on the channel");
                peer.publish("bridgeerror", m);
                return;
            }
            byte[] body = r.bytes();
            if (body == null || body.length == 0 || channel.readyState() != RTCDataChannelState.OPEN) {
                return;
            }
            String type = r.contentType().toLowerCase(Locale.ROOT);
            try {
                if (type.startsWith("text/") || type.contains("json")) {
                    channel.send(new String(body, StandardCharsets.UTF_8));
                } else {
                    channel.send(body);
                }
                peer.sent(body.length);
            } catch (RuntimeException ex) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("channelId", channelId);
                m.put("reason", "reply not sent: " + ex.getMessage());
                peer.publish("bridgeerror", m);
            }
        }

        private synchronized void next() {
            for (int i = 0; i < inFlight; i++) {
                queue.poll();
            }
            if (channel.readingPaused() && queue.size() <= properties.queue() / 2) {
                channel.resumeReading();
            }
            if (queue.isEmpty()) {
                busy = false;
            } else {
                sendNext();
            }
        }
    }

    /** How a delivery ended: the 2xx response, or why it failed (after {@code attempts} tries). */
    @FunctionalInterface
    private interface Outcome {
        void done(LimitedBody.Reply response, String failure, int attempts);
    }

    /**
     * POSTs {@code body}, signed for {@code owner}, retrying failures with exponential backoff and
     * jitter up to {@code max-attempts}; {@code outcome} runs once, on an HTTP client or timer
     * thread. Each try has a new timestamp and signature and the same {@code X-Sluice-Delivery}.
     */
    private void post(String owner, URI uri, Map<String, String> headers, byte[] body, int attempt,
            Outcome outcome) {
        Map<String, String> signed = new LinkedHashMap<>(headers);
        signed.put("X-Sluice-Timestamp", Long.toString(System.currentTimeMillis()));
        java.util.concurrent.CompletableFuture<LimitedBody.Reply> exchange;
        try {
            signed.put(CallbackSigner.SIGNATURE_HEADER, signer.sign(owner, signed, body));
            exchange = http.post(uri, signed, body);
        } catch (RuntimeException e) {
            exchange = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        exchange.whenComplete((r, e) -> {
            if (e == null && r.ok()) {
                requestsOk.increment();
                outcome.done(r, null, attempt);
            } else if (attempt < properties.maxAttempts()) {
                requestsRetried.increment();
                long base = Math.min(properties.maxBackoff().toMillis(),
                        properties.initialBackoff().toMillis() << Math.min(20, attempt - 1));
                long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
                try {
                    timers.schedule(() -> post(owner, uri, headers, body, attempt + 1, outcome), delay,
                            TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    outcome.done(null, "the gateway is shutting down", attempt);
                }
            } else {
                requestsFailed.increment();
                outcome.done(null, e != null ? reason(e) : "HTTP " + r.status(), attempt);
            }
        });
    }

    private static String reason(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.toString();
    }

    @Override
    public boolean carriesEvents() {
        return true;
    }

    /**
     * The peer's events (except messages) as structured-mode CloudEvents POSTed to the
     * declaration's url, one at a time, in order. Events cannot be held back at their source, so
     * the queue is bounded ({@code event-queue}): a target that falls that far behind stops
     * receiving them, and a {@code bridgeerror} event says from which sequence number on.
     */
    @Override
    public void attachEvents(ManagedPeer peer, Map<String, String> options) {
        EventLink link = new EventLink(peer, parse(options.get("url")));
        link.unsubscribe = peer.events().subscribe(0, link::offer);
    }

    private final class EventLink {
        private final ManagedPeer peer;
        private final URI uri;
        private final ArrayDeque<io.sluice.gateway.peers.PeerEvent> queue = new ArrayDeque<>();
        private boolean busy;
        private boolean overflowed;
        volatile Runnable unsubscribe;

        EventLink(ManagedPeer peer, URI uri) {
            this.peer = peer;
            this.uri = uri;
        }

        synchronized void offer(io.sluice.gateway.peers.PeerEvent e) {
            if (overflowed || "message".equals(e.type()) || Boolean.TRUE.equals(e.data().get("eventsLink"))) {
                return;
            }
            if (queue.size() >= properties.eventQueue()) {
                overflowed = true;
                if (unsubscribe != null) {
                    unsubscribe.run();
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", "http");
                m.put("eventsLink", true);
                m.put("reason", "the events callback " + uri + " fell " + queue.size()
                        + " events behind; events from seq " + e.seq() + " on are not delivered to it");
                peer.publish("bridgeerror", m);
                return;
            }
            queue.add(e);
            if (!busy) {
                busy = true;
                post(queue.peek());
            }
        }

        private void post(io.sluice.gateway.peers.PeerEvent e) {
            byte[] body = json.writeValueAsBytes(CloudEvents.envelope(instance, e));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", CloudEvents.CONTENT_TYPE);
            headers.put("X-Sluice-Peer", peer.id());
            headers.put("X-Sluice-Seq", Long.toString(e.seq()));
            headers.put("X-Sluice-Delivery", UUID.randomUUID().toString());
            HttpCallbackBridge.this.post(peer.owner(), uri, headers, body, 1, (r, failure, attempts) -> {
                if (failure != null) {
                    Map<String, Object> dead = new LinkedHashMap<>();
                    dead.put("target", "http");
                    dead.put("eventsLink", true);
                    dead.put("eventSeq", e.seq());
                    dead.put("attempts", attempts);
                    dead.put("reason", failure);
                    peer.publish("deadletter", dead);
                }
                next();
            });
        }

        private synchronized void next() {
            queue.poll();
            io.sluice.gateway.peers.PeerEvent e = queue.peek();
            if (e == null) {
                busy = false;
            } else {
                post(e);
            }
        }
    }

    @Override
    public void destroy() {
        timers.shutdownNow();
        http.close();
    }
}
