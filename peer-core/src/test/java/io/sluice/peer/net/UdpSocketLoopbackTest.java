package io.sluice.peer.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class UdpSocketLoopbackTest {

    static NetworkRuntime epoll;
    static NetworkRuntime nio;

    @BeforeAll
    static void start() {
        epoll = NetworkRuntime.create(1, 1);
        nio = NetworkRuntime.createNio(1, 1);
    }

    @AfterAll
    static void stop() {
        epoll.close();
        nio.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void datagramsCrossLoopbackBothTransports(String address) throws Exception {
        for (NetworkRuntime rt : new NetworkRuntime[] {epoll, nio}) {
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            InetSocketAddress any = new InetSocketAddress(InetAddress.getByName(address), 0);
            UdpSocket a = UdpSocket.bind(rt, rt.nextLoop(), any, UdpSocket.DEFAULT_BUFFER_BYTES,
                    (s, from, data) -> received.add(data)).get(5, TimeUnit.SECONDS);
            UdpSocket b = UdpSocket.bind(rt, rt.nextLoop(), any, UdpSocket.DEFAULT_BUFFER_BYTES,
                    (s, from, data) -> s.send(from, data)).get(5, TimeUnit.SECONDS);
            try {
                byte[] payload = new byte[1200];
                payload[0] = 23;
                payload[1199] = 42;
                a.send(b.localAddress(), payload);
                byte[] echoed = received.poll(5, TimeUnit.SECONDS);
                assertThat(echoed).isEqualTo(payload);
                // Linux reports twice the granted size; with rmem_max at 4 MiB or more, at least 4 MiB.
                assertThat(a.grantedReceiveBuffer()).isGreaterThan(200 * 1024);
            } finally {
                a.close().get(5, TimeUnit.SECONDS);
                b.close().get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(epoll.isEpoll()).isTrue();
        assertThat(nio.isEpoll()).isFalse();
    }
}
