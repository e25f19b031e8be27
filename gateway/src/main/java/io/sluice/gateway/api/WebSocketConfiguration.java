package io.sluice.gateway.api;

import io.sluice.gateway.security.SecurityProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * {@code /v1/ws}; the API key checked on the upgrade request names the socket's owner (the session
 * keeps the upgrade request's principal, see {@link io.sluice.gateway.security.Caller}).
 */
@Configuration
@EnableWebSocket
public class WebSocketConfiguration implements WebSocketConfigurer {

    private final PeerSocketHandler handler;
    private final SecurityProperties security;

    public WebSocketConfiguration(PeerSocketHandler handler, SecurityProperties security) {
        this.handler = handler;
        this.security = security;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        var registration = registry.addHandler(handler, "/v1/ws");
        if (!security.allowedOrigins().isEmpty()) {
            registration.setAllowedOrigins(security.allowedOrigins().toArray(String[]::new));
        }
    }
}
