package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/** Lexical helpers shared by the parser and the typed attribute views. Package-private. */
final class SdpSyntax {

    private SdpSyntax() {
    }

    /** RFC 8866 token-char. */
    static boolean isTokenChar(char c) {
        if (c <= 0x20 || c >= 0x7f) {
            return false;
        }
        switch (c) {
            case '"': case '(': case ')': case ',': case '/': case ':': case ';': case '<': case '=':
            case '>': case '?': case '@': case '[': case '\\': case ']':
                return false;
            default:
                return true;
        }
    }

    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/". */
    static boolean isIceChars(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** Visible ASCII or non-ASCII, no whitespace or controls: a field between spaces. */
    static boolean isNonWs(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigits(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** An unsigned decimal in [min, max]; no sign, no spaces. */
    static long number(String s, long min, long max, String what) throws SdpParseException {
        if (!isDigits(s)) {
            throw new SdpParseException(what + " is not a number");
        }
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        if (s.length() - i > 18) {
            throw new SdpParseException(what + " is out of range");
        }
        long v = Long.parseLong(s, i, s.length(), 10);
        if (v < min || v > max) {
            throw new SdpParseException(what + " " + v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    static int intNumber(String s, int min, int max, String what) throws SdpParseException {
        return (int) number(s, min, max, what);
    }

    /**
     * Splits on single spaces; an empty field (two spaces in a row, or a leading or trailing space)
     * is an error naming {@code what}.
     */
    static List<String> fields(String s, String what) throws SdpParseException {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ' ') {
                if (i == start) {
                    throw new SdpParseException(s.isEmpty() ? what + " is empty" : "empty field in " + what + " (extra space)");
                }
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    static String requireToken(String s, String what) throws SdpParseException {
        if (!isToken(s)) {
            throw new SdpParseException(s == null || s.isEmpty() ? "missing " + what : what + " is not a valid token");
        }
        return s;
    }

    /** Unchecked variant for builders and factories, where bad values are programming errors. */
    static String checkToken(String s, String what) {
        if (!isToken(s)) {
            throw new IllegalArgumentException(what + " is not a valid SDP token: " + s);
        }
        return s;
    }

    static String checkNonWs(String s, String what) {
        if (!isNonWs(s)) {
            throw new IllegalArgumentException(what + " must be non-empty without whitespace: " + s);
        }
        return s;
    }

    /** A value that can be written on one SDP line: no CR, LF or NUL. */
    static String checkLineText(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(what + " contains CR, LF or NUL");
            }
        }
        return s;
    }
}
