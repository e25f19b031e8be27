package io.sluice.peer.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The root-namespace mode: loopback candidates only, mDNS off. No in-page connection is made here
 * (see {@link ChromiumBrowser#onLoopback()}); only what the page would signal is checked.
 */
class ChromiumLoopbackIT {

    @Test
    void offersOnlyLoopbackCandidatesAndRefusesInPageConnections() throws IOException {
        Interop.assumeAvailable();
        assertThatThrownBy(() -> ChromiumBrowser.onLoopback().mdns(true))
                .isInstanceOf(IllegalStateException.class);
        try (ChromiumBrowser browser = ChromiumBrowser.onLoopback().start()) {
            System.out.printf("harness: loopback browser in %d ms%n", browser.startupTime().toMillis());
            Map<?, ?> info = (Map<?, ?>) browser.evalJson("return sluice.info();");
            assertThat(info.get("isSecureContext")).isEqualTo(true);

            browser.createPeer("a");
            browser.createDataChannel("a", "c", null);
            browser.setLocalDescription("a", null);
            String offer = browser.gathered("a");

            List<String> addresses = browser.events("a", "icecandidate").stream()
                    .filter(e -> e.get("candidate") != null)
                    .map(e -> (String) e.get("address")).toList();
            assertThat(addresses).isNotEmpty().allMatch(a -> a.equals("127.0.0.1") || a.equals("::1"));
            assertThat(offer).contains(" 127.0.0.1 ").doesNotContain(".local");
            assertThat(offer.lines().filter(l -> l.startsWith("a=candidate:")))
                    .allMatch(l -> l.contains(" 127.0.0.1 ") || l.contains(" ::1 "));

            browser.createPeer("b");
            assertThatThrownBy(() -> browser.connect("a", "b"))
                    .isInstanceOf(ChromiumBrowser.ScriptFailure.class).hasMessageContaining("namespace");
            assertThat(browser.offLoopbackAnswers("a")).isEqualTo("[]");
        }
    }
}
