#!/usr/bin/env bash
# Formats every Java source of the build (src/main/java, src/main/java-vector, src/test/java of each
# module) with google-java-format, through the spotless plugin configured in the root pom.
#   tools/format.sh          rewrite the files in place
#   tools/format.sh --check  only report the files that are not formatted (exit 1 if any)
# The build checks the format when run with -Dquantgen.formatCheck=true (.ci/run does, once the tree
# has been formatted). Golden files and generated sources are not touched.
# Run it on JDK 17 (google-java-format 1.28.0, the version CI checks with); on JDK 21+ the build
# takes 1.30.0, which runs there but may lay out a rare construct differently.
set -euo pipefail
cd "$(dirname "$0")/.."
goal=apply
if [ "${1:-}" = "--check" ]; then
  goal=check
fi
exec mvn -B -ntp -q com.diffplug.spotless:spotless-maven-plugin:"$goal"
