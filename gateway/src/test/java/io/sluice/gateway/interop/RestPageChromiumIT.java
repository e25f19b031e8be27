package io.sluice.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.Interop;
import io.sluice.peer.interop.NetNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Headless Chromium (in a network namespace of the test's own, with its default mDNS candidates)
 * loads the gateway's demo page, which talks only to the REST API: it creates a server-side peer,
 * negotiates with trickle and opens a data channel. The test reads the server side through the
 * peer's event stream and the WebSocket, and answers through the REST send operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sluice.timeouts.drain=1s")
class RestPageChromiumIT {

    private static NetNamespace ns;
    private static ChromiumBrowser browser;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void namespace(DynamicPropertyRegistry registry) throws Exception {
        Interop.assumeAvailable();
        ns = NetNamespace.create();
        registry.add("sluice.ice.addresses", () -> ns.hostAddress().getHostAddress());
        // the page in the namespace calls the API without a key: open, on purpose, for this test
        registry.add("server.address", () -> "0.0.0.0");
        registry.add("sluice.security.open", () -> "true");
    }

    @AfterAll
    static void stop() {
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
    void aPageUsingOnlyTheRestApiConnectsAndExchangesMessages() throws Exception {
        browser = ChromiumBrowser.inNamespace(ns).start();
        String base = "http://" + ns.hostAddress().getHostAddress() + ":" + port;
        browser.open(base + "/index.html");
        String peerId = browser.eval(Duration.ofSeconds(40), "return await window.sluiceDemo.connect('chat');");
        assertThat(peerId).isNotBlank();

        // The server side, read through the event stream (events held so far are replayed).
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        var json = JsonMapper.builder().build();
        http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/peers/" + peerId
                + "/events")).build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
                    if (line.startsWith("data:")) {
                        events.add(json.readTree(line.substring(5)));
                    }
                }));
        // ... and through the WebSocket, subscribed to the same peer.
        List<JsonNode> pushed = new CopyOnWriteArrayList<>();
        java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port
                + "/v1/ws"), new java.net.http.WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket,
                            CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            pushed.add(json.readTree(partial.toString()));
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("{\"id\":\"1\",\"op\":\"subscribe\",\"peerId\":\"" + peerId + "\",\"params\":{}}", true)
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        browser.eval("window.sluiceDemo.state.channel.send('hello from the page'); return 'sent';");
        Interop.waitFor(() -> pushed.stream().anyMatch(e -> e.has("event") && "message".equals(e.get("event").asString())
                && "hello from the page".equals(e.get("data").asString())), Duration.ofSeconds(20),
                "the page's message on the WebSocket");
        assertThat(pushed.stream().filter(e -> e.has("event")).map(e -> e.get("event").asString()).toList())
                .containsSubsequence("datachannel", "open", "message");
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        Interop.waitFor(() -> events.stream().anyMatch(e -> "message".equals(e.get("type").asString())
                && "hello from the page".equals(e.get("data").asString())), Duration.ofSeconds(20),
                "the page's message on the event stream");
        List<String> types = events.stream().map(e -> e.get("type").asString()).toList();
        assertThat(types).containsSubsequence("signalingstatechange", "datachannel", "open", "message");
        assertThat(types).contains("connectionstatechange");
        String cid = events.stream().filter(e -> "datachannel".equals(e.get("type").asString())).findFirst()
                .orElseThrow().get("channelId").asString();

        HttpResponse<String> sent = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/peers/" + peerId + "/channels/" + cid + "/messages")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello from the backend")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(202);
        Interop.waitFor(() -> browser.eval("return JSON.stringify(window.sluiceDemo.state.received);")
                .contains("hello from the backend"), Duration.ofSeconds(20), "the backend's message in the page");

        JsonNode state = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/peers/" + peerId)).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(state.get("connectionState").asString()).isEqualTo("connected");
        assertThat(state.get("metadata").get("via").asString()).isEqualTo("demo page");
    }
}
