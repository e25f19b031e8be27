package io.sluice.peer.sdp;

/**
 * Bounds the parser enforces so that hostile input cannot use unbounded memory or time.
 *
 * @param maxBytes total size of the description in UTF-8 bytes
 * @param maxLines number of lines
 * @param maxLineLength characters in one line
 * @param maxMediaSections number of {@code m=} sections
 * @param maxAttributesPerSection {@code a=} lines at session level or in one media section
 */
public record SdpLimits(int maxBytes, int maxLines, int maxLineLength, int maxMediaSections,
        int maxAttributesPerSection) {

    /** 256 KiB, 20000 lines, 16 KiB per line, 1024 media sections, 8192 attributes per section. */
    public static final SdpLimits DEFAULT = new SdpLimits(256 * 1024, 20_000, 16 * 1024, 1024, 8192);

    public SdpLimits {
        if (maxBytes < 1 || maxLines < 1 || maxLineLength < 1 || maxMediaSections < 0 || maxAttributesPerSection < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
