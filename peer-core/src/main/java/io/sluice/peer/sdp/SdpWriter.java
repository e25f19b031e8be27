package io.sluice.peer.sdp;

/**
 * Writes a {@link SessionDescription} as SDP text in RFC 8866 line order, each line ending in
 * CRLF. For any description {@link SdpParser} accepted, writing gives the input back, line for
 * line (numbers are written without leading zeros).
 */
public final class SdpWriter {

    private static final String CRLF = "\r\n";

    private SdpWriter() {
    }

    public static String write(SessionDescription d) {
        StringBuilder b = new StringBuilder(1024 + 512 * d.media().size());
        line(b, 'v', Integer.toString(d.version()));
        line(b, 'o', d.origin().text());
        line(b, 's', d.sessionName());
        if (d.information() != null) {
            line(b, 'i', d.information());
        }
        if (d.uri() != null) {
            line(b, 'u', d.uri());
        }
        for (String e : d.emails()) {
            line(b, 'e', e);
        }
        for (String p : d.phones()) {
            line(b, 'p', p);
        }
        if (d.connection() != null) {
            line(b, 'c', d.connection().text());
        }
        for (Bandwidth bw : d.bandwidths()) {
            line(b, 'b', bw.text());
        }
        for (Timing t : d.timings()) {
            line(b, 't', t.text());
            for (String r : t.repeats()) {
                line(b, 'r', r);
            }
        }
        if (d.timeZones() != null) {
            line(b, 'z', d.timeZones());
        }
        if (d.encryptionKey() != null) {
            line(b, 'k', d.encryptionKey());
        }
        for (Attribute a : d.attributes()) {
            line(b, 'a', a.text());
        }
        for (MediaDescription m : d.media()) {
            writeMedia(m, b);
        }
        return b.toString();
    }

    static void writeMedia(MediaDescription m, StringBuilder b) {
        b.append("m=").append(m.type()).append(' ').append(m.port());
        if (m.portCount() != null) {
            b.append('/').append(m.portCount());
        }
        b.append(' ').append(m.proto());
        for (String f : m.formats()) {
            b.append(' ').append(f);
        }
        b.append(CRLF);
        if (m.information() != null) {
            line(b, 'i', m.information());
        }
        if (m.connection() != null) {
            line(b, 'c', m.connection().text());
        }
        for (Bandwidth bw : m.bandwidths()) {
            line(b, 'b', bw.text());
        }
        if (m.encryptionKey() != null) {
            line(b, 'k', m.encryptionKey());
        }
        for (Attribute a : m.attributes()) {
            line(b, 'a', a.text());
        }
    }

    private static void line(StringBuilder b, char type, String value) {
        b.append(type).append('=').append(value).append(CRLF);
    }
}
