package io.sluice.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.peer.api.error.InvalidAccessError;
import io.sluice.peer.api.error.InvalidModificationError;
import io.sluice.peer.api.error.InvalidStateError;
import io.sluice.peer.api.error.NotSupportedError;
import io.sluice.peer.api.error.OperationError;
import io.sluice.peer.api.error.RTCError;
import io.sluice.peer.api.error.SyntaxError;
import io.sluice.peer.api.error.TypeError;
import io.sluice.peer.api.error.WebRtcException;
import io.sluice.peer.sdp.SessionDescription;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JSEP signaling and the W3C rules around it: transitions, events, errors that change nothing. */
@Timeout(30)
class SignalingTest {

    private final PeerConnectionSettings settings = PeerPair.settings(InetAddress.getLoopbackAddress());
    private final List<RTCPeerConnection> opened = new java.util.ArrayList<>();

    private RTCPeerConnection pc() {
        return pc(RTCConfiguration.defaults());
    }

    private RTCPeerConnection pc(RTCConfiguration configuration) {
        RTCPeerConnection pc = new RTCPeerConnection(configuration, settings);
        opened.add(pc);
        return pc;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (RTCPeerConnection pc : opened) {
            pc.close();
            pc.closeFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        io.sluice.peer.interop.Interop.waitFor(condition, java.time.Duration.ofSeconds(5));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    /** The W3C error a future failed with. */
    private static WebRtcException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WebRtcException.class);
            return (WebRtcException) e.getCause();
        }
        throw new AssertionError("the operation succeeded");
    }

    @Test
    void offerAnswerTransitionsAndEventOrder() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        PeerPair.Recorder ra = new PeerPair.Recorder();
        a.addListener(ra);
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(a.canTrickleIceCandidates()).isNull();
        a.createDataChannel("chat");
        waitFor(() -> ra.events.contains("negotiationneeded"));

        RTCSessionDescription offer = await(a.createOffer());
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(offer.sdp()).contains("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a=setup:actpass",
                "a=ice-options:trickle", "a=sctp-port:5000", "a=max-message-size:262144", "a=group:BUNDLE 0");
        await(a.setLocalDescription(offer));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.HAVE_LOCAL_OFFER);
        assertThat(a.pendingLocalDescription().type()).isEqualTo(RTCSdpType.OFFER);
        assertThat(a.currentLocalDescription()).isNull();

        await(b.setRemoteDescription(a.localDescription()));
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.HAVE_REMOTE_OFFER);
        assertThat(b.canTrickleIceCandidates()).isTrue();
        RTCSessionDescription answer = await(b.createAnswer());
        assertThat(answer.sdp()).contains("a=setup:active", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
        await(b.setLocalDescription(answer));
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(b.currentRemoteDescription().sdp()).startsWith(offer.sdp().substring(0, 40));

        await(a.setRemoteDescription(b.localDescription()));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(a.currentLocalDescription()).isNotNull();
        assertThat(a.pendingLocalDescription()).isNull();
        assertThat(a.pendingRemoteDescription()).isNull();

        waitFor(() -> ra.events.contains("icecandidate:null"));
        List<String> e = ra.events;
        // W3C order: signaling first, then gathering; end-of-candidates, complete, then the null candidate.
        assertThat(e.indexOf("signalingstatechange:have-local-offer"))
                .isLessThan(e.indexOf("icegatheringstatechange:gathering"));
        assertThat(e.indexOf("icegatheringstatechange:gathering")).isLessThan(e.indexOf("icecandidate:candidate"));
        assertThat(e.indexOf("icecandidate:end")).isLessThan(e.indexOf("icegatheringstatechange:complete"));
        assertThat(e.indexOf("icegatheringstatechange:complete")).isLessThan(e.indexOf("icecandidate:null"));
        assertThat(e.stream().filter(x -> x.equals("negotiationneeded")).count()).isEqualTo(1);
    }

    @Test
    void wrongStateCallsFailWithInvalidStateErrorAndChangeNothing() throws Exception {
        RTCPeerConnection a = pc();
        assertThat(failure(a.createAnswer())).isInstanceOf(InvalidStateError.class);
        RTCSessionDescription someAnswer = RTCSessionDescription.answer("v=0\r\n");
        assertThat(failure(a.setRemoteDescription(someAnswer))).isInstanceOf(InvalidStateError.class);
        assertThat(failure(a.setLocalDescription(RTCSessionDescription.rollback()))).isInstanceOf(
                InvalidStateError.class);
        assertThat(failure(a.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host",
                "0", null, null)))).isInstanceOf(InvalidStateError.class);
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(a.localDescription()).isNull();
        assertThat(a.remoteDescription()).isNull();
    }

    @Test
    void modifiedOfferIsRejected() throws Exception {
        RTCPeerConnection a = pc();
        a.createDataChannel("x");
        RTCSessionDescription offer = await(a.createOffer());
        RTCSessionDescription munged = RTCSessionDescription.offer(offer.sdp().replace("a=mid:0", "a=mid:1"));
        assertThat(failure(a.setLocalDescription(munged))).isInstanceOf(InvalidModificationError.class);
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
    }

    @Test
    void malformedRemoteSdpNamesTheLineAndChangesNothing() throws Exception {
        RTCPeerConnection a = pc();
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application nine UDP/DTLS/SCTP x\r\n";
        WebRtcException e = failure(a.setRemoteDescription(RTCSessionDescription.offer(sdp)));
        assertThat(e).isInstanceOf(RTCError.class);
        assertThat(e.name()).isEqualTo("OperationError");
        assertThat(((RTCError) e).errorDetail()).isEqualTo("sdp-syntax-error");
        assertThat(((RTCError) e).sdpLineNumber()).isEqualTo(5);
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(a.remoteDescription()).isNull();
    }

    @Test
    void remoteOfferWithoutFingerprintIsInvalidAccess() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        String sdp = await(a.createOffer()).sdp().replaceAll("a=fingerprint:[^\r]*\r\n", "");
        assertThat(failure(b.setRemoteDescription(RTCSessionDescription.offer(sdp)))).isInstanceOf(
                InvalidAccessError.class);
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
    }

    @Test
    void answerWithOtherMidsIsInvalidAccess() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        await(a.setLocalDescription());
        await(b.setRemoteDescription(a.localDescription()));
        await(b.setLocalDescription());
        String answer = b.localDescription().sdp().replace("a=mid:0", "a=mid:7").replace("BUNDLE 0", "BUNDLE 7");
        assertThat(failure(a.setRemoteDescription(RTCSessionDescription.answer(answer)))).isInstanceOf(
                InvalidAccessError.class);
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.HAVE_LOCAL_OFFER);
    }

    @Test
    void rollbackOfLocalAndRemoteOffers() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        await(a.setLocalDescription());
        await(a.setLocalDescription(RTCSessionDescription.rollback()));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(a.pendingLocalDescription()).isNull();
        // An offer after a rollback works and is accepted.
        await(a.setLocalDescription());
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.HAVE_LOCAL_OFFER);

        await(b.setRemoteDescription(a.localDescription()));
        await(b.setRemoteDescription(RTCSessionDescription.rollback()));
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(b.remoteDescription()).isNull();
        await(b.setRemoteDescription(a.localDescription()));
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.HAVE_REMOTE_OFFER);
    }

    @Test
    void remoteOfferInHaveLocalOfferRollsBackImplicitly() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        b.createDataChannel("y");
        await(a.setLocalDescription());
        await(b.setLocalDescription());
        await(a.setRemoteDescription(b.localDescription()));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.HAVE_REMOTE_OFFER);
        assertThat(a.pendingLocalDescription()).isNull();
    }

    @Test
    void pranswerThenAnswer() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        await(a.setLocalDescription());
        await(b.setRemoteDescription(a.localDescription()));
        RTCSessionDescription answer = await(b.createAnswer());
        await(b.setLocalDescription(RTCSessionDescription.pranswer(answer.sdp())));
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.HAVE_LOCAL_PRANSWER);
        await(a.setRemoteDescription(RTCSessionDescription.pranswer(answer.sdp())));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.HAVE_REMOTE_PRANSWER);
        await(b.setLocalDescription(answer));
        await(a.setRemoteDescription(answer));
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
    }

    @Test
    void reOfferKeepsMidsAndRestartIceChangesCredentials() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        PeerPair.Recorder ra = new PeerPair.Recorder();
        a.addListener(ra);
        a.createDataChannel("x");
        await(a.setLocalDescription());
        await(b.setRemoteDescription(a.localDescription()));
        await(b.setLocalDescription());
        await(a.setRemoteDescription(b.localDescription()));
        SessionDescription first = SessionDescription.parse(a.currentLocalDescription().sdp());

        RTCSessionDescription reOffer = await(a.createOffer());
        SessionDescription second = SessionDescription.parse(reOffer.sdp());
        assertThat(second.mids()).isEqualTo(first.mids());
        assertThat(second.iceUfrag(second.media().get(0))).isEqualTo(first.iceUfrag(first.media().get(0)));
        assertThat(Long.parseLong(second.origin().sessionVersion()))
                .isGreaterThan(Long.parseLong(first.origin().sessionVersion()));
        assertThat(second.origin().sessionId()).isEqualTo(first.origin().sessionId());

        long before = ra.events.stream().filter("negotiationneeded"::equals).count();
        a.restartIce();
        waitFor(() -> ra.events.stream().filter("negotiationneeded"::equals).count() > before);
        SessionDescription restarted = SessionDescription.parse(await(a.createOffer()).sdp());
        assertThat(restarted.iceUfrag(restarted.media().get(0))).isNotEqualTo(first.iceUfrag(first.media().get(0)));
        SessionDescription viaOption = SessionDescription.parse(await(a.createOffer(new RTCOfferOptions(true))).sdp());
        assertThat(viaOption.iceUfrag(viaOption.media().get(0))).isNotEqualTo(first.iceUfrag(first.media().get(0)));
    }

    @Test
    void answerRejectsMediaSectionsItCannotServe() throws Exception {
        RTCPeerConnection b = pc();
        String offer = new String(getClass().getResourceAsStream("/vectors/sdp/chromium-av-dc-offer.sdp")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        await(b.setRemoteDescription(RTCSessionDescription.offer(offer)));
        SessionDescription answer = SessionDescription.parse(await(b.createAnswer()).sdp());
        SessionDescription parsedOffer = SessionDescription.parse(offer);
        assertThat(answer.mids()).isEqualTo(parsedOffer.mids());
        assertThat(answer.media()).hasSize(3);
        assertThat(answer.media().get(0).port()).isZero();
        assertThat(answer.media().get(1).port()).isZero();
        assertThat(answer.media().get(2).port()).isEqualTo(9);
        assertThat(answer.bundleGroups().get(0).mids()).containsExactly(answer.media().get(2).mid());
    }

    private String vector(String name) throws java.io.IOException {
        return new String(getClass().getResourceAsStream("/vectors/sdp/" + name + ".sdp").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void draftSyntaxOfferIsAnsweredInKind() throws Exception {
        RTCPeerConnection b = pc();
        await(b.setRemoteDescription(RTCSessionDescription.offer(vector("aiortc-1.4-datachannel-offer"))));
        SessionDescription answer = SessionDescription.parse(await(b.createAnswer()).sdp());
        io.sluice.peer.sdp.MediaDescription m = answer.media().get(0);
        assertThat(m.port()).isEqualTo(9);
        assertThat(m.proto()).isEqualTo("DTLS/SCTP");
        assertThat(m.formats()).containsExactly("5000");
        assertThat(m.sctpMaps()).containsExactly(new io.sluice.peer.sdp.SctpMap(5000, "webrtc-datachannel", 65535));
        assertThat(m.sctpPort()).isNull();
        assertThat(answer.iceUfrag(m)).isNotNull();
        assertThat(answer.icePwd(m)).isNotNull();
        assertThat(answer.fingerprints(m)).hasSize(1);
        assertThat(answer.setup(m)).isEqualTo(io.sluice.peer.sdp.Setup.ACTIVE);
        assertThat(Jsep.remoteSctpPort(SessionDescription.parse(vector("aiortc-1.4-datachannel-offer")).media().get(0)))
                .isEqualTo(5000);

        // With an audio section beside it: the audio is rejected, the data section answered in kind.
        RTCPeerConnection c = pc();
        await(c.setRemoteDescription(RTCSessionDescription.offer(vector("aiortc-1.4-audio-datachannel-offer"))));
        SessionDescription both = SessionDescription.parse(await(c.createAnswer()).sdp());
        assertThat(both.media().get(0).port()).isZero();
        assertThat(both.media().get(1).proto()).isEqualTo("DTLS/SCTP");
        assertThat(both.media().get(1).sctpMaps()).hasSize(1);
        assertThat(both.bundleGroups().get(0).mids()).containsExactly("1");
    }

    @Test
    void tcpDtlsSctpIsADataSection() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        String sdp = await(a.createOffer()).sdp().replace("UDP/DTLS/SCTP", "TCP/DTLS/SCTP");
        await(b.setRemoteDescription(RTCSessionDescription.offer(sdp)));
        SessionDescription answer = SessionDescription.parse(await(b.createAnswer()).sdp());
        assertThat(answer.media().get(0).proto()).isEqualTo("TCP/DTLS/SCTP");
        assertThat(answer.media().get(0).formats()).containsExactly("webrtc-datachannel");
        assertThat(answer.media().get(0).sctpPort()).isEqualTo(5000);
    }

    @Test
    void offerWithNothingToAnswerIsNotSupportedAndChangesNothing() throws Exception {
        RTCPeerConnection b = pc();
        WebRtcException e = failure(b.setRemoteDescription(RTCSessionDescription.offer(vector("chromium-gum-offer"))));
        assertThat(e).isInstanceOf(NotSupportedError.class);
        assertThat(e.getMessage()).contains("m=audio 54297 UDP/TLS/RTP/SAVPF 111").contains("m=video");
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
        assertThat(b.remoteDescription()).isNull();
        assertThat(b.sctp()).isNull();

        // An application section in a protocol Sluice does not speak is not answerable either.
        RTCPeerConnection a = pc();
        a.createDataChannel("x");
        String other = await(a.createOffer()).sdp().replace("UDP/DTLS/SCTP webrtc-datachannel", "UDP/DTLS/SCTP bfcp");
        assertThat(failure(b.setRemoteDescription(RTCSessionDescription.offer(other))))
                .isInstanceOf(NotSupportedError.class).hasMessageContaining("m=application 9 UDP/DTLS/SCTP bfcp");
        assertThat(b.signalingState()).isEqualTo(RTCSignalingState.STABLE);
    }

    @Test
    void addIceCandidateErrors() throws Exception {
        RTCPeerConnection a = pc();
        RTCPeerConnection b = pc();
        a.createDataChannel("x");
        await(a.setLocalDescription());
        await(b.setRemoteDescription(a.localDescription()));
        assertThat(failure(b.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host",
                null, null, null)))).isInstanceOf(TypeError.class);
        assertThat(failure(b.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host",
                "nope", null, null)))).isInstanceOf(OperationError.class);
        assertThat(failure(b.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host",
                null, 5, null)))).isInstanceOf(OperationError.class);
        assertThat(failure(b.addIceCandidate(new RTCIceCandidateInit("candidate:garbage", "0", null, null))))
                .isInstanceOf(OperationError.class);
        assertThat(failure(b.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host",
                "0", null, "notTheUfrag")))).isInstanceOf(OperationError.class);
        String before = b.remoteDescription().sdp();
        await(b.addIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host", "0",
                null, null)));
        assertThat(b.remoteDescription().sdp()).isNotEqualTo(before)
                .contains("a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host");
        await(b.addIceCandidate(null));
        assertThat(b.remoteDescription().sdp()).contains("a=end-of-candidates");
    }

    @Test
    void closedConnectionRejectsEverything() throws Exception {
        RTCPeerConnection a = pc();
        a.close();
        assertThat(a.signalingState()).isEqualTo(RTCSignalingState.CLOSED);
        assertThat(a.connectionState()).isEqualTo(RTCPeerConnectionState.CLOSED);
        assertThat(a.iceConnectionState()).isEqualTo(RTCIceConnectionState.CLOSED);
        assertThat(failure(a.createOffer())).isInstanceOf(InvalidStateError.class);
        assertThat(failure(a.setLocalDescription())).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> a.createDataChannel("x")).isInstanceOf(InvalidStateError.class);
        assertThatThrownBy(() -> a.setConfiguration(RTCConfiguration.defaults())).isInstanceOf(
                InvalidStateError.class);
        a.close();
    }

    @Test
    void configurationRules() throws Exception {
        assertThatThrownBy(() -> pc(RTCConfiguration.builder().iceServer(RTCIceServer.of("http://x")).build()))
                .isInstanceOf(SyntaxError.class);
        assertThatThrownBy(() -> pc(RTCConfiguration.builder().iceServer(RTCIceServer.of("turn:127.0.0.1")).build()))
                .isInstanceOf(InvalidAccessError.class);
        assertThatThrownBy(() -> pc(RTCConfiguration.builder()
                .iceServer(RTCIceServer.turn("turn:127.0.0.1", "u", "p")).build()))
                .isInstanceOf(NotSupportedError.class).hasMessageContaining("TURN");
        RTCPeerConnection a = pc(RTCConfiguration.builder().iceServer(RTCIceServer.of("stun:127.0.0.1:3478")).build());
        assertThat(a.getConfiguration().certificates()).hasSize(1);
        assertThat(a.getConfiguration().bundlePolicy()).isEqualTo(RTCBundlePolicy.BALANCED);
        assertThatThrownBy(() -> a.setConfiguration(a.getConfiguration().toBuilder()
                .bundlePolicy(RTCBundlePolicy.MAX_BUNDLE).build())).isInstanceOf(InvalidModificationError.class);
        RTCCertificate other = await(RTCPeerConnection.generateCertificate(RTCCertificate.KeygenAlgorithm.ecdsaP256()));
        assertThatThrownBy(() -> a.setConfiguration(a.getConfiguration().toBuilder()
                .certificates(List.of(other)).build())).isInstanceOf(InvalidModificationError.class);
        a.setConfiguration(a.getConfiguration().toBuilder().iceServers(List.of()).build());
        assertThat(a.getConfiguration().iceServers()).isEmpty();
        assertThat(a.getConfiguration().certificates()).hasSize(1);
    }

    @Test
    void generateCertificateAndUseIt() throws Exception {
        RTCCertificate ec = await(RTCPeerConnection.generateCertificate(RTCCertificate.KeygenAlgorithm.ecdsaP256()));
        RTCCertificate rsa = await(RTCPeerConnection.generateCertificate(RTCCertificate.KeygenAlgorithm.rsa2048()
                .withExpires(3_600_000)));
        assertThat(ec.getFingerprints()).singleElement().satisfies(f -> {
            assertThat(f.algorithm()).isEqualTo("sha-256");
            assertThat(f.value()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        });
        long inAnHour = System.currentTimeMillis() + 3_600_000;
        assertThat(rsa.expires()).isBetween(inAnHour - 120_000, inAnHour + 120_000);
        assertThat(failure(RTCPeerConnection.generateCertificate(new RTCCertificate.KeygenAlgorithm("ECDSA", "P-384",
                null, null, null, null)))).isInstanceOf(NotSupportedError.class);
        RTCPeerConnection a = pc(RTCConfiguration.builder().certificates(List.of(rsa)).build());
        a.createDataChannel("x");
        assertThat(await(a.createOffer()).sdp()).contains("a=fingerprint:sha-256 " + rsa.getFingerprints().get(0)
                .value());
        RTCCertificate expired = await(RTCPeerConnection.generateCertificate(
                RTCCertificate.KeygenAlgorithm.ecdsaP256().withExpires(1)));
        waitFor(() -> expired.expires() < System.currentTimeMillis());
        assertThatThrownBy(() -> pc(RTCConfiguration.builder().certificates(List.of(expired)).build()))
                .isInstanceOf(InvalidAccessError.class);
        assertThat(RTCCertificate.fromPem(ec.toPem()).getFingerprints()).isEqualTo(ec.getFingerprints());
    }

    @Test
    void advertisedAddressesReplaceHostCandidates() throws Exception {
        java.net.InetAddress publicAddress = java.net.InetAddress.getByName("203.0.113.7");
        RTCPeerConnection a = new RTCPeerConnection(RTCConfiguration.defaults(), settings.withAdvertised(
                java.util.Map.of(InetAddress.getLoopbackAddress(), publicAddress)));
        opened.add(a);
        PeerPair.Recorder r = new PeerPair.Recorder();
        a.addListener(r);
        a.createDataChannel("x");
        await(a.setLocalDescription());
        waitFor(() -> r.events.contains("icecandidate:null"));
        int port = a.localSocketAddresses().get(0).getPort();
        assertThat(r.candidates.stream().filter(c -> !c.candidate().isEmpty())).singleElement().satisfies(c ->
                assertThat(c.candidate()).contains(" 203.0.113.7 " + port + " typ host"));
        assertThat(a.localDescription().sdp()).contains("203.0.113.7 " + port + " typ host")
                .doesNotContain("127.0.0.1 " + port);
    }
}
