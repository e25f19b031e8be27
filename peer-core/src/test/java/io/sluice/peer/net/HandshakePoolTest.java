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
    void whenEveryThreadIsBusyOneSourceGetsNoMoreThanItsShare() throws Exception {
        try (NetworkRuntime rt = NetworkRuntime.create(1, 2, 8, 1)) {
            CountDownLatch release = new CountDownLatch(1);
            Runnable hold = () -> await(release);
            InetAddress flood = InetAddress.getByName("127.0.0.2");
            InetAddress other = InetAddress.getByName("127.0.0.3");
            rt.executeHandshake(flood, hold);
            // a free thread: the same source may take it beyond its share
            rt.executeHandshake(flood, hold);
            waitUntil(() -> rt.handshakeStats().running() == 2);
            assertThatThrownBy(() -> rt.executeHandshake(flood, hold)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("127.0.0.2");
            CountDownLatch otherRan = new CountDownLatch(1);
            rt.executeHandshake(other, otherRan::countDown); // another source still gets in (it waits for a thread)
            assertThat(rt.handshakeStats().waiting()).isEqualTo(1);
            release.countDown();
            assertThat(otherRan.await(5, TimeUnit.SECONDS)).as("the other source's handshake ran").isTrue();
            // the flood's share comes back when its handshakes end
            waitUntil(() -> rt.handshakeStats().running() == 0);
            CountDownLatch again = new CountDownLatch(1);
            rt.executeHandshake(flood, again::countDown);
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition in time").isLessThan(end);
            Thread.sleep(5);
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
