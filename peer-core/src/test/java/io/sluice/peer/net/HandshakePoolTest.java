package io.sluice.peer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handshake pool: bounded threads, a bounded queue that refuses rather than blocks, a bound per source. */
@Timeout(30)
class HandshakePoolTest {

    @Test
    void beyondThreadsAndQueueHandshakesAreRefusedAtOnce() throws Exception {
        try (NetworkRuntime rt = NetworkRuntime.create(1, 2, 1, 100)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch ran = new CountDownLatch(3);
            Runnable hold = () -> {
                ran.countDown();
                await(release);
            };
            InetAddress src = InetAddress.getByName("127.0.0.2");
            rt.executeHandshake(src, hold);
            rt.executeHandshake(src, hold);
            rt.executeHandshake(src, hold); // queued
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rt.executeHandshake(src, hold)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("full");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("refused, not blocked").isLessThan(1000);
            assertThat(rt.handshakeStats().waiting()).isEqualTo(1);
            assertThat(rt.handshakeStats().refused()).isEqualTo(1);
            release.countDown();
            assertThat(ran.await(5, TimeUnit.SECONDS)).as("the queued one ran once a thread was free").isTrue();
        }
    }

    @Test
    void oneSourceCannotTakeMoreThanItsShare() throws Exception {
        try (NetworkRuntime rt = NetworkRuntime.create(1, 8, 8, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            Runnable hold = () -> await(release);
            InetAddress flood = InetAddress.getByName("127.0.0.2");
            InetAddress other = InetAddress.getByName("127.0.0.3");
            rt.executeHandshake(flood, hold);
            rt.executeHandshake(flood, hold);
            assertThatThrownBy(() -> rt.executeHandshake(flood, hold)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("127.0.0.2");
            CountDownLatch otherRan = new CountDownLatch(1);
            rt.executeHandshake(other, otherRan::countDown);
            assertThat(otherRan.await(5, TimeUnit.SECONDS)).as("another source still gets a thread").isTrue();
            release.countDown();
            // the source's share comes back when its handshakes end
            CountDownLatch again = new CountDownLatch(1);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    rt.executeHandshake(flood, again::countDown);
                    break;
                } catch (RejectedExecutionException e) {
                    assertThat(System.nanoTime()).isLessThan(end);
                    Thread.sleep(5);
                }
            }
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
