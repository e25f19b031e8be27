package io.sluice.peer.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the interop harness itself: namespace plumbing, a browser inside it with and without
 * mDNS, reachability of our side from the page, and cleanup.
 */
class ChromiumHarnessIT {

    private static final Duration CONNECT = Duration.ofSeconds(15);

    private static NetNamespace ns;
    private static ChromiumBrowser browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        Interop.assumeAvailable();
        long t0 = System.nanoTime();
        ns = NetNamespace.create();
        long t1 = System.nanoTime();
        browser = ChromiumBrowser.inNamespace(ns).start();
        System.out.printf("harness: namespace %s in %d ms, browser (mDNS on) in %d ms%n", ns,
                (t1 - t0) / 1_000_000, browser.startupTime().toMillis());
    }

    @AfterAll
    static void stopBrowser() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void twoPeersInNamespaceConnectWithMdnsCandidatesAndExchangeMessage() {
        browser.createPeer("a");
        browser.createPeer("b");
        browser.createDataChannel("a", "chat", null);
        browser.connect("a", "b");

        browser.waitForState("a", "connectionstatechange", "connected", CONNECT);
        browser.waitForEvent("b", "datachannel", e -> "chat".equals(e.get("label")), CONNECT);
        browser.waitForEvent("a", "dc.open", e -> "chat".equals(e.get("label")), CONNECT);
        browser.send("a", "chat", "hello from a");
        Map<String, Object> message = browser.waitForEvent("b", "dc.message", e -> true, CONNECT);
        assertThat(message).containsEntry("label", "chat").containsEntry("data", "hello from a")
                .containsEntry("binary", false);

        browser.sendBinary("b", "chat", new byte[] {0, 1, 2, (byte) 0xff});
        Map<String, Object> binary = browser.waitForEvent("a", "dc.message", e -> true, CONNECT);
        assertThat(binary).containsEntry("binary", true).containsEntry("data", "AAEC/w==");

        List<String> addresses = hostCandidateAddresses("a");
        assertThat(addresses).isNotEmpty().allMatch(a -> a.endsWith(".local"), "an mDNS name");
        assertThat(browser.gathered("a")).contains(".local");

        // A selected pair reads "in-progress" while a consent check on it is in flight: poll.
        Map<String, Object> stats = Interop.waitFor(() -> java.util.Optional.of(browser.statsMap("a"))
                .filter(s -> "succeeded".equals(nested(s, "pair", "state"))), CONNECT, "a succeeded pair");
        assertThat(nested(stats, "transport", "dtlsState")).isEqualTo("connected");
        assertThat(nested(stats, "transport", "selectedCandidatePairId")).isNotNull();
        System.out.println("harness: stats " + browser.stats("a"));
        assertThat(nested(stats, "local", "candidateType")).isEqualTo("host");
    }

    @Test
    void withoutMdnsCandidatesCarryTheNamespaceAddress() throws IOException {
        try (ChromiumBrowser plain = ChromiumBrowser.inNamespace(ns).mdns(false).start()) {
            System.out.printf("harness: second browser (mDNS off) in %d ms%n", plain.startupTime().toMillis());
            plain.createPeer("x");
            plain.createPeer("y");
            plain.createDataChannel("x", "c", "{\"ordered\":false}");
            plain.connect("x", "y");
            plain.waitForState("y", "connectionstatechange", "connected", CONNECT);

            assertThat(hostCandidateAddresses(plain, "x")).contains(ns.innerAddress().getHostAddress())
                    .noneMatch(a -> a.endsWith(".local"));
            assertThat(plain.gathered("x")).contains(" " + ns.innerAddress().getHostAddress() + " ");
        }
    }

    @Test
    void pageReachesOurSideOnTheHostAddressOverTheVeth() throws Exception {
        AtomicReference<String> seenFrom = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(ns.hostAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seenFrom.set(exchange.getRemoteAddress().getAddress().getHostAddress());
            boolean page = exchange.getRequestURI().getPath().equals("/");
            byte[] body = (page ? "<!doctype html><title>sluice</title>" : "pong").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", page ? "text/html" : "text/plain");
            exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://" + ns.hostAddress().getHostAddress() + ":" + server.getAddress().getPort();
            long rxBefore = ns.hostRxPackets();

            // From the blank start page (cross-origin, CORS allowed by the server).
            // Cross-origin from the blank start page: needs CORS on our side and the harness's
            // default of no Local Network Access checks.
            assertThat(browser.eval("return (await sluice.fetchText(arguments[0])).text;", base + "/ping"))
                    .isEqualTo("pong");
            assertThat(seenFrom.get()).isEqualTo(ns.innerAddress().getHostAddress());
            assertThat(ns.hostRxPackets()).isGreaterThan(rxBefore);

            // A page served from our side: not a secure context, yet RTCPeerConnection works.
            try (ChromiumBrowser served = ChromiumBrowser.inNamespace(ns).startUrl(base + "/").start()) {
                Map<?, ?> info = (Map<?, ?>) served.evalJson("return sluice.info();");
                System.out.println("harness: page info " + info);
                assertThat(info.get("isSecureContext")).isEqualTo(false);
                assertThat(info.get("hasRTCPeerConnection")).isEqualTo(true);
                assertThat(served.eval("return (await sluice.fetchText('/ping')).text;")).isEqualTo("pong");
                served.createPeer("p");
                served.createPeer("q");
                served.createDataChannel("p", "d", null);
                served.connect("p", "q");
                served.waitForEvent("q", "datachannel", e -> true, CONNECT);
            }
        } finally {
            server.stop(0);
        }
        Map<?, ?> blank = (Map<?, ?>) browser.evalJson("return sluice.info();");
        assertThat(blank.get("isSecureContext")).isEqualTo(false);
        assertThat(blank.get("hasRTCPeerConnection")).isEqualTo(true);
    }

    @Test
    void evalReportsScriptFailures() {
        assertThat(browser.eval("return arguments[0] + arguments[1];", "a", "b")).isEqualTo("ab");
        assertThat(browser.eval("return [1, {x: arguments[0]}];", 2L)).isEqualTo("[1,{\"x\":2}]");
        assertThat(browser.eval("return undefined;")).isNull();
        assertThatThrownBy(() -> browser.eval("throw new Error('boom');"))
                .isInstanceOf(ChromiumBrowser.ScriptFailure.class).hasMessageContaining("boom");
        assertThatThrownBy(() -> browser.eval(Duration.ofMillis(300), "await new Promise(() => {});"))
                .isInstanceOf(org.openqa.selenium.ScriptTimeoutException.class);
    }

    @Test
    void closeRemovesNamespaceVethAndProcesses() throws IOException {
        NetNamespace extra = NetNamespace.create();
        String name = extra.name();
        String hostIf = extra.hostInterface();
        assertThat(extra.subnet()).isNotEqualTo(ns.subnet());
        Process sleeper = extra.processBuilder(List.of("sleep", "60")).start();
        assertThat(extra.exec("ip", "-o", "addr", "show", "dev", NetNamespace.INNER_INTERFACE))
                .contains(extra.innerAddress().getHostAddress() + "/24", "fd77:" + extra.subnet() + "::1/64");
        // The root end routes only the namespace's subnet; the inside routes everything on-link.
        assertThat(Interop.run("ip", "route", "get", extra.innerAddress().getHostAddress()).output())
                .contains("dev " + hostIf);
        assertThat(extra.exec("ip", "route", "show", "default")).contains("dev " + NetNamespace.INNER_INTERFACE)
                .doesNotContain(" via ");
        assertThat(NetNamespace.namespaceExists(name)).isTrue();
        assertThat(NetNamespace.linkExists(hostIf)).isTrue();

        extra.close();

        assertThat(NetNamespace.namespaceExists(name)).isFalse();
        assertThat(NetNamespace.linkExists(hostIf)).isFalse();
        assertThat(Interop.run("ip", "netns", "list").output()).doesNotContain(name);
        assertThat(Interop.run("ip", "-o", "link", "show").output()).doesNotContain(hostIf + "@", hostIf + ":");
        assertThat(sleeper.isAlive()).isFalse();
        extra.close(); // idempotent
    }

    private static List<String> hostCandidateAddresses(String peer) {
        return hostCandidateAddresses(browser, peer);
    }

    private static List<String> hostCandidateAddresses(ChromiumBrowser b, String peer) {
        return b.events(peer, "icecandidate").stream()
                .filter(e -> e.get("candidate") != null && "host".equals(e.get("candidateType")))
                .map(e -> (String) e.get("address"))
                .toList();
    }

    private static Object nested(Map<String, Object> map, String outer, String inner) {
        Object o = map.get(outer);
        return o instanceof Map<?, ?> m ? m.get(inner) : null;
    }
}
