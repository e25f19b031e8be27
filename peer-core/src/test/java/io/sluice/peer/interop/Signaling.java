package io.sluice.peer.interop;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSdpType;
import io.sluice.peer.api.RTCSessionDescription;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.json.Json;

/** Signaling between a peer-core connection and a peer of the Chromium page, for interop tests. */
public final class Signaling {

    public static final Duration CONNECT = Duration.ofSeconds(20);
    private static final Json JSON = new Json();

    private Signaling() {
    }

    /** A peer-core connection with its candidates queued for the test thread to signal. */
    public static final class Ours implements PeerConnectionListener, AutoCloseable {
        public final RTCPeerConnection pc;
        public final LinkedBlockingQueue<RTCIceCandidate> candidates = new LinkedBlockingQueue<>();
        public final CompletableFuture<Void> connected = new CompletableFuture<>();
        public final CompletableFuture<Void> failed = new CompletableFuture<>();
        public final CompletableFuture<Void> gathered = new CompletableFuture<>();
        public final List<String> states = new CopyOnWriteArrayList<>();

        public Ours(PeerConnectionSettings settings) {
            pc = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
            pc.addListener(this);
        }

        @Override
        public void onIceCandidate(RTCPeerConnectionIceEvent event) {
            if (event.candidate() == null) {
                gathered.complete(null);
            } else {
                candidates.add(event.candidate());
            }
        }

        @Override
        public void onConnectionStateChange(RTCPeerConnectionState state) {
            states.add(state.spec());
            if (state == RTCPeerConnectionState.CONNECTED) {
                connected.complete(null);
            } else if (state == RTCPeerConnectionState.FAILED) {
                failed.complete(null);
            }
        }

        @Override
        public void close() throws Exception {
            pc.close();
            pc.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }

    public static String json(RTCSessionDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", d.type().spec());
        m.put("sdp", d.sdp());
        return JSON.toJson(m);
    }

    public static RTCSessionDescription description(String json) {
        Map<String, Object> m = JSON.toType(json, Json.MAP_TYPE);
        return new RTCSessionDescription(RTCSdpType.fromSpec((String) m.get("type")), (String) m.get("sdp"));
    }

    public static String json(RTCIceCandidateInit c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", c.candidate());
        m.put("sdpMid", c.sdpMid());
        m.put("sdpMLineIndex", c.sdpMLineIndex());
        m.put("usernameFragment", c.usernameFragment());
        return JSON.toJson(m);
    }

    /** Forwards candidates both ways until {@code until} completes or {@link #CONNECT} passes. */
    public static void trickle(ChromiumBrowser browser, String name, Ours ours, CompletableFuture<?> until)
            throws Exception {
        int seen = 0;
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (!until.isDone() && System.nanoTime() < deadline) {
            RTCIceCandidate c = ours.candidates.poll(20, TimeUnit.MILLISECONDS);
            for (; c != null; c = ours.candidates.poll()) {
                browser.addIceCandidate(name, json(c.toJSON()));
            }
            List<Map<String, Object>> events = browser.events(name, seen);
            seen += events.size();
            for (Map<String, Object> e : events) {
                if ("icecandidate".equals(e.get("type"))) {
                    Object cand = e.get("candidate");
                    if (cand == null) {
                        ours.pc.addIceCandidate(null).get(5, TimeUnit.SECONDS);
                    } else {
                        Number index = (Number) e.get("sdpMLineIndex");
                        ours.pc.addIceCandidate(new RTCIceCandidateInit((String) cand, (String) e.get("sdpMid"),
                                index == null ? null : index.intValue(), null)).get(5, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /** Chromium's peer {@code name} offers (it must have a channel already); ours answers; both trickle. */
    public static void chromiumOffers(ChromiumBrowser browser, String name, Ours ours) throws Exception {
        String offer = browser.setLocalDescription(name, null);
        ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
        ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        browser.setRemoteDescription(name, json(ours.pc.localDescription()));
        trickle(browser, name, ours, ours.connected);
        ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Ours offers (it must have a channel already); Chromium's peer answers; both trickle. */
    public static void peerCoreOffers(ChromiumBrowser browser, String name, Ours ours) throws Exception {
        ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        browser.setRemoteDescription(name, json(ours.pc.localDescription()));
        String answer = browser.setLocalDescription(name, null);
        ours.pc.setRemoteDescription(description(answer)).get(5, TimeUnit.SECONDS);
        trickle(browser, name, ours, ours.connected);
        ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
    }
}
