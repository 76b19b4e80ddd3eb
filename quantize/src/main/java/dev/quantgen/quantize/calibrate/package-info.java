/**
 * Post-training calibration (docs/numerics.md#2-scale-and-zero-point-from-a-range,
 * docs/numerics.md#7-calibration and docs/numerics.md#9-reporting-error): observers that turn
 * calibration batches of float activations or weights into clipping ranges and scales, plus the
 * error report and a progress display for the runs that produce them.
 *
 * <ul>
 *   <li>{@link dev.quantgen.quantize.calibrate.Observer}: one tensor's values, flat.
 *       Implementations: {@link dev.quantgen.quantize.calibrate.MinMaxObserver}, {@link
 *       dev.quantgen.quantize.calibrate.MovingAverageObserver}, {@link
 *       dev.quantgen.quantize.calibrate.PercentileObserver}, {@link
 *       dev.quantgen.quantize.calibrate.EntropyObserver} (KL), {@link
 *       dev.quantgen.quantize.calibrate.MseObserver}.
 *   <li>{@link dev.quantgen.quantize.calibrate.TensorObserver}: a shaped tensor, per tensor or per
 *       channel; made from an {@link dev.quantgen.quantize.calibrate.ObserverSpec}, chosen per
 *       model and per layer by a {@link dev.quantgen.quantize.calibrate.CalibrationRecipe}.
 *   <li>{@link dev.quantgen.quantize.calibrate.Range#quantParams}: from a range to a scale and zero
 *       point via {@link dev.quantgen.runtime.numerics.RangeQuantizer}.
 *   <li>{@link dev.quantgen.quantize.calibrate.Sqnr}, {@link
 *       dev.quantgen.quantize.calibrate.LayerErrorReport}, {@link
 *       dev.quantgen.quantize.calibrate.TextTable}: per-layer error, printed as a table.
 *   <li>{@link dev.quantgen.quantize.calibrate.Progress}: a progress bar that stays quiet for short
 *       runs and in logs.
 * </ul>
 *
 * <p>Calibration data must be finite: NaN or an infinity is an {@link
 * java.lang.IllegalArgumentException} naming the observer and the index. All results are
 * deterministic: sums run in a fixed order and nothing is parallel.
 */
package dev.quantgen.quantize.calibrate;
