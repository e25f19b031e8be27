package io.sluice.peer.stun;

import io.sluice.peer.wire.ByteReader;
import io.sluice.peer.wire.ByteWriter;
import io.sluice.peer.wire.MalformedPacketException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The shared address layout of MAPPED-ADDRESS and XOR-MAPPED-ADDRESS (RFC 8489 §14.1, §14.2). */
final class Addresses {
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private Addresses() {
    }

    static void requireResolved(InetSocketAddress a) {
        if (a == null || a.isUnresolved()) {
            throw new IllegalArgumentException("address must be resolved: " + a);
        }
    }

    static int encodedLength(InetSocketAddress a) {
        return 4 + a.getAddress().getAddress().length;
    }

    static void write(ByteWriter w, InetSocketAddress a, TransactionId txId) {
        byte[] ip = a.getAddress().getAddress();
        int port = a.getPort();
        if (txId != null) {
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
            xor(ip, txId);
        }
        w.u8(0).u8(ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6).u16(port).bytes(ip);
    }

    static InetSocketAddress read(ByteReader r, TransactionId txId) throws MalformedPacketException {
        int at = r.position();
        r.u8(); // reserved, ignored
        int family = r.u8();
        int port = r.u16();
        int n;
        if (family == FAMILY_IPV4) {
            n = 4;
        } else if (family == FAMILY_IPV6) {
            n = 16;
        } else {
            throw new MalformedPacketException("address family " + family, at);
        }
        if (r.remaining() != n) {
            throw new MalformedPacketException("address length " + (4 + r.remaining()) + " for family "
                    + family, at);
        }
        byte[] ip = r.bytes(n);
        if (txId != null) {
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
            xor(ip, txId);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new MalformedPacketException("address", at); // unreachable: length is 4 or 16
        }
    }

    private static void xor(byte[] ip, TransactionId txId) {
        int c = StunMessage.MAGIC_COOKIE;
        byte[] mask = new byte[16];
        mask[0] = (byte) (c >>> 24);
        mask[1] = (byte) (c >>> 16);
        mask[2] = (byte) (c >>> 8);
        mask[3] = (byte) c;
        System.arraycopy(txId.raw(), 0, mask, 4, 12);
        for (int i = 0; i < ip.length; i++) {
            ip[i] ^= mask[i];
        }
    }
}
