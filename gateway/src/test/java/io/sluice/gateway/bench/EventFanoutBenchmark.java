package io.sluice.gateway.bench;

import io.sluice.gateway.SluiceGatewayApplication;
import io.sluice.gateway.testing.EventFanout;
import io.sluice.gateway.testing.StalledSubscriber;
import java.util.Locale;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Events of other peers while one subscriber stalls: a gateway on loopback, a flood peer (its
 * remote sends 32 KiB messages as fast as its channel takes them), and {@code pingPeers} peers whose
 * remotes send a timestamp every {@code pingEveryMillis}; a reading subscriber (WebSocket or SSE)
 * takes the ping peers' events. For each kind: {@code seconds} without a stalled subscriber, then
 * {@code seconds} with a raw socket subscribed to the flood peer that never reads. Prints ping events
 * sent and delivered per second, and how late they arrived (p50, p99, max).
 *
 * <pre>bench/gateway.sh EventFanoutBenchmark [seconds] [pingPeers] [pingEveryMillis]</pre>
 */
public final class EventFanoutBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int pingPeers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long every = args.length > 2 ? Long.parseLong(args[2]) : 2;
        ConfigurableApplicationContext app = SpringApplication.run(SluiceGatewayApplication.class,
                "--server.port=0", "--server.address=127.0.0.1", "--sluice.ice.loopback=true",
                "--sluice.ice.addresses=127.0.0.1", "--logging.level.root=WARN", "--logging.level.io.sluice=WARN",
                "--sluice.limits.requests-per-second=0", "--sluice.bridges.kafka.enabled=false");
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        System.out.printf(Locale.ROOT, "%d ping peers, a ping each per %d ms, %d s a phase%n", pingPeers, every, seconds);
        System.out.println("| subscriber | stalled subscriber on the flood peer | pings sent/s | ping events/s delivered"
                + " | p50 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        try {
            for (EventFanout.Kind kind : EventFanout.Kind.values()) {
                try (EventFanout fanout = new EventFanout(port, pingPeers, every)) {
                    fanout.subscribe(kind);
                    fanout.start(true);
                    Thread.sleep(5000); // warm-up
                    fanout.takeLatencies();
                    fanout.takePingsSent();
                    Thread.sleep(seconds * 1000L);
                    print(kind, "no", fanout.takePingsSent(), fanout.takeLatencies(), seconds);
                    try (StalledSubscriber stalled = kind == EventFanout.Kind.WEBSOCKET
                            ? StalledSubscriber.webSocket(port, "{\"id\":\"1\",\"op\":\"subscribe\",\"peerId\":\""
                                    + fanout.flood.peerId + "\"}")
                            : StalledSubscriber.eventStream(port, fanout.flood.peerId)) {
                        Thread.sleep(seconds * 1000L);
                        print(kind, "yes", fanout.takePingsSent(), fanout.takeLatencies(), seconds);
                    }
                }
            }
        } finally {
            app.close();
        }
        System.exit(0);
    }

    private static void print(EventFanout.Kind kind, String stalled, long sent, double[] ms, int seconds) {
        double p50 = ms.length == 0 ? Double.NaN : ms[(int) (ms.length * 0.5)];
        double p99 = ms.length == 0 ? Double.NaN : ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))];
        double max = ms.length == 0 ? Double.NaN : ms[ms.length - 1];
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.1f | %.1f | %.1f |%n",
                kind.name().toLowerCase(Locale.ROOT), stalled, sent / (double) seconds, ms.length / (double) seconds, p50,
                p99, max);
    }
}
