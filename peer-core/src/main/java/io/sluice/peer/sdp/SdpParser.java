package io.sluice.peer.sdp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses SDP text (RFC 8866) into a {@link SessionDescription}.
 *
 * <ul>
 *   <li>Lines end in CRLF or a bare LF; the last line may lack one; blank lines are allowed only
 *       at the very end. A CR or NUL inside a line is an error.</li>
 *   <li>Every line is {@code <type>=<value>} with a lower-case letter type; unknown types are
 *       errors (RFC 8866 §5).</li>
 *   <li>Line order follows RFC 8866 §5: {@code v o s i u e p c b t r z k a}, then media
 *       sections {@code m i c b k a}; the parser rejects lines out of order, repeated single
 *       lines and session-only lines inside media sections.</li>
 *   <li>Structured lines ({@code o c b t m}) are checked field by field: fields are separated by
 *       exactly one space, numbers are unsigned decimals in range.</li>
 *   <li>Attributes WebRTC depends on are validated as they are read (candidate, fingerprint,
 *       setup, mid, ice-ufrag/pwd, group, rtpmap, fmtp, rtcp-fb, extmap, msid, ssrc,
 *       ssrc-group, sctp-port, max-message-size); a malformed one fails the parse naming its
 *       line. Others, known or not, are kept verbatim, and their typed accessors skip them when
 *       malformed.</li>
 *   <li>{@link SdpLimits} bounds size, lines, line length, media sections and attributes.</li>
 * </ul>
 *
 * Parsing is linear in the input size and throws only {@link SdpParseException}.
 */
public final class SdpParser {

    /** Attributes validated at parse time, by name. */
    private static final Map<String, Views.ValueParser<?>> STRICT = new HashMap<>();
    /** Attributes that may appear at most once per level. */
    private static final Set<String> SINGLE = Set.of("mid", "ice-ufrag", "ice-pwd", "setup", "sctp-port",
            "max-message-size", "ice-lite");

    static {
        STRICT.put(SdpCandidate.NAME, SdpCandidate::parseValue);
        STRICT.put(Fingerprint.NAME, Fingerprint::parse);
        STRICT.put(Setup.NAME, Setup::parse);
        STRICT.put(Group.NAME, Group::parse);
        STRICT.put(RtpMap.NAME, RtpMap::parse);
        STRICT.put(Fmtp.NAME, Fmtp::parse);
        STRICT.put(RtcpFeedback.NAME, RtcpFeedback::parse);
        STRICT.put(ExtMap.NAME, ExtMap::parse);
        STRICT.put(Msid.NAME, Msid::parse);
        STRICT.put(SsrcAttribute.NAME, SsrcAttribute::parse);
        STRICT.put(SsrcGroup.NAME, SsrcGroup::parse);
        STRICT.put(SctpMap.NAME, SctpMap::parse);
        STRICT.put("mid", v -> SdpSyntax.requireToken(v, "mid"));
        STRICT.put("ice-ufrag", v -> iceCredential(v, "ice-ufrag"));
        STRICT.put("ice-pwd", v -> iceCredential(v, "ice-pwd"));
        STRICT.put("sctp-port", v -> SdpSyntax.intNumber(v, 0, 65535, "sctp-port"));
        STRICT.put("max-message-size", v -> SdpSyntax.number(v, 0, 999_999_999_999_999_999L, "max-message-size"));
    }

    private SdpParser() {
    }

    private static String iceCredential(String v, String what) throws SdpParseException {
        if (v.isEmpty()) {
            throw new SdpParseException(what + " is empty");
        }
        if (v.length() > 256) {
            throw new SdpParseException(what + " is longer than 256 characters");
        }
        if (!SdpSyntax.isNonWs(v)) {
            throw new SdpParseException(what + " contains whitespace or control characters");
        }
        return v;
    }

    public static SessionDescription parse(String sdp) throws SdpParseException {
        return parse(sdp, SdpLimits.DEFAULT);
    }

    /** Parses UTF-8 bytes; invalid UTF-8 is an error. */
    public static SessionDescription parse(byte[] utf8) throws SdpParseException {
        if (utf8.length > SdpLimits.DEFAULT.maxBytes()) {
            throw new SdpParseException(tooBig(utf8.length, SdpLimits.DEFAULT.maxBytes()));
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
            return parse(text, SdpLimits.DEFAULT);
        } catch (CharacterCodingException e) {
            throw new SdpParseException("description is not valid UTF-8");
        }
    }

    public static SessionDescription parse(String sdp, SdpLimits limits) throws SdpParseException {
        if (sdp == null) {
            throw new SdpParseException("description is null");
        }
        long size = utf8Length(sdp, limits.maxBytes());
        if (size > limits.maxBytes()) {
            throw new SdpParseException(tooBig(size, limits.maxBytes()));
        }
        return new Run(sdp, limits).parse();
    }

    private static String tooBig(long size, int max) {
        return "description is " + (size > max ? "more than " + max : Long.toString(size))
                + " bytes, over the limit of " + max;
    }

    /** UTF-8 length of {@code s}, stopping early once it exceeds {@code max}. */
    private static long utf8Length(String s, int max) {
        long n = 0;
        for (int i = 0; i < s.length() && n <= max; i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /** One parse: the cursor and the partial description. */
    private static final class Run {
        private final String text;
        private final SdpLimits limits;
        private int pos;
        private int lineNumber;
        private String line;

        private Integer version;
        private Origin origin;
        private String sessionName;
        private String information;
        private String uri;
        private final List<String> emails = new ArrayList<>();
        private final List<String> phones = new ArrayList<>();
        private Connection connection;
        private final List<Bandwidth> bandwidths = new ArrayList<>();
        private final List<Timing> timings = new ArrayList<>();
        private String timeZones;
        private String key;
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<MediaDescription> media = new ArrayList<>();
        private final Set<String> mids = new HashSet<>();

        private MediaState current;
        /** Rank of the last line in the current section (RFC 8866 order), -1 at start. */
        private int rank = -1;
        private char lastType;
        private final Set<String> seenSingle = new HashSet<>();
        private boolean seenDirection;

        Run(String text, SdpLimits limits) {
            this.text = text;
            this.limits = limits;
        }

        SessionDescription parse() throws SdpParseException {
            while (nextLine()) {
                try {
                    handle();
                } catch (SdpParseException e) {
                    throw e.atLine(lineNumber, line);
                }
            }
            int end = lineNumber + 1;
            if (version == null) {
                throw new SdpParseException("description is empty", 1, "");
            }
            if (origin == null) {
                throw new SdpParseException("missing o= line", end, "");
            }
            if (sessionName == null) {
                throw new SdpParseException("missing s= line", end, "");
            }
            if (timings.isEmpty()) {
                throw new SdpParseException("missing t= line", end, "");
            }
            finishMedia();
            return new SessionDescription(0, origin, sessionName, information, uri, emails, phones, connection,
                    bandwidths, timings, timeZones, key, attributes, media);
        }

        /** Advances to the next line; false at the end (trailing blank lines included). */
        private boolean nextLine() throws SdpParseException {
            if (pos >= text.length()) {
                return false;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            int contentEnd = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lineNumber++;
            line = text.substring(pos, Math.min(contentEnd, pos + limits.maxLineLength() + 1));
            int start = pos;
            pos = nl < 0 ? text.length() : nl + 1;
            if (lineNumber > limits.maxLines()) {
                throw new SdpParseException("more than " + limits.maxLines() + " lines", lineNumber, line);
            }
            if (contentEnd - start > limits.maxLineLength()) {
                throw new SdpParseException("line is longer than " + limits.maxLineLength() + " characters",
                        lineNumber, line);
            }
            if (line.isEmpty()) {
                for (int i = pos; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c != '\r' && c != '\n') {
                        throw new SdpParseException("empty line", lineNumber, line);
                    }
                }
                return false;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\r' || c == 0) {
                    throw new SdpParseException(c == 0 ? "NUL character in line" : "CR inside a line", lineNumber,
                            line);
                }
            }
            return true;
        }

        private void handle() throws SdpParseException {
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpParseException("line is not <type>=<value>");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (lineNumber == 1 || version == null) {
                if (type != 'v') {
                    throw new SdpParseException("description must start with v=");
                }
                if (!"0".equals(value)) {
                    throw new SdpParseException("version must be 0");
                }
                version = 0;
                lastType = 'v';
                return;
            }
            if (origin == null) {
                if (type != 'o') {
                    throw new SdpParseException("o= must follow v=");
                }
                origin = Origin.parse(value);
                lastType = 'o';
                return;
            }
            if (sessionName == null) {
                if (type != 's') {
                    throw new SdpParseException("s= must follow o=");
                }
                sessionName = value;
                rank = 2;
                lastType = 's';
                return;
            }
            if (type == 'm') {
                startMedia(value);
            } else if (current == null) {
                sessionLine(type, value);
            } else {
                mediaLine(type, value);
            }
            lastType = type;
        }

        private void order(int newRank, boolean repeatable, char type) throws SdpParseException {
            if (newRank < rank) {
                throw new SdpParseException(type + "= line out of order (after " + lastType + "=)");
            }
            if (newRank == rank && !repeatable) {
                throw new SdpParseException("duplicate " + type + "= line");
            }
            rank = newRank;
        }

        private void sessionLine(char type, String value) throws SdpParseException {
            switch (type) {
                case 'i':
                    order(3, false, type);
                    information = value;
                    break;
                case 'u':
                    order(4, false, type);
                    uri = value;
                    break;
                case 'e':
                    order(5, true, type);
                    emails.add(value);
                    break;
                case 'p':
                    order(6, true, type);
                    phones.add(value);
                    break;
                case 'c':
                    order(7, false, type);
                    connection = Connection.parse(value);
                    break;
                case 'b':
                    order(8, true, type);
                    bandwidths.add(Bandwidth.parse(value));
                    break;
                case 't':
                    order(9, true, type);
                    timings.add(Timing.parse(value));
                    break;
                case 'r':
                    if (lastType != 't' && lastType != 'r') {
                        throw new SdpParseException("r= must follow t=");
                    }
                    if (value.isEmpty()) {
                        throw new SdpParseException("r= is empty");
                    }
                    timings.set(timings.size() - 1, timings.get(timings.size() - 1).withRepeat(value));
                    break;
                case 'z':
                    requireTiming(type);
                    order(10, false, type);
                    timeZones = value;
                    break;
                case 'k':
                    requireTiming(type);
                    order(11, false, type);
                    key = value;
                    break;
                case 'a':
                    requireTiming(type);
                    order(12, true, type);
                    attribute(value, attributes);
                    break;
                default:
                    throw unknown(type);
            }
        }

        private void requireTiming(char type) throws SdpParseException {
            if (timings.isEmpty()) {
                throw new SdpParseException("missing t= line before " + type + "=");
            }
        }

        private static SdpParseException unknown(char type) {
            return "vosuepztr".indexOf(type) >= 0
                    ? new SdpParseException(type + "= line not allowed here")
                    : new SdpParseException("unknown line type " + type + "=");
        }

        private void startMedia(String value) throws SdpParseException {
            requireTiming('m');
            finishMedia();
            if (media.size() >= limits.maxMediaSections()) {
                throw new SdpParseException("more than " + limits.maxMediaSections() + " media sections");
            }
            List<String> f = SdpSyntax.fields(value, "media");
            if (f.size() < 4) {
                throw new SdpParseException("m= needs <media> <port> <proto> <format>...");
            }
            String mediaType = SdpSyntax.requireToken(f.get(0), "media type");
            String portText = f.get(1);
            Integer count = null;
            int slash = portText.indexOf('/');
            if (slash >= 0) {
                count = SdpSyntax.intNumber(portText.substring(slash + 1), 1, 65535, "port count");
                portText = portText.substring(0, slash);
            }
            int port = SdpSyntax.intNumber(portText, 0, 65535, "port");
            String proto = f.get(2);
            if (!MediaDescription.isProto(proto)) {
                throw new SdpParseException("proto is not a valid token");
            }
            List<String> formats = f.subList(3, f.size());
            boolean rtp = proto.contains("RTP/");
            for (String fmt : formats) {
                if (rtp) {
                    SdpSyntax.intNumber(fmt, 0, 127, "payload type");
                } else {
                    SdpSyntax.requireToken(fmt, "format");
                }
            }
            current = new MediaState(mediaType, port, count, proto, new ArrayList<>(formats));
            rank = 0;
            seenSingle.clear();
            seenDirection = false;
        }

        private void mediaLine(char type, String value) throws SdpParseException {
            switch (type) {
                case 'i':
                    order(1, false, type);
                    current.information = value;
                    break;
                case 'c':
                    order(2, false, type);
                    current.connection = Connection.parse(value);
                    break;
                case 'b':
                    order(3, true, type);
                    current.bandwidths.add(Bandwidth.parse(value));
                    break;
                case 'k':
                    order(4, false, type);
                    current.key = value;
                    break;
                case 'a':
                    order(5, true, type);
                    Attribute a = attribute(value, current.attributes);
                    if ("mid".equals(a.name()) && !mids.add(a.value())) {
                        throw new SdpParseException("duplicate mid value " + a.value());
                    }
                    if (current.rtp && (a.name().equals(Fmtp.NAME))) {
                        String fmt = a.value().indexOf(' ') < 0 ? a.value() : a.value().substring(0, a.value().indexOf(' '));
                        SdpSyntax.intNumber(fmt, 0, 127, "payload type");
                    }
                    break;
                default:
                    throw unknown(type);
            }
        }

        private Attribute attribute(String value, List<Attribute> into) throws SdpParseException {
            if (into.size() >= limits.maxAttributesPerSection()) {
                throw new SdpParseException("more than " + limits.maxAttributesPerSection() + " attributes in a section");
            }
            Attribute a = Attribute.parse(value);
            String name = a.name();
            if (SINGLE.contains(name) && !seenSingle.add(name)) {
                throw new SdpParseException("duplicate a=" + name);
            }
            if (Direction.fromName(name) != null) {
                if (seenDirection) {
                    throw new SdpParseException("more than one direction attribute");
                }
                seenDirection = true;
            }
            Views.ValueParser<?> validator = STRICT.get(name);
            if (validator != null) {
                if (a.value() == null) {
                    throw new SdpParseException("a=" + name + " needs a value");
                }
                validator.parse(a.value());
            }
            into.add(a);
            return a;
        }

        private void finishMedia() {
            if (current != null) {
                media.add(new MediaDescription(current.type, current.port, current.count, current.proto,
                        current.formats, current.information, current.connection, current.bandwidths, current.key,
                        current.attributes));
                current = null;
            }
        }
    }

    /** A media section being read. */
    private static final class MediaState {
        final String type;
        final int port;
        final Integer count;
        final String proto;
        final List<String> formats;
        final boolean rtp;
        String information;
        Connection connection;
        final List<Bandwidth> bandwidths = new ArrayList<>();
        String key;
        final List<Attribute> attributes = new ArrayList<>();

        MediaState(String type, int port, Integer count, String proto, List<String> formats) {
            this.type = type;
            this.port = port;
            this.count = count;
            this.proto = proto;
            this.formats = formats;
            this.rtp = proto.contains("RTP/");
        }
    }
}
