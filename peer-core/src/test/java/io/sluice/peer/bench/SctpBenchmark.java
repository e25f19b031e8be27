package io.sluice.peer.bench;

import io.sluice.peer.sctp.SctpAssociation;
import io.sluice.peer.sctp.SctpCore;
import io.sluice.peer.sctp.SctpEvent;
import io.sluice.peer.sctp.SctpOptions;
import io.sluice.peer.time.RandomSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SCTP packet handling on one core: two associations wired back to back in memory, no DTLS, no
 * sockets. One operation sends one message and delivers every packet it causes (DATA one way,
 * SACKs back) until both sides are idle; the score divided into the message size is the
 * association's own ceiling in bytes per second per core.
 *
 * <p>Run: {@code bench/peer-core.sh Jmh SctpBenchmark} (JMH options may follow).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-da")
public class SctpBenchmark {

    @Param({"1100", "65536"})
    int messageBytes;

    private SctpAssociation a;
    private SctpAssociation b;
    private byte[] payload;
    private long now;

    @Setup
    public void connect() {
        a = new SctpAssociation(SctpOptions.defaults(), RandomSource.seeded(1));
        b = new SctpAssociation(SctpOptions.defaults(), RandomSource.seeded(2));
        payload = new byte[messageBytes];
        now = 1_000_000_000L;
        a.connect(now);
        b.connect(now);
        pump(null);
        if (a.state() != SctpCore.SctpState.CONNECTED || b.state() != SctpCore.SctpState.CONNECTED) {
            throw new IllegalStateException("associations did not connect");
        }
    }

    private void pump(Blackhole bh) {
        boolean moved = true;
        while (moved) {
            moved = false;
            byte[] p;
            while ((p = a.pollTransmit()) != null) {
                b.handlePacket(now, p, 0, p.length);
                moved = true;
            }
            while ((p = b.pollTransmit()) != null) {
                a.handlePacket(now, p, 0, p.length);
                moved = true;
            }
            SctpEvent e;
            while ((e = b.pollEvent()) != null) {
                if (e.kind() == SctpEvent.Kind.MESSAGE) {
                    SctpEvent.Message m = (SctpEvent.Message) e;
                    b.consumed(m.payload().length);
                    if (bh != null) {
                        bh.consume(m);
                    }
                }
            }
            while (a.pollEvent() != null) {
                // buffered-amount reports
            }
            if (!moved && b.nextDeadline() <= now + 200_000_000L) {
                now += 200_000_000L; // let the delayed SACK go out
                b.handleTimeout(now);
                a.handleTimeout(now);
                moved = true;
            }
        }
    }

    @Benchmark
    public void sendAndDeliverOneMessage(Blackhole bh) {
        a.send(1, 53, payload, false, SctpCore.Reliability.RELIABLE, now);
        pump(bh);
    }
}
