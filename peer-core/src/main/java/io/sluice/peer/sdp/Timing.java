package io.sluice.peer.sdp;

import java.util.List;

/**
 * A time description: a {@code t=<start> <stop>} line and the {@code r=} repeat lines after it
 * (kept verbatim: WebRTC never uses them). JSEP always writes {@code t=0 0}.
 */
public record Timing(long start, long stop, List<String> repeats) {

    /** NTP seconds fit in far fewer digits; this only bounds hostile input. */
    static final long MAX_TIME = 999_999_999_999L;

    public Timing {
        if (start < 0 || stop < 0 || start > MAX_TIME || stop > MAX_TIME) {
            throw new IllegalArgumentException("time out of range");
        }
        repeats = List.copyOf(repeats);
        for (String r : repeats) {
            SdpSyntax.checkLineText(r, "repeat");
        }
    }

    /** {@code t=0 0}: a permanent session. */
    public static Timing permanent() {
        return new Timing(0, 0, List.of());
    }

    static Timing parse(String value) throws SdpParseException {
        List<String> f = SdpSyntax.fields(value, "timing");
        if (f.size() != 2) {
            throw new SdpParseException("timing needs 2 fields, found " + f.size());
        }
        return new Timing(SdpSyntax.number(f.get(0), 0, MAX_TIME, "start time"),
                SdpSyntax.number(f.get(1), 0, MAX_TIME, "stop time"), List.of());
    }

    Timing withRepeat(String r) {
        List<String> list = new java.util.ArrayList<>(repeats);
        list.add(r);
        return new Timing(start, stop, list);
    }

    /** The text after {@code t=}. */
    public String text() {
        return start + " " + stop;
    }
}
