#!/usr/bin/env bash
# Runs `./quantgen demo` in N fresh JVMs (default 10) and prints, per precision, the spread of its
# speed ratios against FP32 measured in the same run: batched images/s and batch-1 latency.
# Usage: tools/stability.sh [runs]   (outputs kept under target/stability/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-10}"
out="$root/target/stability"
rm -rf "$out" && mkdir -p "$out"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "vector flags: $(grep -o -w -E 'avx2|avx512f|avx512_vnni|avx_vnni' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "jdk: $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  "$root/quantgen" demo > "$out/run-$i.txt" 2> "$out/run-$i.err"
  echo "run $i of $runs done" >&2
done
# Table rows start with a precision label; columns are separated by two or more spaces:
# precision, size bytes, vs fp32, accuracy, images/s, vs fp32, us/image, vs fp32, kernels.
awk -F'  +' '
  FNR == 1 { inTable = 0 }
  /^precision/ { inTable = 1; next }
  inTable && NF >= 8 && $1 !~ /^-/ {
    label = $1; sub(/^ +/, "", label)
    t = $6; sub(/x$/, "", t); l = $8; sub(/x$/, "", l)
    n[label]++; thr[label, n[label]] = t + 0; lat[label, n[label]] = l + 0
    if (!(label in order)) { order[label] = ++labels; names[labels] = label }
  }
  inTable && NF < 2 { inTable = 0 }
  function sortv(a, k,   i, j, v) { for (i = 2; i <= k; i++) { v = a[i]; for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]; a[j + 1] = v } }
  function summary(kind, label, k,   i, a, lo, hi, med) {
    for (i = 1; i <= k; i++) a[i] = (kind == "t") ? thr[label, i] : lat[label, i]
    sortv(a, k); lo = a[1]; hi = a[k]; med = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    return sprintf("%.2fx %.2fx %.2fx %5.0f%%", lo, med, hi, lo > 0 ? (hi / lo - 1) * 100 : 0)
  }
  END {
    printf "%-22s %-6s %-30s %-30s\n", "precision", "runs", "images/s vs fp32: min med max spread", "batch 1 vs fp32: min med max spread"
    for (p = 1; p <= labels; p++) {
      label = names[p]
      printf "%-22s %-6d %-30s %-30s\n", label, n[label], summary("t", label, n[label]), summary("l", label, n[label])
    }
  }' "$out"/run-*.txt
