package io.sluice.gateway.peers;

/** No peer with that id (or not one the caller may see): 404. */
public final class PeerNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PeerNotFoundException(String id) {
        super("no peer " + id);
    }
}
