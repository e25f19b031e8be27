package io.sluice.gateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A client of the gateway's WebSocket ({@code /v1/ws}) on loopback that hands each whole text message to a consumer. */
public final class TextSocket {

    private TextSocket() {
    }

    /** Opens the socket; {@code onMessage} gets each message, on the client's thread, as it completes. */
    public static WebSocket open(int port, Consumer<String> onMessage) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String message = partial.toString();
                            partial.setLength(0);
                            onMessage.accept(message);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }
}
