package io.sluice.gateway.api;

import io.sluice.gateway.security.ApiKeyFilter;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** Who is calling: the owner of the request's API key, or null when keys are off. */
final class Owner {

    private Owner() {
    }

    static String current() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null ? null
                : (String) attributes.getAttribute(ApiKeyFilter.OWNER, RequestAttributes.SCOPE_REQUEST);
    }
}
