/**
 * DTLS 1.2 for WebRTC (RFC 6347, RFC 8827 §6.5, DTLS-SRTP of RFC 5764), on BouncyCastle's DTLS
 * engine with JCA crypto.
 *
 * <ul>
 *   <li>{@link io.sluice.peer.dtls.DtlsCertificate}: self-signed ECDSA P-256 / RSA 2048
 *       certificates ({@code RTCCertificate}), PEM import and export.</li>
 *   <li>{@link io.sluice.peer.dtls.DtlsFingerprint}: SDP {@code a=fingerprint} values, parsing and
 *       constant-time matching.</li>
 *   <li>{@link io.sluice.peer.dtls.DtlsTransport}: one DTLS association over one ICE transport;
 *       the handshake on a bounded pool, records decrypted inline on the receiving thread after it.</li>
 *   <li>{@link io.sluice.peer.dtls.SrtpKeyingMaterial}: the SRTP master keys and salts exported
 *       after the handshake.</li>
 *   <li>{@link io.sluice.peer.dtls.DtlsRecordHeader}: a bounds-checked record header peek that
 *       keeps junk away from the engine.</li>
 * </ul>
 */
package io.sluice.peer.dtls;
