package io.sluice.gateway.api;

import io.sluice.gateway.security.ApiKeyFilter;
import io.sluice.gateway.security.SecurityProperties;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/** {@code /v1/ws}; the API key checked on the upgrade request names the socket's owner. */
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
        var registration = registry.addHandler(handler, "/v1/ws").addInterceptors(new HandshakeInterceptor() {
            @Override
            public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                    WebSocketHandler wsHandler, Map<String, Object> attributes) {
                if (request instanceof ServletServerHttpRequest servlet) {
                    Object owner = servlet.getServletRequest().getAttribute(ApiKeyFilter.OWNER);
                    if (owner != null) {
                        attributes.put(ApiKeyFilter.OWNER, owner);
                    }
                }
                return true;
            }

            @Override
            public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                    WebSocketHandler wsHandler, Exception exception) {
            }
        });
        if (!security.allowedOrigins().isEmpty()) {
            registration.setAllowedOrigins(security.allowedOrigins().toArray(String[]::new));
        }
    }
}
