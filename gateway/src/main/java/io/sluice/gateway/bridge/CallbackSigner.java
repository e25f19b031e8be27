package io.sluice.gateway.bridge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Callback signatures, per owner. Each owner signs with a secret of its own, derived from the
 * gateway's {@code sluice.bridges.http.secret} and the owner's name with HKDF-SHA256 (RFC 5869;
 * salt {@code "sluice callback signing v1"}, info {@code "owner:" + name}, or {@code "open"} for
 * the peers of a gateway without API keys; 32 bytes, written as unpadded base64url). An owner
 * reads its secret from {@code GET /v1/bridges/http/signing-secret} with its own key; a signature
 * made for one owner's callback does not verify under another owner's secret.
 *
 * <p>{@code X-Sluice-Signature: v1=<hex HMAC-SHA256>} keyed with the secret string's UTF-8 bytes,
 * over {@code "sluice-signature-v1\n"}, then one line {@code name:value\n} for {@code content-type}
 * and for every {@code X-Sluice-*} header except the signature (names in lower case, sorted), then
 * {@code "\n"}, then the body's bytes.
 */
final class CallbackSigner {

    static final String VERSION = "v1";
    static final String SIGNATURE_HEADER = "X-Sluice-Signature";
    private static final byte[] SALT = "sluice callback signing v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] gatewaySecret;

    CallbackSigner(String gatewaySecret) {
        this.gatewaySecret = gatewaySecret.getBytes(StandardCharsets.UTF_8);
    }

    /** The signing secret of {@code owner} (null: the peers of a gateway without API keys). */
    String secretOf(String owner) {
        byte[] prk = hmac(SALT, gatewaySecret);
        String info = owner == null ? "open" : "owner:" + owner;
        byte[] infoBytes = info.getBytes(StandardCharsets.UTF_8);
        byte[] block = new byte[infoBytes.length + 1];
        System.arraycopy(infoBytes, 0, block, 0, infoBytes.length);
        block[infoBytes.length] = 1;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(prk, block));
    }

    /** The signature header's value for a request with {@code headers} and {@code body}, signed for {@code owner}. */
    String sign(String owner, Map<String, String> headers, byte[] body) {
        byte[] key = secretOf(owner).getBytes(StandardCharsets.UTF_8);
        StringBuilder base = new StringBuilder("sluice-signature-v1\n");
        Map<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("content-type") || n.startsWith("x-sluice-") && !n.equals("x-sluice-signature")) {
                signed.put(n, value);
            }
        });
        signed.forEach((n, v) -> base.append(n).append(':').append(v).append('\n'));
        base.append('\n');
        byte[] head = base.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return VERSION + "=" + HexFormat.of().formatHex(hmac(key, all));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * A header value for a channel label: its UTF-8 bytes percent-encoded except the unreserved
     * characters of RFC 3986 ({@code A-Z a-z 0-9 - . _ ~}), so any label fits a header.
     */
    static String encodeLabel(String label) {
        StringBuilder out = new StringBuilder();
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
