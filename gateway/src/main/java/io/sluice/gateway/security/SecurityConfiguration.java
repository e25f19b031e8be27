package io.sluice.gateway.security;

import io.sluice.gateway.config.SluiceProperties;
import jakarta.servlet.DispatcherType;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsUtils;

/**
 * Who may do what, in one place for every entry point (REST, the one-call form, the event stream,
 * the WebSocket upgrade, the actuator), matched on the path the router routes on
 * ({@link PathPatternRequestMatcher}: decoded, without {@code ;} parameters):
 *
 * <ul>
 * <li>{@code /v1/**}: a key (tenant or operator); the caller's owner is the {@link Caller};</li>
 * <li>actuator health (and its liveness and readiness groups): anyone; details for operators;</li>
 * <li>{@code /actuator/peers}: a key; a tenant sees its own peers, an operator every peer;</li>
 * <li>every other actuator endpoint: an operator key;</li>
 * <li>the demo pages and the OpenAPI document: anyone;</li>
 * <li>anything else: a key (then the router answers, usually 404).</li>
 * </ul>
 *
 * Paths the router could read otherwise than a prefix test would ({@code ;}, {@code //},
 * {@code /./}, {@code ..}, encoded {@code /}, {@code .} or {@code %}) are refused before any of
 * this by the {@link StrictHttpFirewall} with a 400 problem. Without keys
 * ({@link SecurityMode#OPEN}, {@link SecurityMode#LOOPBACK_ONLY}) every caller is an operator
 * without an owner.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The API, as the router matches it. */
    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/v1/**");

    /**
     * No observation (timer, span, events) around each security filter and authorization: per request
     * that cost more CPU than the gateway's own work of answering an offer. Requests stay observed
     * as a whole ({@code http.server.requests}), and refusals are logged and counted by the filters.
     */
    @Bean
    public org.springframework.security.config.observation.SecurityObservationSettings securityObservationSettings() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    public ApiKeys apiKeys(SecurityProperties properties) {
        return new ApiKeys(properties);
    }

    @Bean
    public SecurityMode securityMode(SecurityProperties properties, ApiKeys keys, Environment environment) {
        SecurityMode mode = SecurityMode.of(properties, environment);
        switch (mode) {
            case KEYS -> log.info("API security: keys ({} tenant, {} operator); /v1 and the actuator need a key",
                    keys.tenants(), keys.operators());
            case OPEN -> log.warn("API security: open (sluice.security.open=true); no API keys: anyone who reaches "
                    + "this gateway owns every peer");
            case LOOPBACK_ONLY -> log.info("API security: loopback-only; no API keys, and the gateway listens on "
                    + "loopback only");
        }
        return mode;
    }

    @Bean
    public SecurityFilterChain apiSecurity(HttpSecurity http, SecurityMode mode, ApiKeys keys,
            SluiceProperties sluice, SecurityProperties properties) throws Exception {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .cors(c -> c.configurationSource(CorsPolicy.of(properties)))
                .headers(Customizer.withDefaults())
                .addFilterBefore(new ApiKeyAuthenticationFilter(mode, new ProviderManager(keys)),
                        AnonymousAuthenticationFilter.class)
                .addFilterAfter(new RateLimitFilter(sluice, API), AuthorizationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> ProblemResponses.unauthorized(request,
                                response, "an API key is required (Authorization: Bearer or X-API-Key)"))
                        .accessDeniedHandler((request, response, ex) -> ProblemResponses.write(request, response, 403,
                                "Forbidden", "Forbidden", "this needs an operator key", Map.of())))
                .authorizeHttpRequests(a -> a
                        // the request itself was authorized; its async and error dispatches follow it
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(CorsUtils::isPreFlightRequest).permitAll()
                        .requestMatchers(EndpointRequest.to("health")).permitAll()
                        .requestMatchers(EndpointRequest.to("peers")).authenticated()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(Caller.OPERATOR)
                        .requestMatchers(API).authenticated()
                        .requestMatchers(path.matcher(HttpMethod.GET, "/"), path.matcher(HttpMethod.GET, "/*.html"),
                                path.matcher(HttpMethod.GET, "/*.js"), path.matcher(HttpMethod.GET, "/favicon.ico"),
                                path.matcher(HttpMethod.GET, "/v3/api-docs"),
                                path.matcher(HttpMethod.GET, "/v3/api-docs.yaml"),
                                path.matcher(HttpMethod.GET, "/v3/api-docs/**"),
                                path.matcher(HttpMethod.GET, "/swagger-ui.html"),
                                path.matcher(HttpMethod.GET, "/swagger-ui/**")).permitAll()
                        .anyRequest().authenticated());
        return http.build();
    }

    /**
     * Refuses requests whose path the router could read otherwise than it is spelled: {@code ;},
     * {@code //}, {@code /./}, {@code /../}, encoded {@code /}, {@code \}, {@code .} and {@code %},
     * non-printable characters, and methods other than the API's.
     */
    @Bean
    public HttpFirewall httpFirewall() {
        return new StrictHttpFirewall();
    }

    /**
     * Encoded {@code /} and {@code \} go on to the firewall, which refuses them with a problem like
     * every other ambiguous path (Tomcat would refuse them itself with a bare 400).
     */
    @Bean
    public TomcatConnectorCustomizer encodedSlashesToTheFirewall() {
        return connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            connector.setEncodedReverseSolidusHandling("passthrough");
        };
    }

    /** A refused request gets a 400 problem like every other bad request of the API. */
    @Bean
    public RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> ProblemResponses.write(request, response, 400, "RequestRejected",
                "Request rejected", e.getMessage(), Map.of());
    }
}
