#!/usr/bin/env bash
# Runs DemoAllocationProbe in N fresh JVMs (default 3), each printing W windows (default 3) of
# bytes allocated per batched forward per precision: a kernel in a slow JIT mode shows up as
# megabytes per batch. Needs the command-line jar (`./quantgen` builds it).
# Usage: tools/probes/allocation.sh [jvms] [windows]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$root/cli/target/quantgen.jar"
[ -f "$jar" ] || { echo "no $jar: run ./quantgen once to build it" >&2; exit 1; }
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'); jdk: $(java -version 2>&1 | head -1)"
for i in $(seq 1 "${1:-3}"); do
  echo "jvm $i"
  java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -cp "$jar" \
    "$root/tools/probes/DemoAllocationProbe.java" "${2:-3}" 2> >(grep -v -E 'incubat|^1 warning' >&2)
done
