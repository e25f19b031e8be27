package io.sluice.peer.datachannel;

/**
 * A channel's configuration as the W3C RTCDataChannel attributes show it. {@code id} is the SCTP
 * stream id, null until one is assigned; {@code priority} is the RFC 8831 value sent in DCEP
 * (256 = normal). At most one of {@code maxRetransmits} and {@code maxPacketLifeTime} is set.
 */
public record ChannelInfo(String label, boolean ordered, Integer maxRetransmits, Integer maxPacketLifeTime,
        String protocol, boolean negotiated, Integer id, int priority) {

    /** The DCEP channel type these settings give. */
    public ChannelType channelType() {
        return ChannelType.of(ordered, maxRetransmits, maxPacketLifeTime);
    }
}
