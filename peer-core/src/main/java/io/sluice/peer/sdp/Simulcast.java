package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=simulcast:} (RFC 8853), such as {@code a=simulcast:send h;m;~l recv r}. Each direction
 * is a list of streams; each stream a list of alternative rids (separated by commas in SDP).
 */
public record Simulcast(List<List<RidRef>> send, List<List<RidRef>> recv) {

    public static final String NAME = "simulcast";

    /** One rid in a simulcast list; {@code paused} when written with a leading {@code ~}. */
    public record RidRef(String rid, boolean paused) {
        public RidRef {
            if (!Rid.isRidId(rid)) {
                throw new IllegalArgumentException("bad rid id: " + rid);
            }
        }
    }

    public Simulcast {
        send = copy(send);
        recv = copy(recv);
        if (send.isEmpty() && recv.isEmpty()) {
            throw new IllegalArgumentException("simulcast needs a send or recv list");
        }
    }

    private static List<List<RidRef>> copy(List<List<RidRef>> in) {
        List<List<RidRef>> out = new ArrayList<>(in.size());
        for (List<RidRef> alt : in) {
            if (alt.isEmpty()) {
                throw new IllegalArgumentException("empty simulcast stream");
            }
            out.add(List.copyOf(alt));
        }
        return List.copyOf(out);
    }

    /** Simulcast sending the given rids, one stream each, none paused. */
    public static Simulcast sending(List<String> rids) {
        List<List<RidRef>> send = new ArrayList<>();
        for (String r : rids) {
            send.add(List.of(new RidRef(r, false)));
        }
        return new Simulcast(send, List.of());
    }

    /** The first rid of each stream of a list. */
    public static List<String> firstRids(List<List<RidRef>> streams) {
        List<String> out = new ArrayList<>(streams.size());
        for (List<RidRef> s : streams) {
            out.add(s.get(0).rid());
        }
        return out;
    }

    public static Simulcast parse(String value) throws SdpParseException {
        String[] f = value.split(" ", -1);
        if (f.length != 2 && f.length != 4) {
            throw new SdpParseException("simulcast needs send|recv <list> [send|recv <list>]");
        }
        List<List<RidRef>> send = null;
        List<List<RidRef>> recv = null;
        for (int i = 0; i < f.length; i += 2) {
            List<List<RidRef>> list = parseList(f[i + 1]);
            if ("send".equals(f[i]) && send == null) {
                send = list;
            } else if ("recv".equals(f[i]) && recv == null) {
                recv = list;
            } else {
                throw new SdpParseException("simulcast direction must be send or recv, once each");
            }
        }
        return new Simulcast(send == null ? List.of() : send, recv == null ? List.of() : recv);
    }

    private static List<List<RidRef>> parseList(String s) throws SdpParseException {
        List<List<RidRef>> out = new ArrayList<>();
        for (String stream : s.split(";", -1)) {
            List<RidRef> alts = new ArrayList<>();
            for (String alt : stream.split(",", -1)) {
                boolean paused = alt.startsWith("~");
                String rid = paused ? alt.substring(1) : alt;
                if (!Rid.isRidId(rid)) {
                    throw new SdpParseException("simulcast rid must be letters, digits, - or _");
                }
                alts.add(new RidRef(rid, paused));
            }
            out.add(alts);
        }
        return out;
    }

    private static String format(List<List<RidRef>> list) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                b.append(';');
            }
            for (int j = 0; j < list.get(i).size(); j++) {
                RidRef r = list.get(i).get(j);
                b.append(j > 0 ? "," : "").append(r.paused() ? "~" : "").append(r.rid());
            }
        }
        return b.toString();
    }

    public String value() {
        StringBuilder b = new StringBuilder();
        if (!send.isEmpty()) {
            b.append("send ").append(format(send));
        }
        if (!recv.isEmpty()) {
            b.append(b.length() > 0 ? " " : "").append("recv ").append(format(recv));
        }
        return b.toString();
    }

    public Attribute toAttribute() {
        return new Attribute(NAME, value());
    }
}
