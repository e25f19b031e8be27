package io.sluice.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problem details written by the security filters, in the form the API's own errors
 * take (see {@code ProblemAdvice}): {@code type} {@code urn:sluice:error:<Name>}, {@code title},
 * {@code status}, {@code detail}, {@code instance}, and properties of the error.
 */
final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    static void write(HttpServletRequest request, HttpServletResponse response, int status, String name,
            String title, String detail, Map<String, Object> properties) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Map<String, Object> body = new TreeMap<>(properties);
        body.put("type", "urn:sluice:error:" + name);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (request != null) {
            body.put("instance", request.getRequestURI());
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    /** 401 with {@code WWW-Authenticate: Bearer}. */
    static void unauthorized(HttpServletRequest request, HttpServletResponse response, String detail)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(request, response, 401, "Unauthorized", "Unauthorized", detail, Map.of());
    }
}
