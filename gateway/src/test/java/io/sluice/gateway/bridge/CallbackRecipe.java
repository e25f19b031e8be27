package io.sluice.gateway.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a callback, written from the recipe in the callback contract
 * (api-spec bridges.md, "Verifying a callback"), not from the gateway's signer: what a backend
 * following the documentation would do.
 */
final class CallbackRecipe {

    /** The replay window the recipe asks for. */
    static final long TOLERANCE_MS = 5 * 60 * 1000;

    private CallbackRecipe() {
    }

    /** Whether the request verifies under {@code secret} at {@code nowMs}. */
    static boolean verify(String secret, Map<String, List<String>> received, byte[] body, long nowMs) {
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, List<String>> h : received.entrySet()) {
            if (h.getKey() == null) {
                continue;
            }
            if (h.getValue().size() != 1) {
                return false; // step 1: a header given twice is refused
            }
            headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().get(0));
        }
        String sig = headers.get("x-sluice-signature");
        String ts = headers.get("x-sluice-timestamp");
        if (sig == null || ts == null || !sig.startsWith("v1=")) {
            return false;
        }
        long t;
        try {
            t = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowMs - t) > TOLERANCE_MS) {
            return false;
        }
        StringBuilder base = new StringBuilder("sluice-signature-v1\n");
        headers.forEach((name, value) -> {
            if (name.equals("content-type") || name.startsWith("x-sluice-") && !name.equals("x-sluice-signature")) {
                base.append(name).append(':').append(value).append('\n');
            }
        });
        base.append('\n');
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(base.toString().getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            byte[] given;
            try {
                given = HexFormat.of().parseHex(sig.substring(3));
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(expected, given);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean verify(String secret, Map<String, List<String>> received, byte[] body) {
        return verify(secret, received, body, System.currentTimeMillis());
    }
}
