package io.sluice.peer.api;

import io.sluice.peer.sdp.Attribute;
import io.sluice.peer.sdp.Connection;
import io.sluice.peer.sdp.Fingerprint;
import io.sluice.peer.sdp.Group;
import io.sluice.peer.sdp.MediaDescription;
import io.sluice.peer.sdp.MsidSemantic;
import io.sluice.peer.sdp.Origin;
import io.sluice.peer.sdp.SctpMap;
import io.sluice.peer.sdp.SdpCandidate;
import io.sluice.peer.sdp.SessionDescription;
import io.sluice.peer.sdp.Setup;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes our offers and answers (RFC 9429 §5.2, §5.3). Sluice negotiates one BUNDLE transport;
 * the m-sections it can serve are accepted and the others rejected with port 0.
 */
final class Jsep {

    /** SCTP port our data channels use (RFC 8841); the remote's is read from its description. */
    static final int SCTP_PORT = 5000;

    /** Streams we announce in a draft-syntax a=sctpmap (our INIT asks for as many). */
    static final int SCTP_STREAMS = 65535;

    /** The largest message we accept (RFC 8841 a=max-message-size). */
    static final long MAX_MESSAGE_SIZE = 262144;

    private Jsep() {
    }

    /** What one m-section of a description we write says. */
    record Section(String mid, String type, String proto, List<String> formats, boolean rejected) {

        static Section application(String mid) {
            return new Section(mid, MediaDescription.APPLICATION, MediaDescription.PROTO_SCTP,
                    List.of(MediaDescription.FORMAT_DATACHANNEL), false);
        }

        /** Our accepted answer to the remote's data section {@code m}, in the syntax {@code m} used. */
        static Section answering(MediaDescription m) {
            List<String> formats = legacyDataSection(m) ? List.of(Integer.toString(SCTP_PORT))
                    : List.of(MediaDescription.FORMAT_DATACHANNEL);
            return new Section(m.mid(), m.type(), m.proto(), formats, false);
        }

        Section reject() {
            return new Section(mid, type, proto, formats, true);
        }
    }

    /** The transport parameters every accepted m-section carries (one BUNDLE transport). */
    record Transport(String ufrag, String pwd, Fingerprint fingerprint, Setup setup, List<SdpCandidate> candidates,
            boolean endOfCandidates) {
    }

    static SessionDescription build(long sessionId, long version, List<Section> sections, Transport transport) {
        SessionDescription.Builder b = SessionDescription.builder(Origin.jsep(sessionId, version));
        List<String> bundled = new ArrayList<>();
        for (Section s : sections) {
            if (!s.rejected()) {
                bundled.add(s.mid());
            }
        }
        if (!bundled.isEmpty()) {
            b.group(Group.bundle(bundled));
        }
        b.attribute(Attribute.of("msid-semantic", " WMS"));
        boolean first = true;
        for (Section s : sections) {
            b.media(section(s, transport, first && !s.rejected()));
            if (!s.rejected()) {
                first = false;
            }
        }
        return b.build();
    }

    private static MediaDescription section(Section s, Transport t, boolean carriesCandidates) {
        MediaDescription.Builder m = MediaDescription.builder(s.type(), s.rejected() ? 0 : 9, s.proto())
                .formats(s.formats())
                .connection(Connection.ip4("0.0.0.0"));
        if (s.rejected()) {
            return m.mid(s.mid()).build();
        }
        if (carriesCandidates) {
            for (SdpCandidate c : t.candidates()) {
                m.candidate(c);
            }
            if (t.endOfCandidates()) {
                m.endOfCandidates();
            }
        }
        m.iceUfrag(t.ufrag()).icePwd(t.pwd()).iceOptions("trickle").fingerprint(t.fingerprint()).setup(t.setup())
                .mid(s.mid());
        if (MediaDescription.APPLICATION.equals(s.type())) {
            if (s.formats().contains(MediaDescription.FORMAT_DATACHANNEL)) {
                m.sctpPort(SCTP_PORT);
            } else {
                // The draft syntax, answered in kind: the format is our SCTP port.
                m.sctpMap(new SctpMap(SCTP_PORT, MediaDescription.FORMAT_DATACHANNEL, SCTP_STREAMS));
            }
            m.maxMessageSize(MAX_MESSAGE_SIZE);
        }
        return m.build();
    }

    /** Sections of our answer to {@code offer}: the first usable data section accepted, the rest rejected. */
    static List<Section> answerSections(SessionDescription offer) {
        List<Section> out = new ArrayList<>();
        boolean dataAccepted = false;
        for (MediaDescription m : offer.media()) {
            String mid = m.mid();
            List<String> formats = m.formats().isEmpty() ? List.of("0") : List.of(m.formats().get(0));
            Section s = new Section(mid, m.type(), m.proto(), formats, true);
            if (!dataAccepted && !m.isRejected() && isDataSection(m)) {
                s = Section.answering(m);
                dataAccepted = true;
            }
            out.add(s);
        }
        return out;
    }

    /**
     * A data-channel section: {@code UDP/DTLS/SCTP} or {@code TCP/DTLS/SCTP} with the format
     * {@code webrtc-datachannel} (RFC 8841), or the draft syntax {@code DTLS/SCTP <port>} with
     * {@code a=sctpmap:<port> webrtc-datachannel} (draft-ietf-mmusic-sctp-sdp-05).
     */
    static boolean isDataSection(MediaDescription m) {
        if (!MediaDescription.APPLICATION.equals(m.type()) || m.proto() == null
                || !m.proto().toUpperCase(java.util.Locale.ROOT).endsWith(SctpMap.PROTO)) {
            return false;
        }
        return m.formats().contains(MediaDescription.FORMAT_DATACHANNEL) || legacyDataSection(m);
    }

    /** The draft syntax: a format that an {@code a=sctpmap} maps to {@code webrtc-datachannel}. */
    static boolean legacyDataSection(MediaDescription m) {
        return legacySctpMap(m) != null;
    }

    private static SctpMap legacySctpMap(MediaDescription m) {
        for (SctpMap map : m.sctpMaps()) {
            if (MediaDescription.FORMAT_DATACHANNEL.equals(map.app())
                    && m.formats().contains(Integer.toString(map.port()))) {
                return map;
            }
        }
        return null;
    }

    /** The remote's SCTP port: its a=sctp-port, its sctpmap's port, or 5000 (RFC 8841 §5). */
    static int remoteSctpPort(MediaDescription m) {
        if (!m.formats().contains(MediaDescription.FORMAT_DATACHANNEL)) {
            SctpMap map = legacySctpMap(m);
            if (map != null) {
                return map.port();
            }
        }
        Integer port = m.sctpPort();
        return port == null ? SCTP_PORT : port;
    }

    /** Our a=setup in an answer to an offer that said {@code offered} (RFC 8842 §5.3). */
    static Setup answerSetup(Setup offered) {
        if (offered == Setup.ACTIVE) {
            return Setup.PASSIVE;
        }
        return Setup.ACTIVE;
    }
}
