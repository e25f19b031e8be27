package io.sluice.peer.bench;

import io.sluice.peer.interop.ChromiumBrowser;
import io.sluice.peer.interop.NetNamespace;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.json.Json;

/**
 * Throughput of one reliable ordered data channel. The reference is Chromium to Chromium: two
 * RTCPeerConnections in one page of headless Chromium (in a network namespace, connected over its
 * veth address), measured in the same run as the peer-core figures.
 *
 * <p>Run: {@code bench/peer-core.sh DataChannelThroughputBenchmark [megabytes] [messageBytes]}.
 */
public final class DataChannelThroughputBenchmark {

    /** JS: sends {@code total} bytes in {@code size}-byte messages from a to b, keeping at most 4 MiB buffered. */
    static final String CHROMIUM_TO_CHROMIUM = """
            const total = arguments[0], size = arguments[1];
            const a = new RTCPeerConnection(), b = new RTCPeerConnection();
            a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
            b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
            const ch = a.createDataChannel('bench');
            let received = 0, done;
            const finished = new Promise(r => done = r);
            b.ondatachannel = e => { e.channel.binaryType = 'arraybuffer';
              e.channel.onmessage = m => { received += m.data.byteLength; if (received >= total) done(performance.now()); }; };
            await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
            await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
            await new Promise(r => ch.onopen = r);
            const payload = new Uint8Array(size);
            const high = 4 * 1024 * 1024, low = 1024 * 1024;
            ch.bufferedAmountLowThreshold = low;
            const t0 = performance.now();
            let sent = 0;
            while (sent < total) {
              while (sent < total && ch.bufferedAmount < high) { ch.send(payload); sent += size; }
              if (sent < total) await new Promise(r => ch.onbufferedamountlow = r);
            }
            const t1 = await finished;
            a.close(); b.close();
            return String(total / ((t1 - t0) / 1000) / 1e6);
            """;

    public static void main(String[] args) throws Exception {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 65536;
        long total = (long) megabytes * 1_000_000 / size * size;
        try (NetNamespace ns = NetNamespace.create();
                ChromiumBrowser browser = ChromiumBrowser.inNamespace(ns).mdns(false)
                        .scriptTimeout(Duration.ofMinutes(5)).start()) {
            for (int run = 0; run < 3; run++) {
                double cc = Double.parseDouble(browser.eval(CHROMIUM_TO_CHROMIUM, total, size));
                System.out.printf("run %d: Chromium → Chromium %.1f MB/s (%d MB in %d-byte messages)%n", run, cc,
                        total / 1_000_000, size);
            }
        }
        System.exit(0);
    }

    static Map<String, Object> parse(String json) {
        return new Json().toType(json, Json.MAP_TYPE);
    }
}
