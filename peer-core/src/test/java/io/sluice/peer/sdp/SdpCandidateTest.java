package io.sluice.peer.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SdpCandidateTest {

    private static final String CHROME_MDNS =
            "candidate:3607445264 1 udp 2113937151 4f2a6d8e-1b3c-4d5e-8f90-a1b2c3d4e5f6.local 54321 typ host"
                    + " generation 0 ufrag Ab3d network-cost 999";

    @ParameterizedTest
    @ValueSource(strings = {"a=", "", "strip"})
    void parsesWithOrWithoutPrefixes(String prefix) throws Exception {
        String text = prefix.equals("strip") ? CHROME_MDNS.substring("candidate:".length()) : prefix + CHROME_MDNS;
        SdpCandidate c = SdpCandidate.parse(text);
        assertThat(c.foundation()).isEqualTo("3607445264");
        assertThat(c.component()).isEqualTo(1);
        assertThat(c.transport()).isEqualTo("udp");
        assertThat(c.priority()).isEqualTo(2113937151L);
        assertThat(c.address()).isEqualTo("4f2a6d8e-1b3c-4d5e-8f90-a1b2c3d4e5f6.local");
        assertThat(c.isMdns()).isTrue();
        assertThat(c.port()).isEqualTo(54321);
        assertThat(c.type()).isEqualTo(CandidateType.HOST);
        assertThat(c.generation()).isZero();
        assertThat(c.ufrag()).isEqualTo("Ab3d");
        assertThat(c.extension("network-cost")).isEqualTo("999");
        assertThat(c.extensions()).extracting(SdpCandidate.Extension::name)
                .containsExactly("generation", "ufrag", "network-cost");
        assertThat(c.toString()).isEqualTo(CHROME_MDNS);
        assertThat(c.toAttribute().toString()).isEqualTo("a=" + CHROME_MDNS);
    }

    @Test
    void serverReflexiveAndRelayWithRelatedAddress() throws Exception {
        SdpCandidate srflx = SdpCandidate.parse(
                "candidate:842163049 1 udp 1677729535 203.0.113.7 61015 typ srflx raddr 192.168.0.87 rport 61015"
                        + " generation 0 network-cost 999");
        assertThat(srflx.type()).isEqualTo(CandidateType.SRFLX);
        assertThat(srflx.relatedAddress()).isEqualTo("192.168.0.87");
        assertThat(srflx.relatedPort()).isEqualTo(61015);
        SdpCandidate relay = SdpCandidate.parse(
                "candidate:3 1 UDP 92216575 198.51.100.9 52000 typ relay raddr 203.0.113.7 rport 61016");
        assertThat(relay.type()).isEqualTo(CandidateType.RELAY);
        assertThat(relay.isUdp()).isTrue();
        assertThat(relay.extensions()).isEmpty();
        SdpCandidate prflx = SdpCandidate.parse("candidate:4 1 udp 1853824767 203.0.113.8 50000 typ prflx");
        assertThat(prflx.type()).isEqualTo(CandidateType.PRFLX);
        assertThat(prflx.relatedPort()).isNull();
        SdpCandidate mdnsSrflx = SdpCandidate.parse(
                "candidate:1 1 udp 1685987071 203.0.113.7 60000 typ srflx raddr 0.0.0.0 rport 0");
        assertThat(mdnsSrflx.relatedPort()).isZero();
    }

    @Test
    void tcpCandidatesAndIpv6() throws Exception {
        SdpCandidate c = SdpCandidate.parse(
                "candidate:2 1 TCP 1518280447 2001:db8::1 9 typ host tcptype active generation 0 network-id 2");
        assertThat(c.isTcp()).isTrue();
        assertThat(c.isUdp()).isFalse();
        assertThat(c.address()).isEqualTo("2001:db8::1");
        assertThat(c.tcpType()).isEqualTo("active");
        assertThat(c.extension("network-id")).isEqualTo("2");
        assertThat(SdpCandidate.parse("candidate:5 1 tcp 1 192.0.2.1 443 typ host tcptype passive").tcpType())
                .isEqualTo("passive");
        assertThat(SdpCandidate.parse("candidate:5 1 tcp 1 192.0.2.1 443 typ host tcptype so").tcpType())
                .isEqualTo("so");
    }

    @Test
    void buildsAndFormats() throws Exception {
        SdpCandidate c = SdpCandidate.host("1", 1, "udp", 2130706431L, "192.0.2.5", 3478)
                .withExtension("generation", "0");
        assertThat(c.toString()).isEqualTo("candidate:1 1 udp 2130706431 192.0.2.5 3478 typ host generation 0");
        assertThat(SdpCandidate.parse(c.toString())).isEqualTo(c);
        SdpCandidate s = new SdpCandidate("2", 1, "udp", 1677729535L, "203.0.113.1", 5000, CandidateType.SRFLX,
                null, null, List.of()).withRelated("192.0.2.5", 3478);
        assertThat(s.value()).isEqualTo("2 1 udp 1677729535 203.0.113.1 5000 typ srflx raddr 192.0.2.5 rport 3478");
        assertThatThrownBy(() -> SdpCandidate.host("bad foundation", 1, "udp", 1, "192.0.2.5", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SdpCandidate.host("1", 0, "udp", 1, "192.0.2.5", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("empty", "", "missing fields"),
                Arguments.of("prefix only", "candidate:", "missing fields"),
                Arguments.of("other attribute", "a=mid:0", "not a candidate attribute"),
                Arguments.of("missing port and typ", "candidate:1 1 udp 1 192.0.2.1", "missing fields"),
                Arguments.of("typ without type", "candidate:1 1 udp 1 192.0.2.1 9 typ", "missing typ"),
                Arguments.of("no typ keyword", "candidate:1 1 udp 1 192.0.2.1 9 type host", "expected \"typ\""),
                Arguments.of("unknown type", "candidate:1 1 udp 1 192.0.2.1 9 typ local", "candidate type"),
                Arguments.of("component 0", "candidate:1 0 udp 1 192.0.2.1 9 typ host", "component 0"),
                Arguments.of("component word", "candidate:1 rtp udp 1 192.0.2.1 9 typ host", "component is not"),
                Arguments.of("priority too big", "candidate:1 1 udp 4294967296 192.0.2.1 9 typ host", "priority"),
                Arguments.of("negative priority", "candidate:1 1 udp -1 192.0.2.1 9 typ host", "priority"),
                Arguments.of("port 65536", "candidate:1 1 udp 1 192.0.2.1 65536 typ host", "port 65536"),
                Arguments.of("bad address", "candidate:1 1 udp 1 192.0.2.1/24 9 typ host", "bad connection address"),
                Arguments.of("foundation too long", "candidate:" + "a".repeat(33) + " 1 udp 1 192.0.2.1 9 typ host",
                        "foundation"),
                Arguments.of("foundation with dash", "candidate:a-b 1 udp 1 192.0.2.1 9 typ host", "foundation"),
                Arguments.of("raddr without address", "candidate:1 1 udp 1 192.0.2.1 9 typ srflx raddr",
                        "raddr without address"),
                Arguments.of("rport not a number", "candidate:1 1 udp 1 192.0.2.1 9 typ srflx raddr 1.2.3.4 rport x",
                        "rport is not a number"),
                Arguments.of("raddr after extension",
                        "candidate:1 1 udp 1 192.0.2.1 9 typ srflx generation 0 raddr 1.2.3.4", "out of place"),
                Arguments.of("dangling extension", "candidate:1 1 udp 1 192.0.2.1 9 typ host generation",
                        "has no value"),
                Arguments.of("double space", "candidate:1 1 udp 1  192.0.2.1 9 typ host", "extra space"),
                Arguments.of("trailing space", "candidate:1 1 udp 1 192.0.2.1 9 typ host ", "extra space"),
                Arguments.of("tab in extension", "candidate:1 1 udp 1 192.0.2.1 9 typ host generation\t0 x",
                        "whitespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void rejects(String name, String input, String reason) {
        SdpParseException e = catchThrowableOfType(() -> SdpCandidate.parse(input), SdpParseException.class);
        assertThat(e).as(name).isNotNull();
        assertThat(e.reason()).as(name).contains(reason);
        assertThat(e.lineNumber()).isZero();
        assertThat(e.line()).isEqualTo(input);
        assertThat(e.getMessage()).startsWith("\"");
    }
}
