package io.sluice.peer.dtls;

/**
 * Which end of the DTLS handshake we are, from the SDP {@code a=setup} negotiation (RFC 8842 §5,
 * RFC 4145): {@code active} sends the ClientHello, {@code passive} waits for it. Our offers say
 * {@code actpass}; as answerer we take {@code active}.
 */
public enum DtlsRole {
    /** a=setup:active. */
    CLIENT("active"),
    /** a=setup:passive. */
    SERVER("passive");

    private final String setup;

    DtlsRole(String setup) {
        this.setup = setup;
    }

    /** The {@code a=setup} value that advertises this role. */
    public String setup() {
        return setup;
    }
}
