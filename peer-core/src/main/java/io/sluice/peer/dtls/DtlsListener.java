package io.sluice.peer.dtls;

/**
 * Events of a {@link DtlsTransport}, delivered one at a time, in order, on the event executor
 * given to the transport (the peer's loop). Listeners must not block.
 */
public interface DtlsListener {

    /**
     * The state changed.
     *
     * @param reason why, for logs and for the failure reported to the application; never null
     */
    void stateChanged(DtlsState state, String reason);

    /** A decrypted application_data record (the SCTP packets of the data channels ride on these). */
    void applicationData(byte[] data);
}
