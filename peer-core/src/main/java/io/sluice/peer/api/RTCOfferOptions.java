package io.sluice.peer.api;

/** W3C RTCOfferOptions. */
public record RTCOfferOptions(boolean iceRestart) {

    public static final RTCOfferOptions DEFAULT = new RTCOfferOptions(false);
}
