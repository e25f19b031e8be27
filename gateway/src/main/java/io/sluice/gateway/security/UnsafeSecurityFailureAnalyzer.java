package io.sluice.gateway.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says why the gateway refused to start, and what to set, instead of a stack trace. */
public final class UnsafeSecurityFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSecurityException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, UnsafeSecurityException cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}
