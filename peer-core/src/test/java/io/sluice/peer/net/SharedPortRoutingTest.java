package io.sluice.peer.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import io.sluice.peer.stun.TransactionId;
import io.sluice.peer.time.RandomSource;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who decides where a shared port sends a 5-tuple's non-STUN datagrams: only what the peer itself
 * sends (a request, or a success response to a request its ICE agent authenticated), never a
 * request that merely names a ufrag, which anyone can send from any (forged) source address.
 */
@Timeout(30)
class SharedPortRoutingTest {

    private static final byte[] DTLS = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @Test
    void aRequestNamingAnotherPeersUfragDoesNotTakeTheRoute() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (SharedUdpPort port = SharedUdpPort.bind(NetworkRuntime.shared(), List.of(lo), 0,
                UdpSocket.DEFAULT_BUFFER_BYTES).get(5, TimeUnit.SECONDS);
                DatagramSocket remote = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            UdpSocket socket = port.sockets().get(0);
            LinkedBlockingQueue<byte[]> toA = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<byte[]> toB = new LinkedBlockingQueue<>();
            SharedUdpPort.Registration a = port.register(NetworkRuntime.shared().nextLoop(), (s, f, d) -> toA.add(d));
            SharedUdpPort.Registration b = port.register(NetworkRuntime.shared().nextLoop(), (s, f, d) -> toB.add(d));
            a.addUfrag("aaaa");
            b.addUfrag("bbbb");
            InetSocketAddress x = (InetSocketAddress) remote.getLocalSocketAddress();
            remote.setSoTimeout(5000);

            // A checks x: x is A's from now on.
            a.send(socket, x, StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, id(1))
                    .add(new StunAttribute.Username("xxxx:aaaa")).build().encode(null, true));
            remote.receive(new DatagramPacket(new byte[1500], 1500));
            send(remote, socket, DTLS);
            assertThat(toA.poll(5, TimeUnit.SECONDS)).isEqualTo(DTLS);

            // From x, a request naming B's ufrag (without B's password): B's agent gets it to judge...
            byte[] forged = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST, id(2))
                    .add(new StunAttribute.Username("bbbb:xxxx")).build().encode(null, true);
            send(remote, socket, forged);
            assertThat(toB.poll(5, TimeUnit.SECONDS)).isEqualTo(forged);
            // ...but x's other datagrams still go to A.
            send(remote, socket, DTLS);
            assertThat(toA.poll(5, TimeUnit.SECONDS)).isEqualTo(DTLS);
            assertThat(toB.poll(200, TimeUnit.MILLISECONDS)).isNull();

            // Once B answers a check of x with success (its agent authenticated it), x is B's.
            b.send(socket, x, StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE, id(3))
                    .add(new StunAttribute.XorMappedAddress(x)).build().encode(null, true));
            remote.receive(new DatagramPacket(new byte[1500], 1500));
            send(remote, socket, DTLS);
            assertThat(toB.poll(5, TimeUnit.SECONDS)).isEqualTo(DTLS);
            assertThat(toA.poll(200, TimeUnit.MILLISECONDS)).isNull();
            a.close();
            b.close();
        }
    }

    private static TransactionId id(long seed) {
        return TransactionId.random(RandomSource.seeded(seed));
    }

    private static void send(DatagramSocket from, UdpSocket to, byte[] data) throws Exception {
        from.send(new DatagramPacket(data, data.length, to.localAddress()));
    }
}
