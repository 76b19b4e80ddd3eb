package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PercentileObserverTest {
  @Test
  void clipsASingleOutlierThatMinMaxKeeps() {
    Random random = new Random(1);
    float[] data = new float[100_001];
    float min = 0;
    for (int i = 0; i < 100_000; i++) {
      data[i] = random.nextFloat() * 2 - 1;
      min = Math.min(min, data[i]);
    }
    data[100_000] = 1000f;
    PercentileObserver o = new PercentileObserver(Scheme.SYMMETRIC);
    o.observe(data);
    // edge 1024, 2048 bins of 0.5: all |x| < 1 fill bins 0 and 1, which hold 99.999% of 100,001.
    assertEquals(new Range(min, 1f), o.range());
    MinMaxObserver minMax = new MinMaxObserver();
    minMax.observe(data);
    assertEquals(1000f, minMax.range().hi());
  }

  @Test
  void symmetricThresholdIsTheUpperEdgeOfThePercentileBin() {
    float[] data = new float[100];
    for (int i = 0; i < 100; i++) {
      data[i] = i + 1;
    }
    PercentileObserver o = new PercentileObserver(Scheme.SYMMETRIC, 90);
    o.observe(data);
    // edge 128, bins of 1/16: the 90th value, 90, is in [90, 90.0625). Below, -t clips at min 1.
    assertEquals(new Range(1f, 90.0625f), o.range());
  }

  @Test
  void asymmetricCutsHalfOfTheRestFromEachTail() {
    float[] data = new float[100];
    for (int i = 0; i < 100; i++) {
      data[i] = i - 50;
    }
    PercentileObserver o = new PercentileObserver(Scheme.ASYMMETRIC, 90);
    o.observe(data);
    // 5 values cut on each side: the 5th smallest is -46, the 95th is 44; bins of 1/16.
    assertEquals(new Range(-46f, 44.0625f), o.range());
  }

  @Test
  void percentileHundredIsMinMax() {
    float[] data = HistogramTest.growingData(new Random(3), 3000);
    MinMaxObserver minMax = new MinMaxObserver();
    minMax.observe(data);
    for (Scheme scheme : Scheme.values()) {
      PercentileObserver o = new PercentileObserver(scheme, 100);
      o.observe(data);
      Range r = o.range();
      if (scheme == Scheme.ASYMMETRIC) {
        assertEquals(minMax.range(), r);
      } else {
        float amax = Math.max(-minMax.range().lo(), minMax.range().hi());
        assertEquals(amax, Math.max(-r.lo(), r.hi()));
      }
    }
  }

  @Test
  void batchesWithAGrowingRangeGiveTheSameRangeAsOneBatch() {
    float[] data = HistogramTest.growingData(new Random(5), 20_000);
    for (Scheme scheme : Scheme.values()) {
      PercentileObserver once = new PercentileObserver(scheme, 99.9);
      once.observe(data);
      PercentileObserver inPieces = new PercentileObserver(scheme, 99.9);
      for (int off = 0; off < data.length; off += 1000) {
        inPieces.observe(data, off, 1000);
      }
      assertEquals(once.range(), inPieces.range(), scheme.toString());
    }
  }

  @Test
  void percentileMustLieInZeroToHundred() {
    for (double p : new double[] {0, -1, 100.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new PercentileObserver(Scheme.SYMMETRIC, p));
      assertTrue(e.getMessage().startsWith("percentile is " + p), e.getMessage());
    }
  }

  @Test
  void allZerosGiveTheZeroRange() {
    PercentileObserver o = new PercentileObserver(Scheme.ASYMMETRIC);
    o.observe(new float[10]);
    assertEquals(new Range(0f, 0f), o.range());
  }
}
