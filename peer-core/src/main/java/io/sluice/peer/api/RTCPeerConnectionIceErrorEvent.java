package io.sluice.peer.api;

/** W3C RTCPeerConnectionIceErrorEvent: a STUN or TURN server could not be used. */
public record RTCPeerConnectionIceErrorEvent(String address, Integer port, String url, int errorCode,
        String errorText) {
}
