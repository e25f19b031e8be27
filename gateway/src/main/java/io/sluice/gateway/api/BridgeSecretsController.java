package io.sluice.gateway.api;

import io.sluice.gateway.bridge.HttpCallbackBridge;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The secret that signs the HTTP callbacks of the caller's peers. Each owner has its own (derived
 * from the gateway's secret and the owner's name), and this is the only way to obtain it: with the
 * owner's own key, like every other call. See the callback contract (bridges.md) for the recipe.
 */
@RestController
@RequestMapping("/v1/bridges/http")
public class BridgeSecretsController {

    private final HttpCallbackBridge http;

    public BridgeSecretsController(HttpCallbackBridge http) {
        this.http = http;
    }

    /**
     * The caller's signing secret: {@code owner} (null without API keys), {@code secret} (the HMAC
     * key as a string: use its UTF-8 bytes), {@code algorithm} and {@code signatureVersion}.
     */
    public record SigningSecret(String owner, String secret, String algorithm, String signatureVersion) {
    }

    @GetMapping("/signing-secret")
    public ResponseEntity<SigningSecret> signingSecret() {
        String owner = Owner.current();
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(new SigningSecret(owner, http.signingSecret(owner), "HMAC-SHA256", "v1"));
    }
}
