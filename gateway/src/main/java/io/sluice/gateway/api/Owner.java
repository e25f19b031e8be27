package io.sluice.gateway.api;

/**
 * Who is calling: the API key's owner once keys are configured. Until then every caller is the
 * same anonymous owner ({@code null}).
 */
final class Owner {

    private Owner() {
    }

    static String current() {
        return null;
    }
}
