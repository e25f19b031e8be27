package io.sluice.peer.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Named malformed descriptions, each failing with a typed error at the right line. */
class SdpParserFailureTest {

    /** Four valid session lines: v, o, s, t. */
    private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    /** HEAD plus a valid RTP media line: line 5 is m=, attributes start at line 6. */
    private static final String AUDIO = HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    private static final String FP = "sha-256 12:D8:43:C8:0F:15:B1:3D:A6:05:6B:73:A7:74:AC:65:E0:19:67:91:BC:2C:DB:2F:7D:2D:25:18:E8:2C:C3:84";

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, input, line number, reason fragment
                Arguments.of("empty input", "", 1, "description is empty"),
                Arguments.of("only blank lines", "\r\n\r\n", 1, "description is empty"),
                Arguments.of("missing v=", "o=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 1, "must start with v="),
                Arguments.of("version 1", "v=1\r\n", 1, "version must be 0"),
                Arguments.of("missing o=", "v=0\r\ns=-\r\nt=0 0\r\n", 2, "o= must follow v="),
                Arguments.of("origin with 5 fields", "v=0\r\no=- 1 2 IN IP4\r\n", 2, "origin needs 6 fields"),
                Arguments.of("origin session id not a number", "v=0\r\no=- x 2 IN IP4 1.2.3.4\r\n", 2,
                        "session id is not a number"),
                Arguments.of("origin with double space", "v=0\r\no=-  1 2 IN IP4 1.2.3.4\r\n", 2, "extra space"),
                Arguments.of("missing s=", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\n", 3, "s= must follow o="),
                Arguments.of("truncated after s=", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", 4, "missing t= line"),
                Arguments.of("no type=value syntax", HEAD + "hello\r\n", 5, "not <type>=<value>"),
                Arguments.of("upper-case type", HEAD + "A=rtcp-mux\r\n", 5, "not <type>=<value>"),
                Arguments.of("space before =", HEAD + "a =rtcp-mux\r\n", 5, "not <type>=<value>"),
                Arguments.of("type only", HEAD + "a\r\n", 5, "not <type>=<value>"),
                Arguments.of("unknown line type", HEAD + "x=1\r\n", 5, "unknown line type x="),
                Arguments.of("c= after t=", HEAD + "c=IN IP4 0.0.0.0\r\n", 5, "out of order"),
                Arguments.of("second s=", HEAD.replace("s=-\r\n", "s=-\r\ns=-\r\n"), 4, "s= line not allowed here"),
                Arguments.of("a= before t=", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=ice-lite\r\nt=0 0\r\n", 4,
                        "missing t= line before a="),
                Arguments.of("m= before t=", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", 4,
                        "missing t= line before m="),
                Arguments.of("r= not after t=", HEAD + "a=ice-lite\r\nr=7d 1h 0 25h\r\n", 6, "r= must follow t="),
                Arguments.of("t= with one field", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0\r\n", 4,
                        "timing needs 2 fields"),
                Arguments.of("bad connection", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\n", 4,
                        "connection needs 3 fields"),
                Arguments.of("bad bandwidth", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nb=AS:x\r\nt=0 0\r\n", 4,
                        "bandwidth is not a number"),
                Arguments.of("m= port too big", HEAD + "m=audio 99999 RTP/AVP 0\r\n", 5, "port 99999 is out of range"),
                Arguments.of("m= port not a number", HEAD + "m=audio x RTP/AVP 0\r\n", 5, "port is not a number"),
                Arguments.of("m= negative port", HEAD + "m=audio -9 RTP/AVP 0\r\n", 5, "port is not a number"),
                Arguments.of("m= port count 0", HEAD + "m=audio 9/0 RTP/AVP 0\r\n", 5, "port count 0 is out of range"),
                Arguments.of("m= without formats", HEAD + "m=audio 9 RTP/AVP\r\n", 5, "m= needs"),
                Arguments.of("m= RTP format not a number", HEAD + "m=audio 9 RTP/AVP opus\r\n", 5,
                        "payload type is not a number"),
                Arguments.of("m= RTP payload type 128", HEAD + "m=audio 9 RTP/AVP 128\r\n", 5,
                        "payload type 128 is out of range"),
                Arguments.of("t= inside media", AUDIO + "t=0 0\r\n", 6, "t= line not allowed here"),
                Arguments.of("c= after a= in media", AUDIO + "a=rtcp-mux\r\nc=IN IP4 0.0.0.0\r\n", 7, "out of order"),
                Arguments.of("two c= in media", AUDIO + "c=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n", 7,
                        "duplicate c= line"),
                Arguments.of("empty attribute name", AUDIO + "a=:x\r\n", 6, "attribute name is empty"),
                Arguments.of("rtpmap payload type not a number", AUDIO + "a=rtpmap:xx opus/48000\r\n", 6,
                        "payload type is not a number"),
                Arguments.of("rtpmap payload type 200", AUDIO + "a=rtpmap:200 opus/48000\r\n", 6,
                        "payload type 200 is out of range"),
                Arguments.of("rtpmap without clock rate", AUDIO + "a=rtpmap:111 opus\r\n", 6, "<name>/<clock rate>"),
                Arguments.of("rtpmap without value", AUDIO + "a=rtpmap\r\n", 6, "a=rtpmap needs a value"),
                Arguments.of("fmtp with word format in RTP", AUDIO + "a=fmtp:opus x=1\r\n", 6,
                        "payload type is not a number"),
                Arguments.of("rtcp-fb without type", AUDIO + "a=rtcp-fb:111\r\n", 6, "rtcp-fb needs"),
                Arguments.of("extmap id 0", AUDIO + "a=extmap:0 urn:x\r\n", 6, "extmap id 0 is out of range"),
                Arguments.of("extmap bad direction", AUDIO + "a=extmap:1/sideways urn:x\r\n", 6, "extmap direction"),
                Arguments.of("candidate missing fields", AUDIO + "a=candidate:1 1 udp 2122260223 192.0.2.1\r\n", 6,
                        "candidate is missing fields"),
                Arguments.of("candidate missing typ", AUDIO + "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 host\r\n",
                        6, "candidate is missing typ"),
                Arguments.of("candidate unknown type",
                        AUDIO + "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ foo\r\n", 6, "candidate type"),
                Arguments.of("candidate port out of range",
                        AUDIO + "a=candidate:1 1 udp 2122260223 192.0.2.1 70000 typ host\r\n", 6, "port 70000"),
                Arguments.of("candidate extension without value",
                        AUDIO + "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host generation\r\n", 6,
                        "has no value"),
                Arguments.of("fingerprint bad hex", AUDIO + "a=fingerprint:sha-256 " + "ZZ" + FP.substring(10) + "\r\n",
                        6, "bad hex digit"),
                Arguments.of("fingerprint too short for sha-256", AUDIO + "a=fingerprint:sha-256 12:D8:43\r\n", 6,
                        "must be 32 bytes"),
                Arguments.of("fingerprint without separator", AUDIO + "a=fingerprint:sha-256 12D843\r\n", 6,
                        "colon-separated"),
                Arguments.of("fingerprint without digest", AUDIO + "a=fingerprint:sha-256\r\n", 6,
                        "fingerprint needs"),
                Arguments.of("setup bad value", AUDIO + "a=setup:both\r\n", 6, "setup must be"),
                Arguments.of("ice-ufrag empty", AUDIO + "a=ice-ufrag:\r\n", 6, "ice-ufrag is empty"),
                Arguments.of("ice-pwd with space", AUDIO + "a=ice-pwd:abc def\r\n", 6, "whitespace"),
                Arguments.of("duplicate mid in one section", AUDIO + "a=mid:0\r\na=mid:1\r\n", 7, "duplicate a=mid"),
                Arguments.of("mid reused across sections",
                        AUDIO + "a=mid:0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", 8, "duplicate mid value 0"),
                Arguments.of("two directions", AUDIO + "a=sendrecv\r\na=recvonly\r\n", 7,
                        "more than one direction attribute"),
                Arguments.of("group without semantics", HEAD + "a=group:\r\n", 5, "group semantics is missing"),
                Arguments.of("sctp-port out of range", AUDIO + "a=sctp-port:70000\r\n", 6, "sctp-port 70000"),
                Arguments.of("sctpmap port out of range", AUDIO + "a=sctpmap:70000 webrtc-datachannel\r\n", 6,
                        "sctpmap port 70000"),
                Arguments.of("sctpmap without app", AUDIO + "a=sctpmap:5000\r\n", 6, "sctpmap needs"),
                Arguments.of("sctpmap streams zero", AUDIO + "a=sctpmap:5000 webrtc-datachannel 0\r\n", 6,
                        "sctpmap streams 0"),
                Arguments.of("sctpmap four fields", AUDIO + "a=sctpmap:5000 webrtc-datachannel 1 2\r\n", 6,
                        "sctpmap needs"),
                Arguments.of("ssrc not a number", AUDIO + "a=ssrc:abc cname:x\r\n", 6, "ssrc is not a number"),
                Arguments.of("ssrc-group bad ssrc", AUDIO + "a=ssrc-group:FID 1 x\r\n", 6, "ssrc is not a number"),
                Arguments.of("msid with two spaces", AUDIO + "a=msid:a  b\r\n", 6, "msid track id"),
                Arguments.of("blank line in the middle", HEAD + "\r\na=ice-lite\r\n", 5, "empty line"),
                Arguments.of("CR inside a line", HEAD + "a=ice-lite\rx\r\n", 5, "CR inside a line"),
                Arguments.of("NUL inside a line", HEAD + "a=tool:x\u0000y\r\n", 5, "NUL character"),
                Arguments.of("line too long", HEAD + "a=x:" + "y".repeat(20_000) + "\r\n", 5, "line is longer"),
                Arguments.of("too many lines",
                        HEAD + ("m=audio 0 RTP/AVP 0\r\n" + "a=x\r\n".repeat(24)).repeat(800), 20_001, "more than 20000 lines"),
                Arguments.of("too many media sections", HEAD + "m=audio 0 RTP/AVP 0\r\n".repeat(1025), 1029,
                        "more than 1024 media sections"),
                Arguments.of("oversize input", HEAD + ("a=x:" + "y".repeat(1000) + "\r\n").repeat(300), 0,
                        "over the limit of 262144"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejects(String name, String input, int line, String reason) {
        SdpParseException e = catchThrowableOfType(() -> SdpParser.parse(input), SdpParseException.class);
        assertThat(e).as(name).isNotNull();
        assertThat(e.lineNumber()).as(name + ": " + e.getMessage()).isEqualTo(line);
        assertThat(e.reason()).as(name).contains(reason);
        assertThat(e.getMessage()).contains(reason);
        if (line > 0) {
            assertThat(e.getMessage()).startsWith("line " + line + " ");
        }
        // bare LF gives the same line numbers
        SdpParseException lf = catchThrowableOfType(() -> SdpParser.parse(input.replace("\r\n", "\n")),
                SdpParseException.class);
        assertThat(lf).as(name + " with LF").isNotNull();
        assertThat(lf.lineNumber()).isEqualTo(line);
    }

    @Test
    void messageNamesLineAndReason() {
        assertThatThrownBy(() -> SdpParser.parse(HEAD + "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=rtpmap:xx opus/48000\r\n"))
                .isInstanceOf(SdpParseException.class)
                .hasMessage("line 7 \"a=rtpmap:xx opus/48000\": payload type is not a number");
    }

    @Test
    void messageEscapesControlCharactersAndShortensLongLines() {
        SdpParseException e = catchThrowableOfType(() -> SdpParser.parse(HEAD + "a=x\u0000" + "y".repeat(200)),
                SdpParseException.class);
        assertThat(e.getMessage()).startsWith("line 5 \"a=x\\x00yyy").contains("...\": NUL character");
        assertThat(e.line()).hasSize(204);
    }

    @Test
    void acceptsMissingFinalNewlineAndTrailingBlankLines() throws Exception {
        assertThat(SdpParser.parse(HEAD.trim()).timings()).hasSize(1);
        assertThat(SdpParser.parse(HEAD + "\r\n\r\n").timings()).hasSize(1);
        assertThat(SdpParser.parse(HEAD + "\n\n").toString()).isEqualTo(HEAD);
    }

    @Test
    void keepsUnknownAndMalformedOptionalAttributes() throws Exception {
        String sdp = AUDIO + "a=x-vendor:anything goes here\r\na=rid:!! send\r\na=simulcast:sideways\r\n"
                + "a=ice-options:trickle\r\na=flag\r\na=empty:\r\n";
        SessionDescription d = SdpParser.parse(sdp);
        MediaDescription m = d.media().get(0);
        assertThat(m.attributeValue("x-vendor")).isEqualTo("anything goes here");
        assertThat(m.rids()).isEmpty();
        assertThat(m.simulcast()).isNull();
        assertThat(m.attribute("flag").isFlag()).isTrue();
        assertThat(m.attributeValue("empty")).isEmpty();
        assertThat(d.toString()).isEqualTo(sdp);
    }

    @Test
    void acceptsRfc8866ExampleWithAllSessionLines() throws Exception {
        String sdp = "v=0\r\n"
                + "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r\n"
                + "s=Call to John Smith\r\n"
                + "i=SDP Offer #1\r\n"
                + "u=http://www.jdoe.example.com/home.html\r\n"
                + "e=Jane Doe <jane@jdoe.example.com>\r\n"
                + "p=+1 617 555-6011\r\n"
                + "c=IN IP4 198.51.100.1\r\n"
                + "b=CT:128\r\n"
                + "t=0 0\r\n"
                + "t=3724394400 3724398000\r\n"
                + "r=7d 1h 0 25h\r\n"
                + "z=2882844526 -1h 2898848070 0\r\n"
                + "k=prompt\r\n"
                + "a=recvonly\r\n"
                + "m=audio 49170/2 RTP/AVP 0\r\n"
                + "i=voice\r\n"
                + "c=IN IP6 2001:db8::2\r\n"
                + "b=AS:64\r\n"
                + "k=prompt\r\n"
                + "m=video 51372 RTP/AVP 99\r\n"
                + "c=IN IP6 2001:db8::2\r\n"
                + "a=rtpmap:99 h263-1998/90000\r\n";
        SessionDescription d = SdpParser.parse(sdp);
        assertThat(d.toString()).isEqualTo(sdp);
        assertThat(d.emails()).containsExactly("Jane Doe <jane@jdoe.example.com>");
        assertThat(d.timings().get(1).repeats()).containsExactly("7d 1h 0 25h");
        assertThat(d.bandwidths()).containsExactly(new Bandwidth("CT", 128));
        MediaDescription audio = d.media().get(0);
        assertThat(audio.portCount()).isEqualTo(2);
        assertThat(audio.connection().isIp6()).isTrue();
        assertThat(d.direction(audio)).isEqualTo(Direction.RECVONLY);
        assertThat(audio.codecs().get(0).name()).isEqualTo("PCMU");
        assertThat(d.media().get(1).codecs().get(0).name()).isEqualTo("h263-1998");
    }

    @Test
    void byteInputMustBeUtf8() {
        byte[] bad = (HEAD + "a=x:\u00ff").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SdpParser.parse(bad)).isInstanceOf(SdpParseException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void customLimits() {
        SdpLimits tight = new SdpLimits(1024, 100, 100, 1, 1);
        assertThatThrownBy(() -> SdpParser.parse(AUDIO + "a=a\r\na=b\r\n", tight))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("more than 1 attributes");
        assertThatThrownBy(() -> SdpParser.parse(AUDIO + "m=video 9 RTP/AVP 0\r\n", tight))
                .isInstanceOf(SdpParseException.class).hasMessageContaining("more than 1 media sections");
    }
}
