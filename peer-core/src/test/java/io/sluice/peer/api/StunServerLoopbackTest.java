package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.peer.stun.StunAttribute;
import io.sluice.peer.stun.StunClass;
import io.sluice.peer.stun.StunMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server-reflexive gathering over real sockets against a STUN server started by the test on
 * loopback. The server plays a NAT: it reports every client at 127.0.0.55, so the reflexive
 * address differs from the host one and the candidate is kept.
 */
@Timeout(30)
class StunServerLoopbackTest {

    /** A Binding server answering from its own thread; {@code answer=false} makes it a black hole. */
    static final class StunServer implements AutoCloseable {
        final DatagramSocket socket;
        final Thread thread;
        final CopyOnWriteArrayList<InetSocketAddress> requestsFrom = new CopyOnWriteArrayList<>();

        StunServer(boolean answer) throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(() -> {
                byte[] buf = new byte[1500];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                        requestsFrom.add(from);
                        if (!answer) {
                            continue;
                        }
                        StunMessage req = StunMessage.parse(p.getData(), p.getOffset(), p.getLength());
                        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("127.0.0.55"),
                                from.getPort());
                        byte[] resp = StunMessage.builder(StunMessage.BINDING, StunClass.SUCCESS_RESPONSE,
                                req.transactionId()).add(new StunAttribute.XorMappedAddress(mapped)).build()
                                .encode();
                        socket.send(new DatagramPacket(resp, resp.length, from));
                    } catch (Exception e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "test-stun-server");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "stun:127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2000);
        }
    }

    private static RTCPeerConnection peer(String stunUrl, List<RTCPeerConnectionIceEvent> candidates,
            List<RTCPeerConnectionIceErrorEvent> errors, CompletableFuture<Void> complete) {
        RTCPeerConnection pc = new RTCPeerConnection(
                RTCConfiguration.builder().iceServer(RTCIceServer.of(stunUrl)).build(),
                PeerPair.settings(InetAddress.getLoopbackAddress()));
        pc.addListener(new PeerConnectionListener() {
            @Override
            public void onIceCandidate(RTCPeerConnectionIceEvent event) {
                if (event.candidate() == null) {
                    complete.complete(null);
                } else if (!event.candidate().candidate().isEmpty()) {
                    candidates.add(event);
                }
            }

            @Override
            public void onIceCandidateError(RTCPeerConnectionIceErrorEvent event) {
                errors.add(event);
            }
        });
        return pc;
    }

    @Test
    void serverReflexiveCandidateFromAStunServer() throws Exception {
        try (StunServer server = new StunServer(true)) {
            List<RTCPeerConnectionIceEvent> candidates = new CopyOnWriteArrayList<>();
            List<RTCPeerConnectionIceErrorEvent> errors = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> complete = new CompletableFuture<>();
            RTCPeerConnection pc = peer(server.url(), candidates, errors, complete);
            try {
                pc.createDataChannel("x");
                pc.setLocalDescription().get(5, TimeUnit.SECONDS);
                complete.get(10, TimeUnit.SECONDS);
                int hostPort = pc.localSocketAddresses().get(0).getPort();
                assertThat(candidates).extracting(e -> e.candidate().candidate())
                        .anySatisfy(c -> assertThat(c).contains(" 127.0.0.1 " + hostPort + " typ host"))
                        .anySatisfy(c -> assertThat(c).contains(" 127.0.0.55 " + hostPort + " typ srflx raddr 127.0.0.1 rport "
                                + hostPort));
                assertThat(errors).isEmpty();
                assertThat(server.requestsFrom).contains(pc.localSocketAddresses().get(0));
                assertThat(pc.localDescription().sdp()).contains("typ srflx").contains("a=end-of-candidates");
            } finally {
                pc.close();
            }
        }
    }

    @Test
    void unansweredStunServerGivesAnIceCandidateError() throws Exception {
        try (StunServer server = new StunServer(false)) {
            List<RTCPeerConnectionIceEvent> candidates = new CopyOnWriteArrayList<>();
            List<RTCPeerConnectionIceErrorEvent> errors = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> complete = new CompletableFuture<>();
            RTCPeerConnection pc = peer(server.url(), candidates, errors, complete);
            try {
                pc.createDataChannel("x");
                pc.setLocalDescription().get(5, TimeUnit.SECONDS);
                complete.get(20, TimeUnit.SECONDS);
                assertThat(errors).singleElement().satisfies(e -> {
                    assertThat(e.url()).isEqualTo(server.url());
                    assertThat(e.errorCode()).isEqualTo(701);
                    assertThat(e.address()).isEqualTo("127.0.0.1");
                });
                assertThat(candidates).extracting(e -> e.candidate().candidate()).allMatch(c -> c.contains("typ host"));
                assertThat(server.requestsFrom.size()).isGreaterThan(1); // retransmitted before giving up
            } finally {
                pc.close();
            }
        }
    }

    @Test
    void junkAndUnauthenticatedChecksAreDroppedAndCounted() throws Exception {
        RTCPeerConnection pc = new RTCPeerConnection(RTCConfiguration.defaults(),
                PeerPair.settings(InetAddress.getLoopbackAddress()));
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            pc.createDataChannel("x");
            pc.setLocalDescription().get(5, TimeUnit.SECONDS);
            InetSocketAddress target = pc.localSocketAddresses().get(0);
            byte[] check = StunMessage.builder(StunMessage.BINDING, StunClass.REQUEST,
                    io.sluice.peer.stun.TransactionId.random(io.sluice.peer.time.RandomSource.seeded(5)))
                    .add(new StunAttribute.Username("nobody:here")).build().encode();
            attacker.send(new DatagramPacket(check, check.length, target));
            byte[] junk = {(byte) 0xff, 1, 2, 3};
            attacker.send(new DatagramPacket(junk, junk.length, target));
            io.sluice.peer.interop.Interop.waitFor(() -> {
                java.util.Map<String, Long> d = pc.dropCounts().join();
                return d.keySet().stream().anyMatch(k -> k.startsWith("ice:")) && d.containsKey("udp:unclassified");
            }, java.time.Duration.ofSeconds(5), "drops counted by layer and reason");
            assertThat(pc.connectionState()).isEqualTo(RTCPeerConnectionState.NEW);
        } finally {
            pc.close();
        }
    }
}
