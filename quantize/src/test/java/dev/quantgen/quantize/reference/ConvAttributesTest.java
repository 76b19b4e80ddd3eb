package dev.quantgen.quantize.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.reference.ConvAttributes.AutoPad;
import org.junit.jupiter.api.Test;

class ConvAttributesTest {
  private static ConvGeometry resolve(ConvAttributes a, int[] in, int[] k) {
    return a.resolve(in, k);
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaultsAreOnnxDefaults() {
    ConvAttributes d = ConvAttributes.defaults();
    assertEquals(AutoPad.NOTSET, d.autoPad());
    assertEquals(1, d.group());
    assertNull(d.pads());
    assertNull(d.strides());
    assertNull(d.dilations());
    assertNull(d.kernelShape());
    ConvGeometry g = resolve(d, new int[] {5, 4}, new int[] {3, 2});
    assertArrayEquals(new int[] {1, 1}, g.strides());
    assertArrayEquals(new int[] {1, 1}, g.dilations());
    assertArrayEquals(new int[] {0, 0}, g.padBegin());
    assertArrayEquals(new int[] {3, 3}, g.output());
  }

  @Test
  void explicitAsymmetricPadsAreBeginsThenEnds() {
    ConvAttributes a = ConvAttributes.builder().pads(1, 0, 2, 3).build();
    ConvGeometry g = resolve(a, new int[] {5, 5}, new int[] {3, 3});
    assertArrayEquals(new int[] {1, 0}, g.padBegin());
    assertArrayEquals(new int[] {6, 6}, g.output()); // 5 + 1 + 2 - 3 + 1, 5 + 0 + 3 - 3 + 1
  }

  @Test
  void outputSizeFollowsTheOnnxFormulaWithStrideAndDilation() {
    ConvAttributes a =
        ConvAttributes.builder().strides(2, 3).dilations(2, 1).pads(1, 1, 1, 1).build();
    ConvGeometry g = resolve(a, new int[] {7, 8}, new int[] {3, 2});
    // floor((7 + 2 - 2*2 - 1) / 2) + 1 = 3; floor((8 + 2 - 1 - 1) / 3) + 1 = 3
    assertArrayEquals(new int[] {3, 3}, g.output());
  }

  @Test
  void sameUpperPutsTheOddPadAtTheEndAndSameLowerAtTheBeginning() {
    int[] in = {5, 7};
    int[] k = {2, 3};
    ConvGeometry upper =
        resolve(ConvAttributes.builder().autoPad(AutoPad.SAME_UPPER).build(), in, k);
    ConvGeometry lower =
        resolve(ConvAttributes.builder().autoPad(AutoPad.SAME_LOWER).build(), in, k);
    assertArrayEquals(new int[] {0, 1}, upper.padBegin()); // totals 1 and 2
    assertArrayEquals(new int[] {1, 1}, lower.padBegin());
    assertArrayEquals(new int[] {5, 7}, upper.output());
    assertArrayEquals(new int[] {5, 7}, lower.output());
  }

  @Test
  void sameWithStrideGivesCeilOfInputOverStride() {
    ConvAttributes a = ConvAttributes.builder().autoPad(AutoPad.SAME_LOWER).strides(2, 2).build();
    ConvGeometry g = resolve(a, new int[] {7, 6}, new int[] {2, 3});
    assertArrayEquals(new int[] {4, 3}, g.output());
    assertArrayEquals(new int[] {1, 1}, g.padBegin()); // totals 1 (odd, at the beginning) and 1
  }

  @Test
  void validMeansNoPadding() {
    ConvGeometry g =
        resolve(
            ConvAttributes.builder().autoPad(AutoPad.VALID).strides(2).build(),
            new int[] {8},
            new int[] {3});
    assertArrayEquals(new int[] {0}, g.padBegin());
    assertArrayEquals(new int[] {3}, g.output()); // floor((8 - 3) / 2) + 1
  }

  @Test
  void parsesOnnxAutoPadNames() {
    assertEquals(AutoPad.SAME_LOWER, AutoPad.fromOnnxName("SAME_LOWER"));
    assertEquals(
        "auto_pad 'same' is unknown: expected one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
        message(() -> AutoPad.fromOnnxName("same")));
  }

  @Test
  void rejectsBadValuesWhenBuilt() {
    assertEquals(
        "pads [1, -1, 0, 0]: element 1 is -1, expected every pad >= 0",
        message(() -> ConvAttributes.builder().pads(1, -1, 0, 0).build()));
    assertEquals(
        "pads [1, 1, 1] has odd length 3: expected [b1, b2, ..., e1, e2, ...], two per spatial axis",
        message(() -> ConvAttributes.builder().pads(1, 1, 1).build()));
    assertEquals(
        "pads [1, 1] given with auto_pad SAME_UPPER: expected explicit pads only with auto_pad NOTSET",
        message(() -> ConvAttributes.builder().autoPad(AutoPad.SAME_UPPER).pads(1, 1).build()));
    assertEquals(
        "strides [1, 0]: element 1 is 0, expected every stride >= 1",
        message(() -> ConvAttributes.builder().strides(1, 0).build()));
    assertEquals(
        "dilations [0]: element 0 is 0, expected every dilation >= 1",
        message(() -> ConvAttributes.builder().dilations(0).build()));
    assertEquals(
        "kernelShape [3, 0]: element 1 is 0, expected every kernel dimension >= 1",
        message(() -> ConvAttributes.builder().kernelShape(3, 0).build()));
    assertEquals(
        "group 0: expected >= 1", message(() -> ConvAttributes.builder().group(0).build()));
  }

  @Test
  void rejectsAttributesThatDoNotFitTheInput() {
    assertEquals(
        "strides [1] has length 1: expected 2 for the input's spatial rank",
        message(
            () ->
                resolve(
                    ConvAttributes.builder().strides(1).build(),
                    new int[] {4, 4},
                    new int[] {2, 2})));
    assertEquals(
        "pads [0, 0] has length 2: expected 4 for the input's spatial rank",
        message(
            () ->
                resolve(
                    ConvAttributes.builder().pads(0, 0).build(),
                    new int[] {4, 4},
                    new int[] {2, 2})));
    assertEquals(
        "kernelShape [3, 3]: expected the weight's spatial dimensions [2, 2]",
        message(
            () ->
                resolve(
                    ConvAttributes.builder().kernelShape(3, 3).build(),
                    new int[] {4, 4},
                    new int[] {2, 2})));
    assertEquals(
        "input spatial axis 1 of size 2 with pads 0+0 is smaller than the dilated kernel extent 5: "
            + "expected at least one output position",
        message(
            () ->
                resolve(
                    ConvAttributes.builder().dilations(1, 2).build(),
                    new int[] {4, 2},
                    new int[] {1, 3})));
  }

  @Test
  void arraysAreCopiedBothWays() {
    int[] pads = {1, 1};
    ConvAttributes a = ConvAttributes.builder().pads(pads).build();
    pads[0] = 9;
    a.pads()[1] = 9;
    assertArrayEquals(new int[] {1, 1}, a.pads());
    assertEquals(a, ConvAttributes.builder().pads(1, 1).build());
  }
}
