package io.sluice.gateway.api;

import io.sluice.gateway.security.Caller;

/** Who is calling: the owner of the request's API key, or null when keys are off ({@link Caller}). */
final class Owner {

    private Owner() {
    }

    static String current() {
        return Caller.currentOwner();
    }
}
