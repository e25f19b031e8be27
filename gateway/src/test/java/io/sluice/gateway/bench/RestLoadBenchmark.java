package io.sluice.gateway.bench;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.peer.api.PeerConnectionListener;
import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCConfiguration;
import io.sluice.peer.api.RTCPeerConnection;
import io.sluice.peer.api.RTCPeerConnectionIceEvent;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.NetNamespace;
import io.sluice.peer.net.AddressFilter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * REST round trips under load and setup time against Chromium, against the gateway started in
 * this process (shared UDP port on a network namespace's veth address):
 *
 * <ol>
 *   <li>createOffer (POST /v1/peers/{id}/offer) from 50 concurrent clients;
 *   <li>the one-call form (POST /v1/whip with a complete offer, answer with gathered candidates,
 *       then DELETE) from 50 concurrent clients;
 *   <li>setup time in headless Chromium: the demo page's request to create a peer until its data
 *       channel is open, against two RTCPeerConnections of the same page doing the same.
 * </ol>
 *
 * Run: {@code bench/gateway.sh RestLoadBenchmark [requestsPerClient]} (root, Chromium installed).
 */
public final class RestLoadBenchmark {

    static final int CLIENTS = 50;

    public static void main(String[] args) throws Exception {
        int perClient = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        try (NetNamespace ns = NetNamespace.create()) {
            String host = ns.hostAddress().getHostAddress();
            ConfigurableApplicationContext app = SpringApplication.run(SluiceGatewayApplication.class,
                    "--server.port=0", "--sluice.ice.addresses=" + host, "--logging.level.root=WARN",
                    "--logging.level.io.sluice=WARN", "--sluice.limits.max-peers=100000", "--sluice.limits.requests-per-second=0",
                    "--sluice.bridges.kafka.enabled=false",
                    // the page in the namespace calls the API without a key: open, on purpose
                    "--sluice.security.open=true");
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            var json = JsonMapper.builder().build();

            // 1. createOffer
            List<String> peers = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String body = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/peers"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
                peers.add(json.readTree(body).get("id").asString());
            }
            List<Double> offer = run(clients, perClient, c -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/peers/"
                        + peers.get(c) + "/offer")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                check(r, 200);
            });
            report("createOffer (POST /v1/peers/{id}/offer)", offer);

            // 2. the one-call form, with complete offers made by peer-core clients
            String offerSdp = completeOffer();
            List<Double> whip = run(clients, perClient, c -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/whip"))
                        .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offerSdp))
                        .build(), HttpResponse.BodyHandlers.ofString());
                check(r, 201);
                String location = r.headers().firstValue("Location").orElseThrow();
                http.send(HttpRequest.newBuilder(URI.create(base + location)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            });
            report("one-call form (POST /v1/whip, complete answer) + DELETE", whip);

            // 3. setup time against Chromium
            try (ChromiumBrowser browser = ChromiumBrowser.inNamespace(ns).mdns(false)
                    .scriptTimeout(Duration.ofSeconds(60)).start()) {
                browser.open("http://" + host + ":" + port + "/index.html");
                List<Double> viaGateway = new ArrayList<>();
                List<Double> inPage = new ArrayList<>();
                for (int i = 0; i < 23; i++) {
                    double g = Double.parseDouble(browser.eval("""
                            const t0 = performance.now();
                            await window.sluiceDemo.connect('setup');
                            return String(performance.now() - t0);"""));
                    double p = Double.parseDouble(browser.eval("""
                            const t0 = performance.now();
                            const a = new RTCPeerConnection(), b = new RTCPeerConnection();
                            a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
                            b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
                            const ch = a.createDataChannel('setup');
                            const open = new Promise(r => ch.onopen = r);
                            await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
                            await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
                            await open;
                            const t = performance.now() - t0;
                            a.close(); b.close();
                            return String(t);"""));
                    if (i >= 3) {
                        viaGateway.add(g);
                        inPage.add(p);
                    }
                }
                System.out.printf("%nsetup, request to channel open, median of 20 (ms):%n");
                System.out.printf("  Chromium page → gateway (REST only, trickle): %.1f (p90 %.1f)%n",
                        percentile(viaGateway, 50), percentile(viaGateway, 90));
                System.out.printf("  Chromium → Chromium in one page:             %.1f (p90 %.1f)%n",
                        percentile(inPage, 50), percentile(inPage, 90));
                System.out.printf("  ratio: %.2f%n", percentile(viaGateway, 50) / percentile(inPage, 50));
            }
            clients.shutdownNow();
            app.close();
        }
        System.exit(0);
    }

    interface Call {
        void run(int client) throws Exception;
    }

    static List<Double> run(ExecutorService clients, int perClient, Call call) throws Exception {
        List<Future<List<Double>>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            futures.add(clients.submit(() -> {
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < perClient + 2; i++) {
                    long t0 = System.nanoTime();
                    call.run(client);
                    if (i >= 2) { // two warm-up calls per client
                        times.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                return times;
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<List<Double>> f : futures) {
            all.addAll(f.get(10, TimeUnit.MINUTES));
        }
        return all;
    }

    static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    static void report(String what, List<Double> times) {
        System.out.printf("%s, %d clients, %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, CLIENTS,
                times.size(), percentile(times, 50), percentile(times, 99), Collections.max(times));
    }

    static String completeOffer() throws Exception {
        RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(), PeerConnectionSettings.defaults()
                .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName("127.0.0.1")))));
        CompletableFuture<Void> gathered = new CompletableFuture<>();
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    gathered.complete(null);
                }
            }
        });
        pc.createDataChannel("load");
        pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        gathered.get(10, TimeUnit.SECONDS);
        String sdp = pc.localDescription().sdp();
        pc.close();
        return sdp;
    }
}
