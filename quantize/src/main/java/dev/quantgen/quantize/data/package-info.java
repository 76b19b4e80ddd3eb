/**
 * Labelled data sets for calibration, evaluation, planning and training: {@link
 * dev.quantgen.quantize.data.Dataset} and its readers of IDX (MNIST format) and CSV files.
 */
package dev.quantgen.quantize.data;
