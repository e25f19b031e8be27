/**
 * SDP (RFC 8866) as WebRTC uses it (JSEP, RFC 9429): a record model that round-trips any
 * description byte for byte ({@link io.sluice.peer.sdp.SessionDescription},
 * {@link io.sluice.peer.sdp.MediaDescription}, {@link io.sluice.peer.sdp.Attribute}), a bounded
 * parser that fails with a typed {@link io.sluice.peer.sdp.SdpParseException} naming the line,
 * a CRLF writer, and typed views of the attributes WebRTC needs (ICE, DTLS, BUNDLE, RTP codecs,
 * header extensions, msid, ssrc, rid/simulcast, SCTP), with builders for generating offers and
 * answers. Everything here is immutable and free of I/O.
 */
package io.sluice.peer.sdp;
