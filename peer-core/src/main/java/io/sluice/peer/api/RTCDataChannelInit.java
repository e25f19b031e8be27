package io.sluice.peer.api;

/** W3C RTCDataChannelInit; null members are absent. */
public record RTCDataChannelInit(Boolean ordered, Integer maxPacketLifeTime, Integer maxRetransmits, String protocol,
        Boolean negotiated, Integer id) {

    public static final RTCDataChannelInit DEFAULT = new RTCDataChannelInit(null, null, null, null, null, null);
}
