/**
 * WebRTC data channels (RFC 8831) and the Data Channel Establishment Protocol (RFC 8832) on top of
 * an {@link io.sluice.peer.sctp.SctpCore}: the {@link io.sluice.peer.datachannel.DcepMessage}
 * codec, the PPIDs, and the sans-IO {@link io.sluice.peer.datachannel.DataChannelCore}, which the
 * W3C {@code RTCDataChannel} facade drives. No clocks, threads or sockets: API calls and SCTP
 * events go in, {@link io.sluice.peer.datachannel.DataChannelEvent}s come out, confined to the
 * peer's loop.
 *
 * <p>Decisions where the specifications leave room, each documented where it is made:
 * <ul>
 *   <li>a local DCEP channel opens on DATA_CHANNEL_ACK or on the first user message on its
 *       stream (RFC 8832 §6 implicit ACK), not when the OPEN is sent;
 *   <li>a remote OPEN on an id of our own parity, beyond the channel limit or with a label or
 *       protocol above the configured bound is refused by resetting the stream; one on an id in
 *       use is dropped, leaving the existing channel alone;
 *   <li>an absent {@code a=max-message-size} means 65536 and 0 means no limit (RFC 8841 §6); a
 *       larger send is a TypeError, nothing is truncated;
 *   <li>the deprecated partial PPIDs 52/54 are reassembled on ordered streams, bounded, never sent.
 * </ul>
 */
package io.sluice.peer.datachannel;
