package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A whole SDP session description (RFC 8866): session-level lines, session attributes and media
 * sections, kept in order with unknown attributes included, so that
 * {@code SdpWriter.write(SdpParser.parse(x))} gives {@code x} back (with CRLF line ends).
 *
 * <p>Typed accessors read the attributes on demand. Those taking a {@link MediaDescription}
 * give the value in effect for that section: the media-level attribute when present, else the
 * session-level one (as JSEP allows for ICE credentials, ice-options, fingerprints, setup,
 * direction and extmap-allow-mixed).
 *
 * @param version {@code v=}, always 0
 * @param origin {@code o=}
 * @param sessionName {@code s=} (JSEP writes {@code -})
 * @param information {@code i=}, or null
 * @param uri {@code u=}, or null
 * @param emails {@code e=} lines
 * @param phones {@code p=} lines
 * @param connection session-level {@code c=}, or null
 * @param bandwidths session-level {@code b=} lines
 * @param timings {@code t=} lines with their {@code r=} lines (at least one)
 * @param timeZones {@code z=}, or null
 * @param encryptionKey the obsolete {@code k=}, or null
 * @param attributes session-level {@code a=} lines in order
 * @param media media sections in order
 */
public record SessionDescription(int version, Origin origin, String sessionName, String information, String uri,
        List<String> emails, List<String> phones, Connection connection, List<Bandwidth> bandwidths,
        List<Timing> timings, String timeZones, String encryptionKey, List<Attribute> attributes,
        List<MediaDescription> media) {

    public SessionDescription {
        if (version != 0) {
            throw new IllegalArgumentException("SDP version must be 0");
        }
        Objects.requireNonNull(origin, "origin");
        SdpSyntax.checkLineText(sessionName, "session name");
        if (information != null) {
            SdpSyntax.checkLineText(information, "information");
        }
        if (uri != null) {
            SdpSyntax.checkLineText(uri, "uri");
        }
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        for (String s : emails) {
            SdpSyntax.checkLineText(s, "email");
        }
        for (String s : phones) {
            SdpSyntax.checkLineText(s, "phone");
        }
        bandwidths = List.copyOf(bandwidths);
        timings = List.copyOf(timings);
        if (timings.isEmpty()) {
            throw new IllegalArgumentException("a description needs at least one t= line");
        }
        if (timeZones != null) {
            SdpSyntax.checkLineText(timeZones, "time zones");
        }
        if (encryptionKey != null) {
            SdpSyntax.checkLineText(encryptionKey, "key");
        }
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }

    /** Parses {@code sdp}; same as {@link SdpParser#parse(String)}. */
    public static SessionDescription parse(String sdp) throws SdpParseException {
        return SdpParser.parse(sdp);
    }

    /**
     * A builder preset the way JSEP starts a description: {@code v=0}, the given origin,
     * {@code s=-} and {@code t=0 0}.
     */
    public static Builder builder(Origin origin) {
        return new Builder(origin);
    }

    public Builder toBuilder() {
        Builder b = new Builder(origin);
        b.sessionName = sessionName;
        b.information = information;
        b.uri = uri;
        b.emails.addAll(emails);
        b.phones.addAll(phones);
        b.connection = connection;
        b.bandwidths.addAll(bandwidths);
        b.timings.clear();
        b.timings.addAll(timings);
        b.timeZones = timeZones;
        b.encryptionKey = encryptionKey;
        b.attributes.addAll(attributes);
        b.media.addAll(media);
        return b;
    }

    // ---- generic attribute access (session level) ----

    public Attribute attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

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

    public String attributeValue(String name) {
        return Views.firstValue(attributes, name);
    }

    // ---- session-level typed views ----

    /** All {@code a=group} lines. */
    public List<Group> groups() {
        return Views.list(attributes, Group.NAME, Group::parse);
    }

    /** The {@code a=group:BUNDLE} lines (RFC 9143), in order. */
    public List<Group> bundleGroups() {
        List<Group> out = new ArrayList<>();
        for (Group g : groups()) {
            if (g.isBundle()) {
                out.add(g);
            }
        }
        return List.copyOf(out);
    }

    /** The BUNDLE group containing {@code mid}, or null. */
    public Group bundleGroupOf(String mid) {
        for (Group g : bundleGroups()) {
            if (g.mids().contains(mid)) {
                return g;
            }
        }
        return null;
    }

    /** Session-level {@code a=ice-ufrag}, or null. */
    public String iceUfrag() {
        return Views.firstValue(attributes, "ice-ufrag");
    }

    /** Session-level {@code a=ice-pwd}, or null. */
    public String icePwd() {
        return Views.firstValue(attributes, "ice-pwd");
    }

    /** Session-level {@code a=ice-options} tokens. */
    public List<String> iceOptions() {
        return MediaDescription.iceOptionsOf(attributes);
    }

    /** {@code a=ice-lite} (session level only, RFC 8839). */
    public boolean iceLite() {
        return hasAttribute("ice-lite");
    }

    public List<Fingerprint> fingerprints() {
        return Fingerprint.all(attributes);
    }

    public Setup setup() {
        return Views.first(attributes, Setup.NAME, Setup::parse);
    }

    /** The explicit session-level direction attribute, or null. */
    public Direction direction() {
        return MediaDescription.directionOf(attributes);
    }

    public boolean extmapAllowMixed() {
        return hasAttribute("extmap-allow-mixed");
    }

    /** {@code a=msid-semantic}, or null when absent or malformed. */
    public MsidSemantic msidSemantic() {
        List<MsidSemantic> all = Views.lenientList(attributes, MsidSemantic.NAME, MsidSemantic::parse);
        return all.isEmpty() ? null : all.get(0);
    }

    // ---- values in effect for one media section ----

    public String iceUfrag(MediaDescription m) {
        String v = m.iceUfrag();
        return v != null ? v : iceUfrag();
    }

    public String icePwd(MediaDescription m) {
        String v = m.icePwd();
        return v != null ? v : icePwd();
    }

    public List<String> iceOptions(MediaDescription m) {
        return m.hasAttribute("ice-options") ? m.iceOptions() : iceOptions();
    }

    /** True when the ICE options in effect for {@code m} include {@code trickle}. */
    public boolean canTrickle(MediaDescription m) {
        return iceOptions(m).contains("trickle");
    }

    public List<Fingerprint> fingerprints(MediaDescription m) {
        List<Fingerprint> v = m.fingerprints();
        return v.isEmpty() ? fingerprints() : v;
    }

    public Setup setup(MediaDescription m) {
        Setup v = m.setup();
        return v != null ? v : setup();
    }

    /** Media-level direction, else session-level, else {@link Direction#SENDRECV} (RFC 8866 §6.7). */
    public Direction direction(MediaDescription m) {
        Direction d = m.direction();
        if (d == null) {
            d = direction();
        }
        return d != null ? d : Direction.SENDRECV;
    }

    public boolean extmapAllowMixed(MediaDescription m) {
        return m.extmapAllowMixed() || extmapAllowMixed();
    }

    public Connection connection(MediaDescription m) {
        return m.connection() != null ? m.connection() : connection;
    }

    // ---- media lookup ----

    /** The mids of the media sections in order (null for a section without mid). */
    public List<String> mids() {
        List<String> out = new ArrayList<>(media.size());
        for (MediaDescription m : media) {
            out.add(m.mid());
        }
        return Collections.unmodifiableList(out);
    }

    /** The media section with {@code a=mid:<mid>}, or null. */
    public MediaDescription mediaByMid(String mid) {
        for (MediaDescription m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    // ---- withers ----

    public SessionDescription withOrigin(Origin newOrigin) {
        return new SessionDescription(version, newOrigin, sessionName, information, uri, emails, phones, connection,
                bandwidths, timings, timeZones, encryptionKey, attributes, media);
    }

    public SessionDescription withAttributes(List<Attribute> newAttributes) {
        return new SessionDescription(version, origin, sessionName, information, uri, emails, phones, connection,
                bandwidths, timings, timeZones, encryptionKey, newAttributes, media);
    }

    public SessionDescription withMedia(List<MediaDescription> newMedia) {
        return new SessionDescription(version, origin, sessionName, information, uri, emails, phones, connection,
                bandwidths, timings, timeZones, encryptionKey, attributes, newMedia);
    }

    /** A copy with media section {@code index} replaced. */
    public SessionDescription withMedia(int index, MediaDescription section) {
        List<MediaDescription> list = new ArrayList<>(media);
        list.set(index, Objects.requireNonNull(section));
        return withMedia(list);
    }

    /** A copy with {@code attribute} appended at session level. */
    public SessionDescription withAttribute(Attribute attribute) {
        List<Attribute> list = new ArrayList<>(attributes);
        list.add(Objects.requireNonNull(attribute));
        return withAttributes(list);
    }

    /** A copy without any session-level attribute named {@code name}. */
    public SessionDescription withoutAttributes(String name) {
        List<Attribute> list = new ArrayList<>(attributes.size());
        for (Attribute a : attributes) {
            if (!a.name().equals(name)) {
                list.add(a);
            }
        }
        return withAttributes(list);
    }

    /** The description as SDP text with CRLF line ends; same as {@link SdpWriter#write}. */
    @Override
    public String toString() {
        return SdpWriter.write(this);
    }

    /** Builds a description; see {@link SessionDescription#builder(Origin)}. */
    public static final class Builder {
        private Origin origin;
        private String sessionName = "-";
        private String information;
        private String uri;
        private final List<String> emails = new ArrayList<>();
        private final List<String> phones = new ArrayList<>();
        private Connection connection;
        private final List<Bandwidth> bandwidths = new ArrayList<>();
        private final List<Timing> timings = new ArrayList<>(List.of(Timing.permanent()));
        private String timeZones;
        private String encryptionKey;
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<MediaDescription> media = new ArrayList<>();

        private Builder(Origin origin) {
            this.origin = Objects.requireNonNull(origin);
        }

        public Builder origin(Origin value) {
            this.origin = Objects.requireNonNull(value);
            return this;
        }

        public Builder sessionName(String value) {
            this.sessionName = value;
            return this;
        }

        public Builder information(String value) {
            this.information = value;
            return this;
        }

        public Builder uri(String value) {
            this.uri = value;
            return this;
        }

        public Builder email(String value) {
            emails.add(value);
            return this;
        }

        public Builder phone(String value) {
            phones.add(value);
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

        /** Replaces the default {@code t=0 0}. */
        public Builder timings(List<Timing> values) {
            timings.clear();
            timings.addAll(values);
            return this;
        }

        public Builder timeZones(String value) {
            this.timeZones = value;
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

        public Builder group(Group g) {
            return attribute(g.toAttribute());
        }

        public Builder bundle(List<String> mids) {
            return group(Group.bundle(mids));
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

        public Builder iceLite() {
            return flag("ice-lite");
        }

        public Builder fingerprint(Fingerprint f) {
            return attribute(f.toAttribute());
        }

        public Builder setup(Setup s) {
            return attribute(s.toAttribute());
        }

        public Builder direction(Direction d) {
            return attribute(d.toAttribute());
        }

        public Builder extmapAllowMixed() {
            return flag("extmap-allow-mixed");
        }

        public Builder msidSemantic(MsidSemantic s) {
            return attribute(s.toAttribute());
        }

        public Builder media(MediaDescription m) {
            media.add(Objects.requireNonNull(m));
            return this;
        }

        public SessionDescription build() {
            return new SessionDescription(0, origin, sessionName, information, uri, emails, phones, connection,
                    bandwidths, timings, timeZones, encryptionKey, attributes, media);
        }
    }
}
