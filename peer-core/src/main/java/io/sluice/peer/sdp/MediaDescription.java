package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One media section: the {@code m=} line and the {@code i=}, {@code c=}, {@code b=}, {@code k=}
 * and {@code a=} lines after it. Attributes are kept in order, unknown ones included, so a parsed
 * section writes back unchanged. The typed accessors read the attributes on demand and look at
 * this section only; {@link SessionDescription} has the variants that fall back to session level.
 *
 * @param type media type: audio, video, application, ...
 * @param port port, 0 for a rejected or bundled-away section
 * @param portCount the {@code /<number of ports>} suffix, or null when absent
 * @param proto transport protocol, such as {@code UDP/TLS/RTP/SAVPF} or {@code UDP/DTLS/SCTP}
 * @param formats media formats: RTP payload types, or {@code webrtc-datachannel}
 * @param information {@code i=}, or null
 * @param connection {@code c=}, or null
 * @param bandwidths {@code b=} lines
 * @param encryptionKey the obsolete {@code k=}, kept only to round-trip, or null
 * @param attributes {@code a=} lines in order
 */
public record MediaDescription(String type, int port, Integer portCount, String proto, List<String> formats,
        String information, Connection connection, List<Bandwidth> bandwidths, String encryptionKey,
        List<Attribute> attributes) {

    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";
    public static final String APPLICATION = "application";
    /** JSEP's proto for RTP media. */
    public static final String PROTO_RTP = "UDP/TLS/RTP/SAVPF";
    /** JSEP's proto for data channels. */
    public static final String PROTO_SCTP = "UDP/DTLS/SCTP";
    public static final String FORMAT_DATACHANNEL = "webrtc-datachannel";

    public MediaDescription {
        SdpSyntax.checkToken(type, "media type");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (portCount != null && (portCount < 1 || portCount > 65535)) {
            throw new IllegalArgumentException("port count out of range: " + portCount);
        }
        if (!isProto(proto)) {
            throw new IllegalArgumentException("bad proto: " + proto);
        }
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("a media section needs at least one format");
        }
        for (String f : formats) {
            SdpSyntax.checkToken(f, "format");
        }
        if (information != null) {
            SdpSyntax.checkLineText(information, "information");
        }
        bandwidths = List.copyOf(bandwidths);
        if (encryptionKey != null) {
            SdpSyntax.checkLineText(encryptionKey, "key");
        }
        attributes = List.copyOf(attributes);
    }

    static boolean isProto(String proto) {
        if (proto == null || proto.isEmpty()) {
            return false;
        }
        for (String part : proto.split("/", -1)) {
            if (!SdpSyntax.isToken(part)) {
                return false;
            }
        }
        return true;
    }

    public static Builder builder(String type, int port, String proto) {
        return new Builder(type, port, proto);
    }

    public Builder toBuilder() {
        Builder b = new Builder(type, port, proto);
        b.portCount = portCount;
        b.formats.addAll(formats);
        b.information = information;
        b.connection = connection;
        b.bandwidths.addAll(bandwidths);
        b.encryptionKey = encryptionKey;
        b.attributes.addAll(attributes);
        return b;
    }

    // ---- generic attribute access ----

    /** The first attribute named {@code name}, or null. */
    public Attribute attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** All attributes named {@code name}, in order. */
    public List<Attribute> attributes(String name) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(a);
            }
        }
        return Collections.unmodifiableList(out);
    }

    public boolean hasAttribute(String name) {
        return Views.has(attributes, name);
    }

    /** Value of the first attribute named {@code name}; null when absent or a flag. */
    public String attributeValue(String name) {
        return Views.firstValue(attributes, name);
    }

    // ---- typed views ----

    /** True when the port is 0: rejected, or (with {@code a=bundle-only}) bundled. */
    public boolean isRejected() {
        return port == 0 && !isBundleOnly();
    }

    public boolean isBundleOnly() {
        return hasAttribute("bundle-only");
    }

    public boolean isRtp() {
        return proto.contains("RTP/");
    }

    public boolean isSctp() {
        return proto.endsWith("SCTP");
    }

    /** {@code a=mid} (RFC 5888), or null. */
    public String mid() {
        return Views.firstValue(attributes, "mid");
    }

    /** Media-level {@code a=ice-ufrag}, or null; see {@link SessionDescription#iceUfrag(MediaDescription)}. */
    public String iceUfrag() {
        return Views.firstValue(attributes, "ice-ufrag");
    }

    /** Media-level {@code a=ice-pwd}, or null. */
    public String icePwd() {
        return Views.firstValue(attributes, "ice-pwd");
    }

    /** Media-level {@code a=ice-options} tokens, such as {@code trickle} and {@code ice2}. */
    public List<String> iceOptions() {
        return iceOptionsOf(attributes);
    }

    static List<String> iceOptionsOf(List<Attribute> attributes) {
        List<String> out = new ArrayList<>();
        for (String v : Views.values(attributes, "ice-options")) {
            for (String t : v.split(" ")) {
                if (SdpSyntax.isToken(t)) {
                    out.add(t);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Media-level {@code a=fingerprint} lines. */
    public List<Fingerprint> fingerprints() {
        return Fingerprint.all(attributes);
    }

    /** Media-level {@code a=setup}, or null. */
    public Setup setup() {
        return Views.first(attributes, Setup.NAME, Setup::parse);
    }

    /** {@code a=candidate} lines, in order. */
    public List<SdpCandidate> candidates() {
        return Views.list(attributes, SdpCandidate.NAME, SdpCandidate::parseValue);
    }

    public boolean endOfCandidates() {
        return hasAttribute("end-of-candidates");
    }

    public boolean rtcpMux() {
        return hasAttribute("rtcp-mux");
    }

    public boolean rtcpMuxOnly() {
        return hasAttribute("rtcp-mux-only");
    }

    public boolean rtcpRsize() {
        return hasAttribute("rtcp-rsize");
    }

    public boolean extmapAllowMixed() {
        return hasAttribute("extmap-allow-mixed");
    }

    /** {@code a=sctp-port} (RFC 8841), or null. */
    public Integer sctpPort() {
        return Views.first(attributes, "sctp-port", v -> SdpSyntax.intNumber(v, 0, 65535, "sctp-port"));
    }

    /** The {@code a=sctpmap} lines of the pre-RFC 8841 syntax ({@link SctpMap}). */
    public List<SctpMap> sctpMaps() {
        return Views.list(attributes, SctpMap.NAME, SctpMap::parse);
    }

    /** {@code a=max-message-size} (RFC 8841; 0 means no limit), or null. */
    public Long maxMessageSize() {
        return Views.first(attributes, "max-message-size",
                v -> SdpSyntax.number(v, 0, Long.MAX_VALUE / 2, "max-message-size"));
    }

    /** The explicit media-level direction attribute, or null; see {@link SessionDescription#direction(MediaDescription)}. */
    public Direction direction() {
        return directionOf(attributes);
    }

    static Direction directionOf(List<Attribute> attributes) {
        for (Attribute a : attributes) {
            Direction d = Direction.fromName(a.name());
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    public List<RtpMap> rtpMaps() {
        return Views.list(attributes, RtpMap.NAME, RtpMap::parse);
    }

    public List<Fmtp> fmtps() {
        return Views.list(attributes, Fmtp.NAME, Fmtp::parse);
    }

    public List<RtcpFeedback> rtcpFeedback() {
        return Views.list(attributes, RtcpFeedback.NAME, RtcpFeedback::parse);
    }

    public List<ExtMap> extMaps() {
        return Views.list(attributes, ExtMap.NAME, ExtMap::parse);
    }

    public List<Msid> msids() {
        return Views.list(attributes, Msid.NAME, Msid::parse);
    }

    public List<SsrcAttribute> ssrcs() {
        return Views.list(attributes, SsrcAttribute.NAME, SsrcAttribute::parse);
    }

    public List<SsrcGroup> ssrcGroups() {
        return Views.list(attributes, SsrcGroup.NAME, SsrcGroup::parse);
    }

    /** {@code a=rid} lines; malformed ones are skipped. */
    public List<Rid> rids() {
        return Views.lenientList(attributes, Rid.NAME, Rid::parse);
    }

    /** {@code a=simulcast}, or null when absent or malformed. */
    public Simulcast simulcast() {
        List<Simulcast> all = Views.lenientList(attributes, Simulcast.NAME, Simulcast::parse);
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * The RTP payload formats of this section in {@code m=} order, each joined with its rtpmap,
     * fmtp and rtcp-fb lines. Empty for non-RTP sections.
     */
    public List<Codec> codecs() {
        if (!isRtp()) {
            return List.of();
        }
        // indexed by payload type, first line wins: linear in the number of attributes
        RtpMap[] maps = new RtpMap[128];
        String[] fmtps = new String[128];
        List<List<RtcpFeedback>> feedback = new ArrayList<>(Collections.nCopies(128, null));
        List<RtcpFeedback> wildcard = new ArrayList<>();
        for (RtpMap m : rtpMaps()) {
            if (maps[m.payloadType()] == null) {
                maps[m.payloadType()] = m;
            }
        }
        for (Fmtp f : fmtps()) {
            int pt = f.payloadType();
            if (pt >= 0 && fmtps[pt] == null) {
                fmtps[pt] = f.parameters();
            }
        }
        for (RtcpFeedback r : rtcpFeedback()) {
            int pt = Fmtp.payloadTypeOf(r.format());
            if (RtcpFeedback.ANY.equals(r.format())) {
                wildcard.add(r);
            } else if (pt >= 0) {
                if (feedback.get(pt) == null) {
                    feedback.set(pt, new ArrayList<>());
                }
                feedback.get(pt).add(r);
            }
        }
        boolean[] seen = new boolean[128];
        List<Codec> out = new ArrayList<>();
        for (String f : formats) {
            int pt = Fmtp.payloadTypeOf(f);
            if (pt < 0 || seen[pt]) {
                continue;
            }
            seen[pt] = true;
            RtpMap map = maps[pt] != null ? maps[pt] : Codec.staticMapping(pt);
            List<RtcpFeedback> fb = new ArrayList<>();
            if (feedback.get(pt) != null) {
                fb.addAll(feedback.get(pt));
            }
            fb.addAll(wildcard);
            out.add(new Codec(pt, map == null ? null : map.encodingName(), map == null ? 0 : map.clockRate(),
                    map == null ? null : map.channels(), fmtps[pt], fb));
        }
        return List.copyOf(out);
    }

    /** The codec with payload type {@code pt}, or null. */
    public Codec codec(int pt) {
        for (Codec c : codecs()) {
            if (c.payloadType() == pt) {
                return c;
            }
        }
        return null;
    }

    // ---- withers ----

    public MediaDescription withPort(int newPort) {
        return new MediaDescription(type, newPort, portCount, proto, formats, information, connection, bandwidths,
                encryptionKey, attributes);
    }

    public MediaDescription withFormats(List<String> newFormats) {
        return new MediaDescription(type, port, portCount, proto, newFormats, information, connection, bandwidths,
                encryptionKey, attributes);
    }

    public MediaDescription withConnection(Connection newConnection) {
        return new MediaDescription(type, port, portCount, proto, formats, information, newConnection, bandwidths,
                encryptionKey, attributes);
    }

    public MediaDescription withAttributes(List<Attribute> newAttributes) {
        return new MediaDescription(type, port, portCount, proto, formats, information, connection, bandwidths,
                encryptionKey, newAttributes);
    }

    /** A copy with {@code attribute} appended. */
    public MediaDescription withAttribute(Attribute attribute) {
        List<Attribute> list = new ArrayList<>(attributes);
        list.add(Objects.requireNonNull(attribute));
        return withAttributes(list);
    }

    /** A copy without any attribute named {@code name}. */
    public MediaDescription withoutAttributes(String name) {
        List<Attribute> list = new ArrayList<>(attributes.size());
        for (Attribute a : attributes) {
            if (!a.name().equals(name)) {
                list.add(a);
            }
        }
        return withAttributes(list);
    }

    /** The section as SDP lines, CRLF-terminated. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        SdpWriter.writeMedia(this, b);
        return b.toString();
    }

    /** Builds a media section; typed adders append attributes in call order. */
    public static final class Builder {
        private final String type;
        private int port;
        private final String proto;
        private Integer portCount;
        private final List<String> formats = new ArrayList<>();
        private String information;
        private Connection connection;
        private final List<Bandwidth> bandwidths = new ArrayList<>();
        private String encryptionKey;
        private final List<Attribute> attributes = new ArrayList<>();

        private Builder(String type, int port, String proto) {
            this.type = type;
            this.port = port;
            this.proto = proto;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder portCount(Integer value) {
            this.portCount = value;
            return this;
        }

        public Builder format(String format) {
            formats.add(format);
            return this;
        }

        public Builder formats(List<String> list) {
            formats.addAll(list);
            return this;
        }

        public Builder information(String value) {
            this.information = value;
            return this;
        }

        public Builder connection(Connection value) {
            this.connection = value;
            return this;
        }

        public Builder bandwidth(Bandwidth value) {
            bandwidths.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder encryptionKey(String value) {
            this.encryptionKey = value;
            return this;
        }

        public Builder attribute(Attribute a) {
            attributes.add(Objects.requireNonNull(a));
            return this;
        }

        public Builder attribute(String name, String value) {
            return attribute(new Attribute(name, value));
        }

        public Builder flag(String name) {
            return attribute(Attribute.flag(name));
        }

        public Builder mid(String mid) {
            return attribute("mid", SdpSyntax.checkToken(mid, "mid"));
        }

        public Builder iceUfrag(String ufrag) {
            return attribute("ice-ufrag", SdpSyntax.checkNonWs(ufrag, "ice-ufrag"));
        }

        public Builder icePwd(String pwd) {
            return attribute("ice-pwd", SdpSyntax.checkNonWs(pwd, "ice-pwd"));
        }

        public Builder iceOptions(String... options) {
            for (String o : options) {
                SdpSyntax.checkToken(o, "ice option");
            }
            return attribute("ice-options", String.join(" ", options));
        }

        public Builder fingerprint(Fingerprint f) {
            return attribute(f.toAttribute());
        }

        public Builder setup(Setup s) {
            return attribute(s.toAttribute());
        }

        public Builder candidate(SdpCandidate c) {
            return attribute(c.toAttribute());
        }

        public Builder endOfCandidates() {
            return flag("end-of-candidates");
        }

        public Builder rtcpMux() {
            return flag("rtcp-mux");
        }

        public Builder rtcpMuxOnly() {
            return flag("rtcp-mux-only");
        }

        public Builder rtcpRsize() {
            return flag("rtcp-rsize");
        }

        public Builder bundleOnly() {
            return flag("bundle-only");
        }

        public Builder extmapAllowMixed() {
            return flag("extmap-allow-mixed");
        }

        public Builder direction(Direction d) {
            return attribute(d.toAttribute());
        }

        public Builder rtpMap(RtpMap m) {
            return attribute(m.toAttribute());
        }

        public Builder fmtp(Fmtp f) {
            return attribute(f.toAttribute());
        }

        public Builder rtcpFeedback(RtcpFeedback f) {
            return attribute(f.toAttribute());
        }

        public Builder extMap(ExtMap e) {
            return attribute(e.toAttribute());
        }

        public Builder msid(Msid m) {
            return attribute(m.toAttribute());
        }

        public Builder ssrc(SsrcAttribute s) {
            return attribute(s.toAttribute());
        }

        public Builder ssrcGroup(SsrcGroup g) {
            return attribute(g.toAttribute());
        }

        public Builder rid(Rid r) {
            return attribute(r.toAttribute());
        }

        public Builder simulcast(Simulcast s) {
            return attribute(s.toAttribute());
        }

        public Builder sctpPort(int p) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("sctp-port out of range: " + p);
            }
            return attribute("sctp-port", Integer.toString(p));
        }

        public Builder sctpMap(SctpMap m) {
            return attribute(m.toAttribute());
        }

        public Builder maxMessageSize(long size) {
            if (size < 0) {
                throw new IllegalArgumentException("max-message-size is negative");
            }
            return attribute("max-message-size", Long.toString(size));
        }

        /**
         * Adds a payload type to the format list with its rtpmap, optional fmtp and feedback lines
         * (the attributes in the order JSEP implementations write them).
         */
        public Builder codec(RtpMap map, Fmtp fmtp, List<RtcpFeedback> feedback) {
            formats.add(Integer.toString(map.payloadType()));
            rtpMap(map);
            for (RtcpFeedback f : feedback) {
                rtcpFeedback(f);
            }
            if (fmtp != null) {
                fmtp(fmtp);
            }
            return this;
        }

        public MediaDescription build() {
            return new MediaDescription(type, port, portCount, proto, formats, information, connection, bandwidths,
                    encryptionKey, attributes);
        }
    }
}
