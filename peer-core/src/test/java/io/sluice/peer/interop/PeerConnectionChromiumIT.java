package io.sluice.peer.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCDtlsTransportState;
import io.sluice.peer.api.RTCIceCandidate;
import io.sluice.peer.api.RTCIceCandidateInit;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSdpType;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.net.AddressFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.json.Json;

/**
 * peer-core against headless Chromium's RTCPeerConnection. Chromium runs in a network namespace
 * of the test's own; our side gathers only on the root end of its veth link, so every check,
 * DTLS record and mDNS query stays on that link.
 */
class PeerConnectionChromiumIT {

    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final Json JSON = new Json();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static NetNamespace ns;
    private static ChromiumBrowser mdnsBrowser;
    private static ChromiumBrowser plainBrowser;
    private static PeerConnectionSettings settings;

    @BeforeAll
    static void start() throws IOException {
        Interop.assumeAvailable();
        ns = NetNamespace.create();
        mdnsBrowser = ChromiumBrowser.inNamespace(ns).start();
        plainBrowser = ChromiumBrowser.inNamespace(ns).mdns(false).start();
        settings = PeerConnectionSettings.defaults().withAddressFilter(AddressFilter.only(List.of(ns.hostAddress())));
    }

    @AfterAll
    static void stop() {
        try {
            if (mdnsBrowser != null) {
                mdnsBrowser.close();
            }
            if (plainBrowser != null) {
                plainBrowser.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** A peer-core connection with its candidates queued for the test thread to signal. */
    static final class Ours implements PeerConnectionListener, AutoCloseable {
        final RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
        final LinkedBlockingQueue<RTCIceCandidate> candidates = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<Void> failed = new CompletableFuture<>();
        final List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Void> gathered = new CompletableFuture<>();

        Ours() {
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

    private static String json(RTCSessionDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", d.type().spec());
        m.put("sdp", d.sdp());
        return JSON.toJson(m);
    }

    private static RTCSessionDescription description(String json) {
        Map<String, Object> m = JSON.toType(json, Json.MAP_TYPE);
        return new RTCSessionDescription(RTCSdpType.fromSpec((String) m.get("type")), (String) m.get("sdp"));
    }

    private static String json(RTCIceCandidateInit c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidate", c.candidate());
        m.put("sdpMid", c.sdpMid());
        m.put("sdpMLineIndex", c.sdpMLineIndex());
        m.put("usernameFragment", c.usernameFragment());
        return JSON.toJson(m);
    }

    /** Forwards candidates both ways until both sides are connected (or failed). */
    private static void trickle(ChromiumBrowser browser, String name, Ours ours, CompletableFuture<?> until)
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

    private static void assertChromiumConnected(ChromiumBrowser browser, String name) {
        browser.waitForState(name, "connectionstatechange", "connected", CONNECT);
        Map<String, Object> stats = browser.statsMap(name);
        assertThat(nested(stats, "transport", "dtlsState")).isEqualTo("connected");
        assertThat(nested(stats, "pair", "state")).isEqualTo("succeeded");
        assertThat(nested(stats, "remote", "port")).isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static Object nested(Map<String, Object> map, String... path) {
        Object cur = map;
        for (String p : path) {
            if (!(cur instanceof Map)) {
                return null;
            }
            cur = ((Map<String, Object>) cur).get(p);
        }
        return cur;
    }

    /** Chromium offers (with its data channel), peer-core answers; candidates trickle both ways. */
    private void chromiumOffers(ChromiumBrowser browser) throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        browser.createDataChannel(name, "chat", null);
        try (Ours ours = new Ours()) {
            String offer = browser.setLocalDescription(name, null);
            ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            browser.setRemoteDescription(name, json(ours.pc.localDescription()));
            CompletableFuture<Void> both = ours.connected.thenRun(() -> { });
            trickle(browser, name, ours, both);
            ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            assertThat(ours.pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
            assertChromiumConnected(browser, name);
            assertThat(ours.states).containsExactly("connecting", "connected");
        }
    }

    /** peer-core offers, Chromium answers; candidates trickle both ways. */
    private void peerCoreOffers(ChromiumBrowser browser) throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        try (Ours ours = new Ours()) {
            ours.pc.createDataChannel("chat");
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            browser.setRemoteDescription(name, json(ours.pc.localDescription()));
            String answer = browser.setLocalDescription(name, null);
            ours.pc.setRemoteDescription(description(answer)).get(5, TimeUnit.SECONDS);
            trickle(browser, name, ours, ours.connected);
            ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            assertChromiumConnected(browser, name);
            assertThat(ours.states).containsExactly("connecting", "connected");
        }
    }

    @Test
    void chromiumOffersWithMdnsCandidates() throws Exception {
        chromiumOffers(mdnsBrowser);
    }

    @Test
    void peerCoreOffersToChromiumWithMdnsCandidates() throws Exception {
        peerCoreOffers(mdnsBrowser);
    }

    @Test
    void chromiumOffersWithPlainCandidates() throws Exception {
        chromiumOffers(plainBrowser);
    }

    @Test
    void peerCoreOffersToChromiumWithPlainCandidates() throws Exception {
        peerCoreOffers(plainBrowser);
    }

    @Test
    void chromiumOffersCompleteDescriptionWithoutTrickle() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        plainBrowser.createPeer(name);
        plainBrowser.createDataChannel(name, "chat", null);
        plainBrowser.setLocalDescription(name, null);
        String offer = plainBrowser.gathered(name);
        try (Ours ours = new Ours()) {
            ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            ours.gathered.get(10, TimeUnit.SECONDS);
            plainBrowser.setRemoteDescription(name, json(ours.pc.localDescription()));
            ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            assertChromiumConnected(plainBrowser, name);
        }
    }

    /** Replaces the first fingerprint's hex digest in an SDP with another certificate's. */
    private static String wrongFingerprint(String sdp) {
        Matcher m = Pattern.compile("a=fingerprint:sha-256 ([0-9A-Fa-f:]+)").matcher(sdp);
        assertThat(m.find()).isTrue();
        String hex = m.group(1);
        char first = hex.charAt(0) == 'A' ? 'B' : 'A';
        return sdp.replace(hex, first + hex.substring(1));
    }

    @Test
    void wrongFingerprintInOurAnswerFailsBothSides() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        mdnsBrowser.createPeer(name);
        mdnsBrowser.createDataChannel(name, "chat", null);
        try (Ours ours = new Ours()) {
            String offer = mdnsBrowser.setLocalDescription(name, null);
            ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            RTCSessionDescription answer = ours.pc.localDescription();
            mdnsBrowser.setRemoteDescription(name,
                    json(new RTCSessionDescription(answer.type(), wrongFingerprint(answer.sdp()))));
            trickle(mdnsBrowser, name, ours, ours.failed);
            ours.failed.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            mdnsBrowser.waitForState(name, "connectionstatechange", "failed", CONNECT);
            assertThat(ours.pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.FAILED);
        }
    }

    @Test
    void wrongFingerprintInChromiumOfferFailsBothSides() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        mdnsBrowser.createPeer(name);
        mdnsBrowser.createDataChannel(name, "chat", null);
        try (Ours ours = new Ours()) {
            RTCSessionDescription offer = description(mdnsBrowser.setLocalDescription(name, null));
            ours.pc.setRemoteDescription(new RTCSessionDescription(offer.type(), wrongFingerprint(offer.sdp())))
                    .get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            mdnsBrowser.setRemoteDescription(name, json(ours.pc.localDescription()));
            trickle(mdnsBrowser, name, ours, ours.failed);
            ours.failed.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            mdnsBrowser.waitForState(name, "connectionstatechange", "failed", CONNECT);
        }
    }

    @Test
    void closeOnOurSideIsSeenByChromium() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        mdnsBrowser.createPeer(name);
        mdnsBrowser.createDataChannel(name, "chat", null);
        Ours ours = new Ours();
        try {
            String offer = mdnsBrowser.setLocalDescription(name, null);
            ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            mdnsBrowser.setRemoteDescription(name, json(ours.pc.localDescription()));
            trickle(mdnsBrowser, name, ours, ours.connected);
            assertChromiumConnected(mdnsBrowser, name);
        } finally {
            ours.close();
        }
        // close_notify reaches Chromium: its DTLS transport closes.
        Interop.waitFor(() -> "closed".equals(nested(mdnsBrowser.statsMap(name), "transport", "dtlsState")),
                CONNECT, "Chromium's DTLS transport closed");
    }

    @Test
    void closeOnChromiumSideIsSeenByUs() throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        mdnsBrowser.createPeer(name);
        mdnsBrowser.createDataChannel(name, "chat", null);
        try (Ours ours = new Ours()) {
            String offer = mdnsBrowser.setLocalDescription(name, null);
            ours.pc.setRemoteDescription(description(offer)).get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            mdnsBrowser.setRemoteDescription(name, json(ours.pc.localDescription()));
            trickle(mdnsBrowser, name, ours, ours.connected);
            ours.connected.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            mdnsBrowser.eval("sluice.close(arguments[0]);", name);
            Interop.waitFor(() -> ours.pc.dtlsTransportState() == RTCDtlsTransportState.CLOSED, CONNECT,
                    "our DTLS transport closed by Chromium's close_notify");
            Interop.waitFor(() -> ours.pc.connectionState() == RTCPeerConnectionState.DISCONNECTED
                    || ours.pc.connectionState() == RTCPeerConnectionState.FAILED, CONNECT,
                    "our connection leaves connected once consent expires");
        }
    }
}
