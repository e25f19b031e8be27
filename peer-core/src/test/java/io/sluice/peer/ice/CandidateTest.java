package io.sluice.peer.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CandidateTest {

    @Test
    void candidatePriorityFormula() {
        // 2^24 * type preference + 2^8 * local preference + (256 - component)
        assertThat(Candidate.computePriority(CandidateType.HOST, 65535, 1)).isEqualTo(2130706431L);
        assertThat(Candidate.computePriority(CandidateType.HOST, 65535, 1)).isEqualTo((126L << 24) + (65535 << 8) + 255);
        assertThat(Candidate.computePriority(CandidateType.SRFLX, 32767, 1)).isEqualTo((100L << 24) + (32767 << 8) + 255);
        assertThat(Candidate.computePriority(CandidateType.PRFLX, 0, 2)).isEqualTo((110L << 24) + 254);
        assertThat(Candidate.computePriority(CandidateType.RELAY, 0, 256)).isZero();
        assertThatThrownBy(() -> Candidate.computePriority(127, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Candidate.computePriority(0, 65536, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Candidate.computePriority(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        // Type preferences order host > prflx > srflx > relay.
        assertThat(CandidateType.HOST.typePreference()).isGreaterThan(CandidateType.PRFLX.typePreference());
        assertThat(CandidateType.PRFLX.typePreference()).isGreaterThan(CandidateType.SRFLX.typePreference());
        assertThat(CandidateType.SRFLX.typePreference()).isGreaterThan(CandidateType.RELAY.typePreference());
    }

    @Test
    void pairPriorityFormula() {
        // 2^32 * min(G, D) + 2 * max(G, D) + (G > D ? 1 : 0)
        assertThat(CandidatePair.priority(10, 20)).isEqualTo((10L << 32) + 40);
        assertThat(CandidatePair.priority(20, 10)).isEqualTo((10L << 32) + 40 + 1);
        assertThat(CandidatePair.priority(7, 7)).isEqualTo((7L << 32) + 14);
        long max = CandidatePair.MAX_CANDIDATE_PRIORITY;
        assertThat(CandidatePair.priority(max, max)).isEqualTo((max << 32) + 2 * max).isPositive();
        // Out-of-range priorities a peer may signal are clamped rather than overflowing.
        assertThat(CandidatePair.priority(0xffffffffL, 0xffffffffL)).isEqualTo(CandidatePair.priority(max, max));
    }

    @Test
    void pairPriorityIsSymmetricButForTheTieBit() {
        long g = 2130706431L;
        long d = 1694498815L;
        assertThat(CandidatePair.priority(g, d) - CandidatePair.priority(d, g)).isEqualTo(1);
    }

    @Test
    void sdpRoundTripHost() throws Exception {
        String line = "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host generation 0";
        Candidate c = Candidate.parseSdpValue(line);
        assertThat(c.foundation()).isEqualTo("1");
        assertThat(c.component()).isEqualTo(1);
        assertThat(c.transport()).isEqualTo("udp");
        assertThat(c.priority()).isEqualTo(2130706431L);
        assertThat(c.address()).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 5000));
        assertThat(c.type()).isEqualTo(CandidateType.HOST);
        assertThat(c.relatedAddress()).isNull();
        assertThat(c.toCandidateString()).isEqualTo(line);
        assertThat(Candidate.parseSdpValue(c.toSdpValue())).isEqualTo(c);
    }

    @Test
    void sdpRoundTripSrflxWithRelatedAddressAndUfrag() throws Exception {
        String value = "842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 10.0.0.2 rport 51000"
                + " generation 0 ufrag EsAw";
        Candidate c = Candidate.parseSdpValue("a=candidate:" + value);
        assertThat(c.type()).isEqualTo(CandidateType.SRFLX);
        assertThat(c.relatedAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 51000));
        assertThat(c.ufrag()).isEqualTo("EsAw");
        assertThat(c.toSdpValue()).isEqualTo(value);
    }

    @Test
    void sdpRoundTripIpv6() throws Exception {
        Candidate c = Candidate.parseSdpValue("candidate:2 1 UDP 2122262783 2001:db8::1 49152 typ host");
        assertThat(c.isIpv6()).isTrue();
        assertThat(c.transport()).isEqualTo("udp");
        assertThat(c.address().getAddress()).isEqualTo(InetAddress.getByName("2001:db8::1"));
        assertThat(Candidate.parseSdpValue(c.toSdpValue())).isEqualTo(c);
        Candidate rel = Candidate.parseSdpValue(
                "3 1 udp 1686052607 2001:db8:1::5 40000 typ srflx raddr 2001:db8::1 rport 49152");
        assertThat(Candidate.parseSdpValue(rel.toSdpValue())).isEqualTo(rel);
    }

    @Test
    void sdpRoundTripMdnsHostname() throws Exception {
        String line = "candidate:3920470823 1 udp 2113937151 7b9b4c6a-0e4c-4d5b-8e1f-1a2b3c4d5e6f.local 54321 typ host"
                + " generation 0 ufrag abcd";
        Candidate c = Candidate.parseSdpValue(line);
        assertThat(c.isResolved()).isFalse();
        assertThat(c.isMdns()).isTrue();
        assertThat(c.address().getHostString()).isEqualTo("7b9b4c6a-0e4c-4d5b-8e1f-1a2b3c4d5e6f.local");
        assertThat(c.address().getPort()).isEqualTo(54321);
        assertThat(c.toCandidateString()).isEqualTo(line);
        assertThat(Candidate.parseSdpValue(line)).isEqualTo(c);
    }

    @Test
    void relayAndUnknownExtensionsAndPrflx() throws Exception {
        Candidate c = Candidate.parseSdpValue("candidate:9 1 udp 16777215 198.51.100.3 3478 typ relay raddr"
                + " 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10");
        assertThat(c.type()).isEqualTo(CandidateType.RELAY);
        assertThat(c.type().spec()).isEqualTo("relay");
        Candidate p = Candidate.parseSdpValue("candidate:x+/y 1 udp 1845501695 192.0.2.9 1 typ prflx");
        assertThat(p.type()).isEqualTo(CandidateType.PRFLX);
        assertThat(p.foundation()).isEqualTo("x+/y");
        Candidate tcp = Candidate.parseSdpValue("candidate:1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active");
        assertThat(tcp.transport()).isEqualTo("tcp");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "too few fields | candidate:1 1 udp 1 192.0.2.1 5000 typ",
        "bad component | candidate:1 0 udp 1 192.0.2.1 5000 typ host",
        "component not a number | candidate:1 x udp 1 192.0.2.1 5000 typ host",
        "priority zero | candidate:1 1 udp 0 192.0.2.1 5000 typ host",
        "priority too big | candidate:1 1 udp 4294967296 192.0.2.1 5000 typ host",
        "negative priority | candidate:1 1 udp -5 192.0.2.1 5000 typ host",
        "port too big | candidate:1 1 udp 1 192.0.2.1 65536 typ host",
        "missing typ | candidate:1 1 udp 1 192.0.2.1 5000 type host",
        "unknown type | candidate:1 1 udp 1 192.0.2.1 5000 typ foo",
        "bad foundation | candidate:a=b 1 udp 1 192.0.2.1 5000 typ host",
        "bad IPv4 octet | candidate:1 1 udp 1 192.0.2.300 5000 typ host",
        "bad IPv6 | candidate:1 1 udp 1 2001:db8::g 5000 typ host",
        "IPv6 with scope | candidate:1 1 udp 1 fe80::1%eth0 5000 typ host",
        "bad hostname | candidate:1 1 udp 1 bad/host.local 5000 typ host",
        "raddr without rport | candidate:1 1 udp 1 192.0.2.1 5000 typ srflx raddr 10.0.0.1",
        "bad rport | candidate:1 1 udp 1 192.0.2.1 5000 typ srflx raddr 10.0.0.1 rport x",
        "dangling extension | candidate:1 1 udp 1 192.0.2.1 5000 typ host generation",
        "empty | ''",
    })
    void rejectsMalformedLines(String name, String line) {
        assertThatThrownBy(() -> Candidate.parseSdpValue(line)).isInstanceOf(CandidateParseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "0.0.0.0", "255.255.255.255"})
    void ipv4LiteralsResolveWithoutLookup(String ip) throws Exception {
        Candidate c = Candidate.parseSdpValue("candidate:1 1 udp 1 " + ip + " 9 typ host");
        assertThat(c.isResolved()).isTrue();
        assertThat(c.address().getHostString()).isEqualTo(ip);
    }

    @Test
    void numericLookingNamesStayUnresolved() throws Exception {
        // Not an IPv4 literal (5 parts): treated as a name, never looked up.
        Candidate c = Candidate.parseSdpValue("candidate:1 1 udp 1 host-1.example.local 9 typ host");
        assertThat(c.isResolved()).isFalse();
        assertThat(c.isMdns()).isTrue();
        assertThatThrownBy(() -> Candidate.parseSdpValue("candidate:1 1 udp 1 1.2.3.4.5 9 typ host"))
                .isInstanceOf(CandidateParseException.class);
    }

    @Test
    void stateSpellings() {
        assertThat(IceState.CHECKING.spec()).isEqualTo("checking");
        assertThat(IceState.DISCONNECTED.spec()).isEqualTo("disconnected");
        assertThat(GatheringState.COMPLETE.spec()).isEqualTo("complete");
        assertThat(PairState.IN_PROGRESS.spec()).isEqualTo("in-progress");
        assertThat(CandidateType.fromSpec("srflx")).isEqualTo(CandidateType.SRFLX);
    }
}
