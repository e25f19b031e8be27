package io.sluice.peer.interop;

import static io.sluice.peer.interop.Signaling.description;
import static io.sluice.peer.interop.Signaling.json;
import static io.sluice.peer.interop.Signaling.trickle;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDtlsTransportState;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.net.AddressFilter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.sluice.peer.interop.Signaling.Ours;

/**
 * peer-core against headless Chromium's RTCPeerConnection. Chromium runs in a network namespace
 * of the test's own; our side gathers only on the root end of its veth link, so every check,
 * DTLS record and mDNS query stays on that link.
 */
class PeerConnectionChromiumIT {

    private static final Duration CONNECT = Signaling.CONNECT;
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

    private static void assertChromiumConnected(ChromiumBrowser browser, String name) {
        browser.waitForState(name, "connectionstatechange", "connected", CONNECT);
        // A selected pair reads "in-progress" while a consent check on it is in flight: poll.
        Map<String, Object> stats = Interop.waitFor(() -> java.util.Optional.of(browser.statsMap(name))
                .filter(s -> "succeeded".equals(nested(s, "pair", "state"))), CONNECT, "a succeeded pair");
        assertThat(nested(stats, "transport", "dtlsState")).isEqualTo("connected");
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

    /** A peer in the page with a data channel, ready to offer. */
    private static String chromiumPeerWithChannel(ChromiumBrowser browser) {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        browser.createDataChannel(name, "chat", null);
        return name;
    }

    /** Chromium offers (with its data channel), peer-core answers; candidates trickle both ways. */
    private void chromiumOffers(ChromiumBrowser browser) throws Exception {
        String name = chromiumPeerWithChannel(browser);
        try (Ours ours = new Ours(settings)) {
            Signaling.chromiumOffers(browser, name, ours);
            assertThat(ours.pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.CONNECTED);
            assertChromiumConnected(browser, name);
            assertThat(ours.states).containsExactly("connecting", "connected");
        }
    }

    /** peer-core offers, Chromium answers; candidates trickle both ways. */
    private void peerCoreOffers(ChromiumBrowser browser) throws Exception {
        String name = "c" + NAMES.incrementAndGet();
        browser.createPeer(name);
        try (Ours ours = new Ours(settings)) {
            ours.pc.createDataChannel("chat");
            Signaling.peerCoreOffers(browser, name, ours);
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
        try (Ours ours = new Ours(settings)) {
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
        String name = chromiumPeerWithChannel(mdnsBrowser);
        try (Ours ours = new Ours(settings)) {
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
        String name = chromiumPeerWithChannel(mdnsBrowser);
        try (Ours ours = new Ours(settings)) {
            RTCSessionDescription offer = description(mdnsBrowser.setLocalDescription(name, null));
            ours.pc.setRemoteDescription(new RTCSessionDescription(offer.type(), wrongFingerprint(offer.sdp())))
                    .get(5, TimeUnit.SECONDS);
            ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            mdnsBrowser.setRemoteDescription(name, json(ours.pc.localDescription()));
            trickle(mdnsBrowser, name, ours, ours.failed);
            ours.failed.get(CONNECT.toSeconds(), TimeUnit.SECONDS);
            mdnsBrowser.waitForState(name, "connectionstatechange", "failed", CONNECT);
            // Our side is the one that refused the certificate.
            assertThat(ours.pc.dtlsTransportState()).isEqualTo(RTCDtlsTransportState.FAILED);
            assertThat(ours.pc.connectionState()).isEqualTo(io.sluice.peer.api.RTCPeerConnectionState.FAILED);
        }
    }

    @Test
    void closeOnOurSideIsSeenByChromium() throws Exception {
        String name = chromiumPeerWithChannel(mdnsBrowser);
        Ours ours = new Ours(settings);
        try {
            Signaling.chromiumOffers(mdnsBrowser, name, ours);
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
        String name = chromiumPeerWithChannel(mdnsBrowser);
        try (Ours ours = new Ours(settings)) {
            Signaling.chromiumOffers(mdnsBrowser, name, ours);
            mdnsBrowser.eval("sluice.close(arguments[0]);", name);
            Interop.waitFor(() -> ours.pc.dtlsTransportState() == RTCDtlsTransportState.CLOSED, CONNECT,
                    "our DTLS transport closed by Chromium's close_notify");
            Interop.waitFor(() -> ours.pc.connectionState() == RTCPeerConnectionState.DISCONNECTED
                    || ours.pc.connectionState() == RTCPeerConnectionState.FAILED, CONNECT,
                    "our connection leaves connected once consent expires");
        }
    }
}
