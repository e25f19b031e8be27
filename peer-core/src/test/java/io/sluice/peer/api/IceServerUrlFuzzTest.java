package io.sluice.peer.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.peer.api.error.WebRtcException;
import java.util.List;

/**
 * ICE server URLs are API input: any string either parses or fails with a W3C error
 * (SyntaxError, InvalidAccessError). Plain {@code mvn test} replays the seeds under
 * {@code IceServerUrlFuzzTestInputs/parse}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class IceServerUrlFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parse(FuzzedDataProvider data) {
        String username = data.consumeBoolean() ? data.consumeString(16) : null;
        String credential = data.consumeBoolean() ? data.consumeString(16) : null;
        String url = data.consumeRemainingAsString();
        try {
            for (RTCIceServer.Url u : new RTCIceServer(List.of(url), username, credential).parseUrls()) {
                if (u.host().isEmpty() || u.port() < 1 || u.port() > 65535) {
                    throw new AssertionError("accepted a URL without a usable host and port: " + url);
                }
            }
        } catch (WebRtcException expected) {
            // a typed, W3C-named error: what bad input must give
        }
    }
}
