#!/usr/bin/env bash
# Coverage-guided fuzzing of every reader of outside data with Jazzer (see the *FuzzTest classes).
#
#   tools/fuzz.sh [SECONDS [TARGET...]]
#
# SECONDS per target (default 20); TARGET is a method name (npy npz safetensors modelFile
# modelFileWithValidChecksums quantizedModel images labels labeledCsv onnxModel qdqModel caseFile importStamp
# importSettings sparkIdx), all by default.
# Jazzer fuzzes one @FuzzTest per JVM, so each target is its own Maven run.
# New corpus entries go to <module>/.cifuzz-corpus (ignored by git); a crashing input is written to
# the test's ...FuzzTestInputs/<method>/ directory, where it becomes a regression seed once fixed.
# Prints one summary line per target (executions, corpus size, result) and exits non-zero on a finding.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
all=(
  quantize:dev.quantgen.quantize.weights.WeightSourceFuzzTest#npy
  quantize:dev.quantgen.quantize.weights.WeightSourceFuzzTest#npz
  quantize:dev.quantgen.quantize.weights.WeightSourceFuzzTest#safetensors
  runtime:dev.quantgen.runtime.io.ModelFileFuzzTest#modelFile
  runtime:dev.quantgen.runtime.io.ModelFileFuzzTest#modelFileWithValidChecksums
  quantize:dev.quantgen.runtime.model.QuantizedModelFuzzTest#quantizedModel
  quantize:dev.quantgen.quantize.data.IdxFuzzTest#images
  quantize:dev.quantgen.quantize.data.IdxFuzzTest#labels
  quantize:dev.quantgen.quantize.data.LabeledCsvFuzzTest#labeledCsv
  onnx:dev.quantgen.onnx.OnnxModelFuzzTest#onnxModel
  onnx:dev.quantgen.onnx.QdqModelFuzzTest#qdqModel
  cli:dev.quantgen.cli.conformance.CaseReaderFuzzTest#caseFile
  maven-plugin:dev.quantgen.maven.ImportStampFuzzTest#importStamp
  maven-plugin:dev.quantgen.maven.ImportSettingsFuzzTest#importSettings
  spark:dev.quantgen.spark.IdxFileFuzzTest#sparkIdx
)
targets=()
for t in "${all[@]}"; do
  if [ $# -eq 0 ]; then targets+=("$t"); continue; fi
  for want in "$@"; do [ "${t##*#}" = "$want" ] && targets+=("$t"); done
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no target matches: $*" >&2; exit 2; }

# Build first, so a compile error shows once rather than as a failure of every target.
mvn -B -q -ntp -pl cli,onnx,maven-plugin,spark -am test-compile || exit 1

logdir=$(mktemp -d)
failed=0
for t in "${targets[@]}"; do
  module=${t%%:*}
  test=${t#*:}
  log="$logdir/${test##*.}.log"
  # -Xmx512m: an allocation sized by a header field fails loudly instead of quietly succeeding.
  # The JUnit @Timeout (10 s) becomes Jazzer's per-input timeout; JUnit's own timeout is turned off
  # because the whole fuzz run is one JUnit invocation. The last jazzer.internal.arg sets the length.
  # -am and test-compile: the module's dependencies come from this tree, not from ~/.m2. Only surefire's
  # default execution runs: -Dtest overrides the includes of a module's other executions (runtime's
  # vector-kernel runs), which would each fuzz the target again for SECONDS.
  JAZZER_FUZZ=1 mvn -B -ntp -pl "$module" -am test-compile surefire:test@default-test -Dtest="$test" \
      -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine=-Xmx512m -Djunit.jupiter.execution.timeout.mode=disabled -Djazzer.instrument='dev.quantgen.**' \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*')
  corpus=$(grep -oE '#[0-9]+\s+(DONE|pulse|NEW|REDUCE)\s+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 \
      | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+)/cov \1, corpus \3/')
  if [ $rc -ne 0 ]; then result="FINDING (log: $log)"; failed=1
  elif [ -z "$execs" ]; then result="NOT RUN (log: $log)"; failed=1
  else result=ok; fi
  echo "fuzz ${test##*.}: ${seconds}s, ${execs:-?} executions, ${corpus:-?}: $result"
done
exit $failed
