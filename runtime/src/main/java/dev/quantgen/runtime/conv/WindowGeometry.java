package dev.quantgen.runtime.conv;

/**
 * A {@link Window2d} resolved for one input size: the output size and the padding before the first
 * row and column (the padding at the end only shapes the output size, which already includes it).
 */
public record WindowGeometry(
    int inHeight, int inWidth, int outHeight, int outWidth, int padTop, int padLeft) {}
