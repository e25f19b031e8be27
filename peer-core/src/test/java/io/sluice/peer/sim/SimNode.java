package io.sluice.peer.sim;

/** One endpoint of a {@link SimNetwork}: the sans-IO core contract, for any protocol carried in byte[] packets. */
public interface SimNode {

    void handlePacket(long now, byte[] packet);

    void handleTimeout(long now);

    /** {@code Long.MAX_VALUE} for none. */
    long nextDeadline();

    /** The next packet to send, or null. */
    byte[] pollTransmit();
}
