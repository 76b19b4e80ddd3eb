/**
 * Post-training calibration (numerics.md sections 2, 7 and 9): observers that turn calibration
 * batches of float activations or weights into clipping ranges and scales, plus the error report and
 * a progress display for the runs that produce them.
 *
 * <ul>
 *   <li>{@link dev.quantgen.runtime.calibrate.Observer}: one tensor's values, flat. Implementations:
 *       {@link dev.quantgen.runtime.calibrate.MinMaxObserver}, {@link
 *       dev.quantgen.runtime.calibrate.MovingAverageObserver}, {@link
 *       dev.quantgen.runtime.calibrate.PercentileObserver}, {@link
 *       dev.quantgen.runtime.calibrate.EntropyObserver} (KL), {@link
 *       dev.quantgen.runtime.calibrate.MseObserver}.
 *   <li>{@link dev.quantgen.runtime.calibrate.TensorObserver}: a shaped tensor, per tensor or per
 *       channel; made from an {@link dev.quantgen.runtime.calibrate.ObserverSpec}, chosen per model
 *       and per layer by a {@link dev.quantgen.runtime.calibrate.CalibrationRecipe}.
 *   <li>{@link dev.quantgen.runtime.calibrate.Range#quantParams}: from a range to a scale and zero
 *       point via {@link dev.quantgen.runtime.numerics.RangeQuantizer}.
 *   <li>{@link dev.quantgen.runtime.calibrate.Sqnr}, {@link
 *       dev.quantgen.runtime.calibrate.LayerErrorReport}, {@link
 *       dev.quantgen.runtime.calibrate.TextTable}: per-layer error, printed as a table.
 *   <li>{@link dev.quantgen.runtime.calibrate.Progress}: a progress bar that stays quiet for short
 *       runs and in logs.
 * </ul>
 *
 * <p>Calibration data must be finite: NaN or an infinity is an {@link
 * java.lang.IllegalArgumentException} naming the observer and the index. All results are
 * deterministic: sums run in a fixed order and nothing is parallel.
 */
package dev.quantgen.runtime.calibrate;
