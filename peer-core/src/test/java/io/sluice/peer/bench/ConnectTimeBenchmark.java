package io.sluice.peer.bench;

import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.api.RTCPeerConnectionState;
import io.sluice.peer.api.RTCSdpType;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.NetNamespace;
import io.sluice.peer.net.AddressFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.json.Json;

/**
 * Time from setRemoteDescription(answer) to connectionState "connected" on the offering side:
 * peer-core offering to headless Chromium, against Chromium offering to Chromium in the same page,
 * run by run in one process. Complete descriptions (gathering finished first) so candidate
 * signalling does not enter the figure. Chromium runs in a network namespace of its own; the link
 * is a veth pair on this machine.
 *
 * <p>Run: {@code bench/peer-core.sh ConnectTimeBenchmark [runs]} (root, Chromium installed).
 */
public final class ConnectTimeBenchmark {

    private static final Json JSON = new Json();

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (NetNamespace ns = NetNamespace.create();
                ChromiumBrowser browser = ChromiumBrowser.inNamespace(ns).mdns(false).start()) {
            PeerConnectionSettings settings = PeerConnectionSettings.defaults()
                    .withAddressFilter(AddressFilter.only(List.of(ns.hostAddress())));
            List<Double> ours = new ArrayList<>();
            List<Double> chromium = new ArrayList<>();
            for (int i = -3; i < runs; i++) { // three warm-up runs, not counted
                double a = peerCoreToChromium(browser, settings, "p" + i);
                double b = chromiumToChromium(browser, "c" + i);
                if (i >= 0) {
                    ours.add(a);
                    chromium.add(b);
                    System.out.printf("run %2d: peer-core→Chromium %.1f ms, Chromium→Chromium %.1f ms%n", i, a, b);
                }
            }
            double mo = median(ours);
            double mc = median(chromium);
            System.out.printf("%nsetRemoteDescription(answer) → connected, median of %d runs:%n", runs);
            System.out.printf("  peer-core offers, Chromium answers: %.1f ms (min %.1f, max %.1f)%n", mo,
                    Collections.min(ours), Collections.max(ours));
            System.out.printf("  Chromium offers, Chromium answers:  %.1f ms (min %.1f, max %.1f)%n", mc,
                    Collections.min(chromium), Collections.max(chromium));
            System.out.printf("  ratio peer-core / Chromium: %.2f%n", mo / mc);
        }
        System.exit(0);
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double peerCoreToChromium(ChromiumBrowser browser, PeerConnectionSettings settings, String name)
            throws Exception {
        browser.createPeer(name);
        RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(), settings);
        CompletableFuture<Long> connected = new CompletableFuture<>();
        CompletableFuture<Void> gathered = new CompletableFuture<>();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    gathered.complete(null);
                }
            }

            @Override
            public void onConnectionStateChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.CONNECTED) {
                    connected.complete(System.nanoTime());
                }
            }
        });
        try {
            pc.createDataChannel("bench");
            pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            gathered.get(10, TimeUnit.SECONDS);
            browser.setRemoteDescription(name, json(pc.localDescription()));
            browser.setLocalDescription(name, null);
            String answer = browser.gathered(name);
            Map<String, Object> m = JSON.toType(answer, Json.MAP_TYPE);
            RTCSessionDescription d = new RTCSessionDescription(RTCSdpType.ANSWER, (String) m.get("sdp"));
            long t0 = System.nanoTime();
            pc.setRemoteDescription(d);
            long t1 = connected.get(20, TimeUnit.SECONDS);
            return (t1 - t0) / 1e6;
        } finally {
            pc.close();
            pc.closeFuture().get(5, TimeUnit.SECONDS);
            browser.eval("sluice.close(arguments[0]);", name);
        }
    }

    private static double chromiumToChromium(ChromiumBrowser browser, String name) {
        String ms = browser.eval("""
                const a = new RTCPeerConnection(), b = new RTCPeerConnection();
                a.createDataChannel('bench');
                const gathered = pc => new Promise(r => {
                  if (pc.iceGatheringState === 'complete') r();
                  pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') r(); });
                });
                await a.setLocalDescription(); await gathered(a);
                await b.setRemoteDescription(a.localDescription);
                await b.setLocalDescription(); await gathered(b);
                const connected = new Promise(r => a.addEventListener('connectionstatechange', () => {
                  if (a.connectionState === 'connected') r(performance.now());
                }));
                const t0 = performance.now();
                a.setRemoteDescription(b.localDescription);
                const t1 = await connected;
                a.close(); b.close();
                return String(t1 - t0);
                """);
        return Double.parseDouble(ms);
    }

    private static String json(RTCSessionDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", d.type().spec());
        m.put("sdp", d.sdp());
        return JSON.toJson(m);
    }
}
