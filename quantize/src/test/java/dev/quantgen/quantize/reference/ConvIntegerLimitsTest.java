package dev.quantgen.quantize.reference;

import static dev.quantgen.quantize.reference.MatMulIntegerTest.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import org.junit.jupiter.api.Test;

/**
 * Hostile attributes for the reference convolution (issue 19): geometry in long, and the output and
 * index table counted before they are allocated, so a few bytes of attributes cannot make the
 * reference wrap or allocate gigabytes.
 */
class ConvIntegerLimitsTest {
  private static final IntTensor X = t(QuantType.UINT8, new int[] {1, 1, 3}, 1, 2, 3);
  private static final IntTensor W = t(QuantType.UINT8, new int[] {1, 1, 1}, 1);

  private static String message(ConvAttributes a) {
    return assertThrows(
            IllegalArgumentException.class, () -> ConvInteger.apply(X, W, null, null, a))
        .getMessage();
  }

  @Test
  void padsGivingTwoBillionOutputsAreRejectedBeforeAllocating() {
    // 3 + 2 * (2^30 - 2) = 2^31 - 1 outputs: the index table was new int[2147483647], an
    // OutOfMemoryError
    ConvAttributes a = ConvAttributes.builder().pads((1 << 30) - 2, (1 << 30) - 2).build();
    assertEquals(
        "output [1, 1, 2147483647] would hold 2147483647 elements: expected at most 2^28 (268435456),"
            + " the reference convolution's limit; check pads, strides and dilations",
        message(a));
  }

  @Test
  void padsWhoseSumPasses2To31AreRejectedInsteadOfWrapping() {
    // int arithmetic: 3 + 2 * 2147483647 wrapped to 1, then "smaller than the kernel" by accident
    ConvAttributes a = ConvAttributes.builder().pads(Integer.MAX_VALUE, Integer.MAX_VALUE).build();
    assertEquals(
        "input spatial axis 0 of size 3 with pads 2147483647+2147483647 is 4294967297 cells: expected a"
            + " padded size of at most 2^31 - 1",
        message(a));
  }

  @Test
  void aDilationNear2To31IsRejectedInsteadOfWrappingToASmallExtent() {
    IntTensor w = t(QuantType.UINT8, new int[] {1, 1, 3}, 1, 1, 1);
    ConvAttributes a = ConvAttributes.builder().dilations(Integer.MAX_VALUE).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConvInteger.apply(X, w, null, null, a));
    assertEquals(
        "input spatial axis 0 of size 3 with pads 0+0 is smaller than the dilated kernel extent 4294967295:"
            + " expected at least one output position",
        e.getMessage());
  }

  @Test
  void anIndexTableBeyondTheLimitIsRejectedEvenWhenTheOutputIsSmall() {
    // 2-D: 16384 x 16384 outputs of a 1x1 kernel is 2^28 table cells plus one row more
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 1, 1}, 1);
    IntTensor w = t(QuantType.UINT8, new int[] {1, 1, 1, 1}, 1);
    ConvAttributes a = ConvAttributes.builder().pads(16_384, 16_383, 0, 0).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConvInteger.apply(x, w, null, null, a));
    assertEquals(
        "output [1, 1, 16385, 16384] would hold 268451840 elements: expected at most 2^28 (268435456),"
            + " the reference convolution's limit; check pads, strides and dilations",
        e.getMessage());
  }

  @Test
  void aGroupWhoseProductWithTheChannelsWrapsIsRejected() {
    // int arithmetic: 65536 channels per group * group 65536 wrapped to 0, the input's channel
    // count
    IntTensor x = IntTensor.of(Shape.of(1, 0, 3), QuantType.UINT8);
    IntTensor w = IntTensor.of(Shape.of(0, 65_536, 1), QuantType.UINT8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConvInteger.apply(
                    x, w, null, null, ConvAttributes.builder().group(65_536).build()));
    assertEquals(
        "w: shape [0, 65536, 1] has 65536 input channels per group, but x of shape [1, 0, 3] has 0"
            + " channels and group is 65536: expected w.dim(1) = C / group = 0",
        e.getMessage());
  }
}
