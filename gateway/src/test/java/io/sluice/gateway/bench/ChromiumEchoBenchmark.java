package io.sluice.gateway.bench;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.NetNamespace;
import io.sluice.peer.interop.Saturation;
import io.sluice.peer.interop.Saturation.Report;
import io.sluice.peer.interop.Saturation.Spec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Headless Chromium against the gateway's one-call form with the loopback bridge, beside the
 * same Chromium against a second Chromium process that echoes: the two echo servers a page can
 * have, measured in one run.
 *
 * <ul>
 *   <li>Echo throughput: the page sends {@code megabytes} MiB in 16 KiB binary messages as fast as
 *       its flow control allows (pause above 1 MiB bufferedAmount, resume at 256 KiB) and checks
 *       every echo byte for byte, in order ({@code saturate.js}); MB/s (10^6 bytes/s) of echoed
 *       payload from the first send to the last echo; median of {@code runs} after one warm-up.
 *   <li>Setup: {@code connections} sequential connections, medians of: the answer (gateway: the
 *       page's POST until the 201 body is read; Chromium: the answering page's
 *       setRemoteDescription(offer) until its answer has gathered, signalling relayed by this
 *       program outside the measurement); from applying the answer in the offering page until
 *       its channel is open; and from the start (the POST; the echoing page applying the offer)
 *       until open. The relayed answer takes this program tens of milliseconds, during which
 *       the answering browser already sends its checks and starts DTLS: Chromium's answer→open is
 *       then mostly that head start, and its offer→open includes the relay.
 * </ul>
 *
 * Both browsers run in one network namespace; the gateway (in this JVM) serves and gathers on the
 * namespace's veth address only. Chromium keeps its default mDNS host candidates unless the 4th
 * argument is {@code nomdns}. Datagrams the kernel dropped in the namespace because a receive
 * buffer was full are reported per mode.
 *
 * <p>Run: {@code bench/gateway.sh ChromiumEchoBenchmark [megabytes=64] [runs=3] [connections=10] [mdns|nomdns]}
 * (root, Chromium installed).
 */
public final class ChromiumEchoBenchmark {

    static final int MESSAGE = 16384;
    static final Duration RUN_LIMIT = Duration.ofMinutes(5);

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean mdns = args.length <= 3 || !args[3].equals("nomdns");
        long total = (long) megabytes * 1024 * 1024;
        int code = 0;
        try (NetNamespace ns = NetNamespace.create()) {
            String host = ns.hostAddress().getHostAddress();
            ConfigurableApplicationContext app = SpringApplication.run(SluiceGatewayApplication.class,
                    "--server.port=0", "--server.address=" + host, "--sluice.ice.addresses=" + host,
                    "--logging.level.root=WARN", "--logging.level.io.sluice=WARN",
                    "--sluice.limits.requests-per-second=0", "--sluice.bridges.kafka.enabled=false",
                    "--sluice.timeouts.drain=1s",
                    // the namespace's host address is not loopback: open on purpose, no keys (the
                    // page and the gateway are alone in the namespace)
                    "--sluice.security.open=true");
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            try (ChromiumBrowser page = ChromiumBrowser.inNamespace(ns).mdns(mdns).scriptTimeout(RUN_LIMIT).start();
                    ChromiumBrowser echo = ChromiumBrowser.inNamespace(ns).mdns(mdns).scriptTimeout(RUN_LIMIT).start()) {
                page.open("http://" + host + ":" + port + "/index.html");
                Saturation.install(page);
                Saturation.install(echo);
                Bench bench = new Bench(ns, page, echo);
                Spec spec = Spec.bulk(total, MESSAGE);

                List<Double> viaGateway = new ArrayList<>();
                List<Double> viaChromium = new ArrayList<>();
                long[] drops = new long[2];
                for (int run = 0; run <= runs; run++) { // run 0 warms up and is not counted
                    long d0 = bench.drops();
                    Report g = bench.gatewayEcho(spec);
                    long d1 = bench.drops();
                    Report c = bench.chromiumEcho(spec);
                    long d2 = bench.drops();
                    System.out.printf("run %d: gateway %s MB/s (%d datagrams dropped), Chromium %s MB/s (%d dropped; "
                            + "echoing page: %s)%n", run, rate(g), d1 - d0, rate(c), d2 - d1, bench.lastEchoReport);
                    if (!g.complete() || !c.complete()) {
                        System.out.println("  INCOMPLETE gateway: " + g + "\n  INCOMPLETE Chromium: " + c);
                        code = 1;
                    }
                    if (run > 0) {
                        viaGateway.add(g.complete() ? g.decimal("megabytesPerSecond") : Double.NaN);
                        viaChromium.add(c.complete() ? c.decimal("megabytesPerSecond") : Double.NaN);
                        drops[0] += d1 - d0;
                        drops[1] += d2 - d1;
                    }
                }

                List<Double> gatewayAnswer = new ArrayList<>();
                List<Double> gatewayOpen = new ArrayList<>();
                List<Double> chromiumAnswer = new ArrayList<>();
                List<Double> chromiumOpen = new ArrayList<>();
                List<Double> chromiumRelay = new ArrayList<>();
                List<Double> gatewayTotal = new ArrayList<>();
                List<Double> chromiumTotal = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    double[] g = bench.gatewaySetup();
                    gatewayAnswer.add(g[0]);
                    gatewayOpen.add(g[1]);
                    gatewayTotal.add(g[3]);
                    double[] c = bench.chromiumSetup();
                    chromiumAnswer.add(c[0]);
                    chromiumOpen.add(c[1]);
                    chromiumRelay.add(c[2]);
                    chromiumTotal.add(c[3]);
                }

                System.out.printf("%nChromium %s, %s host candidates; %d MiB echoed in %d-byte messages, every byte "
                        + "checked; median of %d runs after a warm-up:%n", page.driver().getCapabilities()
                        .getBrowserVersion(), mdns ? "mDNS" : "IP", megabytes, MESSAGE, runs);
                System.out.printf("  echo MB/s      gateway (POST /v1/whip?bridge=loopback) %7.1f   Chromium (2nd browser) "
                        + "%7.1f   ratio %.2f%n", median(viaGateway), median(viaChromium),
                        median(viaGateway) / median(viaChromium));
                System.out.printf("    runs: gateway %s, Chromium %s; datagrams dropped at full receive buffers: "
                        + "gateway runs %d, Chromium runs %d%n", viaGateway, viaChromium, drops[0], drops[1]);
                System.out.printf("Setup, median of %d sequential connections (ms):%n", connections);
                System.out.printf("  answer         gateway POST→201 %7.1f   Chromium offer applied→answer gathered %7.1f%n",
                        median(gatewayAnswer), median(chromiumAnswer));
                System.out.printf("  answer→open    gateway %7.1f   Chromium %7.1f%n", median(gatewayOpen),
                        median(chromiumOpen));
                System.out.printf("  offer→open     gateway (POST→open) %7.1f   Chromium (offer applied→open, answer "
                        + "relay included) %7.1f%n", median(gatewayTotal), median(chromiumTotal));
                System.out.printf("    answers: gateway %s, Chromium %s%n    opens: gateway %s, Chromium %s%n",
                        rounded(gatewayAnswer), rounded(chromiumAnswer), rounded(gatewayOpen), rounded(chromiumOpen));
                System.out.printf("    Chromium answer relayed by this program in %.1f ms (median): the answering browser "
                        + "already checks and handshakes meanwhile%n", median(chromiumRelay));
            } finally {
                app.close();
            }
        }
        System.exit(code);
    }

    /** The two browsers and a counter of session names. */
    static final class Bench {
        final NetNamespace ns;
        final ChromiumBrowser page;
        final ChromiumBrowser echo;
        int sessions;
        String lastEchoReport;

        Bench(NetNamespace ns, ChromiumBrowser page, ChromiumBrowser echo) {
            this.ns = ns;
            this.page = page;
            this.echo = echo;
        }

        Report gatewayEcho(Spec spec) {
            String name = "g" + ++sessions;
            try {
                page.eval("return await saturate.connectWhip(arguments[0], '/v1/whip?bridge=loopback', null);", name);
                return Saturation.run(page, name, spec, RUN_LIMIT);
            } finally {
                page.eval("return await saturate.close(arguments[0]);", name);
            }
        }

        Report chromiumEcho(Spec spec) {
            String name = "c" + ++sessions;
            try {
                connectToEcho(name);
                Report r = Saturation.run(page, name, spec, RUN_LIMIT);
                lastEchoReport = echo.eval("return saturate.echoReport(arguments[0]);", name);
                return r;
            } finally {
                page.eval("return await saturate.close(arguments[0]);", name);
                echo.eval("return await saturate.close(arguments[0]);", name);
            }
        }

        /**
         * {answerMs, openMs, relayMs, totalMs}: the offering page's channel opened against the echoing
         * browser; relayMs from the answer's completion to its application in the offering page;
         * totalMs from the offer's application in the echoing browser until the channel opened.
         */
        double[] connectToEcho(String name) {
            String offer = page.eval("return await saturate.offer(arguments[0], null);", name);
            Map<?, ?> answer = (Map<?, ?>) echo.evalJson(
                    "return await saturate.answer(arguments[0], arguments[1], 'echo', null);", name, offer);
            Map<?, ?> opened = (Map<?, ?>) page.evalJson("return await saturate.accept(arguments[0], arguments[1]);",
                    name, answer.get("sdp"));
            return new double[] {number(answer, "answerMs"), number(opened, "openMs"),
                number(opened, "appliedAt") - number(answer, "answeredAt"),
                number(opened, "openAt") - number(answer, "offerAppliedAt")};
        }

        double[] gatewaySetup() {
            String name = "gs" + ++sessions;
            try {
                Map<?, ?> r = (Map<?, ?>) page.evalJson(
                        "return await saturate.connectWhip(arguments[0], '/v1/whip?bridge=loopback', null);", name);
                return new double[] {number(r, "postMs"), number(r, "openMs"), 0, number(r, "totalMs")};
            } finally {
                page.eval("return await saturate.close(arguments[0]);", name);
            }
        }

        double[] chromiumSetup() {
            String name = "cs" + ++sessions;
            try {
                return connectToEcho(name);
            } finally {
                page.eval("return await saturate.close(arguments[0]);", name);
                echo.eval("return await saturate.close(arguments[0]);", name);
            }
        }

        long drops() throws Exception {
            return Saturation.receiveBufferDrops(ns);
        }
    }

    static double number(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    static String rate(Report r) {
        return r.complete() ? String.format("%.1f", r.decimal("megabytesPerSecond")) : "INCOMPLETE";
    }

    static List<String> rounded(List<Double> values) {
        return values.stream().map(v -> String.format("%.1f", v)).toList();
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
