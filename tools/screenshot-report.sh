#!/usr/bin/env bash
# Writes the HTML report of the Fashion-MNIST MLP at int8 and screenshots it in headless Chromium,
# to check that the page really renders (charts, fonts, layout) and to refresh docs/report.png.
#
#   tools/screenshot-report.sh [OUT.png] [extra report options...]
#
# Needs Chromium (Debian: apt-get install chromium). Uses the full Fashion-MNIST dataset when the
# Debian package dataset-fashion-mnist is installed, else the embedded 2,000 test images. The page
# itself loads nothing from the network; Chromium's own background traffic is switched off too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
png="$(realpath -m "${1:-$root/docs/report.png}")"
shift || true

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "screenshot-report: no Chromium found; install it (Debian: apt-get install chromium)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data=()
if [ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  data=(--data /usr/share/datasets/fashion-mnist)
fi
"$root/quantgen" report "${data[@]}" --out "$work/report.html" "$@"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
  --screenshot="$png" --window-size=1280,2000 "file://$work/report.html" 2>"$work/chromium.log" \
  || { cat "$work/chromium.log" >&2; exit 1; }
echo "screenshot-report: wrote $png"
