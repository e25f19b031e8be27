package io.sluice.gateway.bench;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.gateway.interop.ExternalPeers;
import io.sluice.gateway.interop.ExternalPeers.Result;
import io.sluice.gateway.interop.ExternalPeers.Server;
import io.sluice.gateway.interop.ExternalPeers.Stack;
import io.sluice.peer.interop.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Independent stacks against the gateway and against themselves, in one run: for each client
 * (Pion, aiortc; see {@link ExternalPeers}) the 64 MiB echo (16 KiB binary messages, sent as fast
 * as the client's flow control allows, every byte checked) and the setup time (median over 10
 * sequential connections of POST→201 and answer applied→channel open), once against the gateway
 * started in this process (one-call form, loopback bridge) and once against the same stack's own
 * echo server, and as a further reference against the other stack's server. Each figure is the
 * median of {@code runs} runs, the runs of the targets interleaved; the ratio is gateway / own
 * server. A bulk run that did not echo everything counts as 0 MB/s.
 *
 * <p>The clients run in a network namespace; the gateway and the reference servers listen and
 * gather on its veth's host address only.
 *
 * <p>Run: {@code bench/interop-echo.sh [runs] [stacks] [bytes]} (root; Debian's golang-go,
 * golang-github-pion-webrtc.v3-dev, python3-aiortc), e.g. {@code bench/interop-echo.sh 3 pion,aiortc}.
 */
public final class InteropEchoBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Stack> stacks = (args.length > 1 ? Arrays.stream(args[1].split(",")) : Arrays.stream(new String[] {
            "pion", "aiortc"})).map(s -> Stack.valueOf(s.trim().toUpperCase())).toList();
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 64 << 20;
        for (Stack stack : stacks) {
            Optional<String> missing = ExternalPeers.missingPrerequisite(stack);
            if (missing.isPresent()) {
                throw new IllegalStateException(stack.id() + " needs " + missing.get());
            }
        }
        System.out.println(machine());
        List<String> rows = new ArrayList<>();
        try (NetNamespace ns = NetNamespace.create()) {
            String host = ns.hostAddress().getHostAddress();
            ConfigurableApplicationContext app = SpringApplication.run(SluiceGatewayApplication.class,
                    "--server.port=0", "--server.address=" + host, "--sluice.ice.addresses=" + host,
                    "--logging.level.root=WARN", "--logging.level.io.sluice=WARN",
                    "--sluice.limits.requests-per-second=0", "--sluice.bridges.kafka.enabled=false",
                    "--sluice.security.open=true");
            String gateway = "http://" + host + ":" + app.getEnvironment().getProperty("local.server.port")
                    + "/v1/whip?bridge=loopback";
            Map<Stack, Server> servers = new LinkedHashMap<>();
            try {
                for (Stack stack : stacks) {
                    servers.put(stack, ExternalPeers.startServer(stack, ns.hostAddress()));
                }
                for (Stack stack : stacks) {
                    Map<String, String> targets = new LinkedHashMap<>();
                    targets.put("gateway", gateway);
                    targets.put(stack.id() + "'s own server", servers.get(stack).url());
                    servers.forEach((other, server) -> {
                        if (other != stack) {
                            targets.put(other.id() + "'s server", server.url());
                        }
                    });
                    measure(ns, stack, targets, runs, bytes, rows);
                }
            } finally {
                servers.values().forEach(Server::close);
            }
            app.close();
        }
        System.out.printf("%n64 MiB echo (%d bytes, 16 KiB messages) and setup (10 sequential connections), "
                + "medians of %d runs%n", bytes, runs);
        System.out.println("| client | server | echo MB/s (runs) | POST→201 ms | answer→open ms |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    /** Bulk and setup runs against every target, interleaved; one table row per target. */
    private static void measure(NetNamespace ns, Stack stack, Map<String, String> targets, int runs, int bytes,
            List<String> rows) throws Exception {
        Map<String, List<Result>> bulk = new LinkedHashMap<>();
        Map<String, List<Result>> setup = new LinkedHashMap<>();
        // Warm-up: one connection each (JIT of the gateway's paths, the servers' first peer).
        for (String url : targets.values()) {
            run(ns, stack, "--url", url, "--mode", "setup", "--connections", "1");
        }
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, String> t : targets.entrySet()) {
                bulk.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(run(ns, stack, "--url", t.getValue(),
                        "--mode", "bulk", "--bytes", Integer.toString(bytes), "--size", "16384"));
                setup.computeIfAbsent(t.getKey(), k -> new ArrayList<>()).add(run(ns, stack, "--url", t.getValue(),
                        "--mode", "setup", "--connections", "10"));
            }
        }
        Map<String, double[]> figures = new LinkedHashMap<>();
        for (String target : targets.keySet()) {
            // A failed bulk run counts as 0 MB/s: it did not echo everything.
            double mbps = median(bulk.get(target).stream().map(r -> r.ok() ? r.mbPerSec() : 0).toList());
            double post = median(setup.get(target).stream().filter(Result::ok).map(Result::postMs).toList());
            double open = median(setup.get(target).stream().filter(Result::ok).map(Result::openMs).toList());
            figures.put(target, new double[] {mbps, post, open});
            long failed = bulk.get(target).stream().filter(r -> !r.ok()).count()
                    + setup.get(target).stream().filter(r -> !r.ok()).count();
            rows.add(String.format("| %s | %s | %.1f (%s) | %.1f | %.1f |%s", stack.id(), target, mbps,
                    String.join(", ", bulk.get(target).stream().map(r -> r.ok() ? String.format("%.1f", r.mbPerSec())
                            : "failed").toList()), post, open, failed > 0 ? " " + failed + " failed run(s)" : ""));
        }
        double[] g = figures.get("gateway");
        double[] o = figures.get(stack.id() + "'s own server");
        rows.add(String.format("| %s | ratio gateway / own server | %.2f | %.2f | %.2f |", stack.id(), g[0] / o[0],
                g[1] / o[1], g[2] / o[2]));
    }

    private static Result run(NetNamespace ns, Stack stack, String... args) throws Exception {
        Result r = ExternalPeers.runClient(ns, stack, Duration.ofMinutes(10), args);
        System.out.println(r.line());
        if (!r.ok() && !r.stderr().isBlank()) {
            System.out.println("  stderr: " + r.stderr().lines().reduce((a, b) -> b).orElse(""));
        }
        return r;
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return String.format("machine: %s, %d cores, Java %s, %s %s", cpu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"));
    }
}
