/**
 * STUN message codec (RFC 8489) with the ICE attributes of RFC 8445: {@link
 * io.sluice.peer.stun.StunMessage#parse} over untrusted bytes (throws only {@link
 * io.sluice.peer.wire.MalformedPacketException}), encoding with computed MESSAGE-INTEGRITY and
 * FINGERPRINT, and verification of both over the bytes as received. Pure functions: no I/O, no
 * clock, no state.
 */
package io.sluice.peer.stun;
