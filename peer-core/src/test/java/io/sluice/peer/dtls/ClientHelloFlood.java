package io.sluice.peer.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Floods targets with well-formed DTLS 1.2 ClientHellos from other loopback addresses
 * (127.0.0.2, 127.0.0.3, ...), each from a socket of its own: what an attacker who can reach the
 * port but took no part in ICE sends. Loopback only; targets can change while it runs.
 */
public final class ClientHelloFlood implements AutoCloseable {

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private volatile List<InetSocketAddress> targets = List.of();
    private volatile boolean running = true;

    /**
     * @param sources    how many loopback source addresses, from 127.0.0.2 up
     * @param perMilli   ClientHellos each source sends to each target per millisecond
     */
    public ClientHelloFlood(int sources, int perMilli) throws IOException {
        for (int i = 0; i < sources; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            sockets.add(new DatagramSocket(new InetSocketAddress(a, 0)));
        }
        thread = new Thread(() -> run(perMilli), "client-hello-flood");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where the flood goes from now on (loopback addresses only). */
    public void target(List<InetSocketAddress> to) {
        for (InetSocketAddress t : to) {
            if (!t.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("the flood goes to loopback only: " + t);
            }
        }
        targets = List.copyOf(to);
    }

    /** ClientHellos sent so far. */
    public long sent() {
        return sent.get();
    }

    private void run(int perMilli) {
        long seq = 0;
        while (running) {
            for (InetSocketAddress t : targets) {
                for (DatagramSocket s : sockets) {
                    for (int i = 0; i < perMilli; i++) {
                        byte[] hello = clientHello(seq++);
                        try {
                            s.send(new DatagramPacket(hello, hello.length, t));
                            sent.incrementAndGet();
                        } catch (IOException e) {
                            // a closed or full socket: go on
                        }
                    }
                }
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A DTLS 1.2 record holding a whole ClientHello: one ECDHE-ECDSA suite, no cookie, no extensions. */
    public static byte[] clientHello(long recordSequence) {
        byte[] body = new byte[2 + 32 + 1 + 1 + 4 + 2];
        int p = 0;
        body[p++] = (byte) 0xfe;
        body[p++] = (byte) 0xfd;
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        System.arraycopy(random, 0, body, p, 32);
        p += 32;
        body[p++] = 0; // session id
        body[p++] = 0; // cookie
        body[p++] = 0;
        body[p++] = 2;
        body[p++] = (byte) 0xc0;
        body[p++] = 0x2b;
        body[p++] = 1; // compression methods: null
        body[p] = 0;
        int hs = 12 + body.length;
        byte[] d = new byte[DtlsRecordHeader.LENGTH + hs];
        d[0] = DtlsRecordHeader.HANDSHAKE;
        d[1] = (byte) 0xfe;
        d[2] = (byte) 0xfd;
        for (int i = 0; i < 6; i++) {
            d[5 + i] = (byte) (recordSequence >>> (8 * (5 - i)));
        }
        d[11] = (byte) (hs >>> 8);
        d[12] = (byte) hs;
        int h = DtlsRecordHeader.LENGTH;
        d[h] = 1; // client_hello
        d[h + 1] = 0;
        d[h + 2] = (byte) (body.length >>> 8);
        d[h + 3] = (byte) body.length;
        // message_seq 0, fragment_offset 0
        d[h + 9] = 0;
        d[h + 10] = (byte) (body.length >>> 8);
        d[h + 11] = (byte) body.length;
        System.arraycopy(body, 0, d, h + 12, body.length);
        return d;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
        for (DatagramSocket s : sockets) {
            s.close();
        }
    }
}
