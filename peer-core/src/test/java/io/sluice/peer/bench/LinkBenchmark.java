package io.sluice.peer.bench;

import io.sluice.peer.api.PeerConnectionSettings;
import io.sluice.peer.api.RTCDataChannel;
import io.sluice.peer.api.RTCSessionDescription;
import io.sluice.peer.net.AddressFilter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One reliable ordered data channel against TCP over the same emulated link (bench/link/run.sh:
 * two network namespaces joined by TUN devices and a shaping pump). Runs as two processes, one per
 * namespace; they exchange complete descriptions through files in a shared directory. Throughput
 * is measured at the receiver, from the first byte to the last.
 *
 * <p>{@code LinkBenchmark receiver DIR MEGABYTES} in the namespace of 10.99.0.2, then
 * {@code LinkBenchmark sender DIR MEGABYTES} in the namespace of 10.99.0.1.
 */
public final class LinkBenchmark {

    static final String RECEIVER = "10.99.0.2";
    static final String SENDER = "10.99.0.1";
    static final int CHUNK = 65536;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        long total = Long.parseLong(args[2]) * 1_000_000 / CHUNK * CHUNK;
        if (args[0].equals("receiver")) {
            receiver(dir, total);
        } else {
            sender(dir, total);
        }
        System.exit(0);
    }

    static PeerConnectionSettings settings(String address) throws Exception {
        return PeerConnectionSettings.defaults()
                .withAddressFilter(AddressFilter.only(List.of(InetAddress.getByName(address))));
    }

    static void await(Path file) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("no " + file);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    static void receiver(Path dir, long total) throws Exception {
        // TCP first
        double tcp;
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(8 << 20);
            server.bind(new InetSocketAddress(RECEIVER, 9000));
            Files.writeString(dir.resolve("tcp-ready"), "ok");
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[1 << 16];
                long got = 0;
                long t0 = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (got == 0) {
                        t0 = System.nanoTime();
                    }
                    got += n;
                }
                tcp = (got - CHUNK) / ((System.nanoTime() - t0) / 1e9) / 1e6;
            }
        }
        // then one data channel
        DataChannelThroughputBenchmark.Peer ours = new DataChannelThroughputBenchmark.Peer(settings(RECEIVER));
        await(dir.resolve("offer.sdp"));
        ours.pc.setRemoteDescription(RTCSessionDescription.offer(Files.readString(dir.resolve("offer.sdp"))))
                .get(5, TimeUnit.SECONDS);
        ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        Files.writeString(dir.resolve("answer.tmp"), ours.completeDescription());
        Files.move(dir.resolve("answer.tmp"), dir.resolve("answer.sdp"));
        RTCDataChannel ch = ours.remoteChannel.get(60, TimeUnit.SECONDS);
        AtomicLong got = new AtomicLong();
        long[] t0 = new long[1];
        CompletableFuture<Long> done = new CompletableFuture<>();
        ch.addListener(new io.sluice.peer.api.DataChannelListener() {
            @Override
            public void onMessage(byte[] data) {
                if (got.get() == 0) {
                    t0[0] = System.nanoTime();
                }
                if (got.addAndGet(data.length) >= total) {
                    done.complete(System.nanoTime());
                }
            }
        });
        long t1 = done.get(10, TimeUnit.MINUTES);
        if (System.getenv("SCTP_REPORT") != null) {
            System.err.println("receiver " + ours.pc.sctpStats().join() + " " + ours.pc.dropCounts().join());
        }
        double sctp = (total - CHUNK) / ((t1 - t0[0]) / 1e9) / 1e6;
        String result = String.format("TCP %.2f MB/s, data channel %.2f MB/s, ratio %.2f", tcp, sctp, sctp / tcp);
        System.out.println(result);
        Files.writeString(dir.resolve("result.txt"), result + "\n");
        ours.close();
    }

    static void sender(Path dir, long total) throws Exception {
        await(dir.resolve("tcp-ready"));
        try (Socket s = new Socket()) {
            s.setSendBufferSize(8 << 20);
            s.connect(new InetSocketAddress(RECEIVER, 9000));
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            for (long sent = 0; sent < total; sent += CHUNK) {
                out.write(chunk);
            }
        }
        DataChannelThroughputBenchmark.Peer ours = new DataChannelThroughputBenchmark.Peer(settings(SENDER));
        RTCDataChannel ch = ours.pc.createDataChannel("link");
        CompletableFuture<Void> open = DataChannelThroughputBenchmark.opened(ch);
        ours.pc.setLocalDescription().get(5, TimeUnit.SECONDS);
        Files.writeString(dir.resolve("offer.tmp"), ours.completeDescription());
        Files.move(dir.resolve("offer.tmp"), dir.resolve("offer.sdp"));
        await(dir.resolve("answer.sdp"));
        ours.pc.setRemoteDescription(RTCSessionDescription.answer(Files.readString(dir.resolve("answer.sdp"),
                StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        open.get(60, TimeUnit.SECONDS);
        java.util.concurrent.ScheduledExecutorService report = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        if (System.getenv("SCTP_REPORT") != null) {
            report.scheduleAtFixedRate(() -> System.err.println("sender " + ours.pc.sctpStats().join()), 1, 1,
                    TimeUnit.SECONDS);
        }
        DataChannelThroughputBenchmark.send(ch, total, CHUNK);
        await(dir.resolve("result.txt"));
        report.shutdownNow();
        ours.close();
    }
}
