/** Sluice's pure-Java WebRTC stack and its W3C {@code RTCPeerConnection} API. */
package io.sluice.peer;
