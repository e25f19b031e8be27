package io.sluice.gateway.testing;

import io.sluice.peer.api.DataChannelListener;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.interop.Interop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A peer-core peer on loopback playing the remote (the browser's part) against a gateway peer made
 * through the REST API: the remote opens the given channels and offers; the gateway answers.
 * Messages the remote receives are queued per label, text as {@link String}, binary as byte[].
 */
public final class RemotePeer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String base;
    public final String peerId;
    public final RTCPeerConnection pc;
    public final Map<String, RTCDataChannel> channels = new java.util.concurrent.ConcurrentHashMap<>();
    public final Map<String, LinkedBlockingQueue<Object>> received = new java.util.concurrent.ConcurrentHashMap<>();

    private RemotePeer(String base, String peerId, RTCPeerConnection pc) {
        this.base = base;
        this.peerId = peerId;
        this.pc = pc;
    }

    /** Sends a request to the gateway; the body is JSON or nothing. */
    public static HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a gateway peer with {@code createBody} and connects a remote opening {@code labels}. */
    public static RemotePeer connect(int port, String createBody, String... labels) throws Exception {
        return connect(port, createBody, PeerConnectionSettings.defaults(), labels);
    }

    /** Same, the remote made with {@code settings} (a runtime of its own, ...), its addresses limited to loopback. */
    public static RemotePeer connect(int port, String createBody, PeerConnectionSettings settings, String... labels)
            throws Exception {
        HttpResponse<String> created = call(port, "POST", "/v1/peers", createBody);
        if (created.statusCode() != 201) {
            throw new AssertionError("create peer: " + created.statusCode() + " " + created.body());
        }
        String id = JSON.readTree(created.body()).get("id").asString();
        LoopbackRemote remote = new LoopbackRemote(settings);
        RTCPeerConnection pc = remote.pc;
        RemotePeer r = new RemotePeer("http://127.0.0.1:" + port, id, pc);
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onDataChannel(RTCDataChannel ch) {
                // A channel the gateway opened: queued like the others, under its label.
                LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
                r.received.put(ch.label(), q);
                ch.addListener(queueing(q, new CompletableFuture<>()));
                r.channels.put(ch.label(), ch);
            }
        });
        CompletableFuture<?>[] opened = new CompletableFuture<?>[labels.length];
        for (int i = 0; i < labels.length; i++) {
            LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
            CompletableFuture<Void> open = new CompletableFuture<>();
            opened[i] = open;
            r.received.put(labels[i], q);
            r.channels.put(labels[i], pc.createDataChannel(labels[i], null, queueing(q, open)));
        }
        pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        remote.gathered.get(10, TimeUnit.SECONDS);
        String offer = JSON.writeValueAsString(Map.of("type", "offer", "sdp", pc.localDescription().sdp()));
        expect(call(port, "PUT", "/v1/peers/" + id + "/remote-description", offer), 200);
        expect(call(port, "PUT", "/v1/peers/" + id + "/local-description", null), 200);
        JsonNode[] state = new JsonNode[1];
        Interop.waitFor(() -> {
            try {
                state[0] = JSON.readTree(call(port, "GET", "/v1/peers/" + id, null).body());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return state[0].get("iceGatheringState").asString().equals("complete");
        }, Duration.ofSeconds(10), "the gateway peer gathered");
        pc.setRemoteDescription(RTCSessionDescription.answer(state[0].get("localDescription").get("sdp").asString()))
                .get(5, TimeUnit.SECONDS);
        CompletableFuture.allOf(opened).get(20, TimeUnit.SECONDS);
        return r;
    }

    private static DataChannelListener queueing(LinkedBlockingQueue<Object> q, CompletableFuture<Void> open) {
        return new DataChannelListener() {
            @Override
            public void onOpen() {
                open.complete(null);
            }

            @Override
            public void onMessage(String text) {
                q.add(text);
            }

            @Override
            public void onMessage(byte[] data) {
                q.add(data);
            }
        };
    }

    private static void expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new AssertionError(r.uri() + ": " + r.statusCode() + " " + r.body());
        }
    }

    public RTCDataChannel channel(String label) {
        return channels.get(label);
    }

    /** The next message the remote received on {@code label}, or null after the timeout. */
    public Object next(String label, Duration timeout) throws InterruptedException {
        return received.get(label).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        pc.close();
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/peers/" + peerId)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
