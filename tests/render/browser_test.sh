#!/usr/bin/env bash
# browser_test.sh CALLBENCH SAMPLE_REPORT: renders a session's ladder page (callbench run
# --format html), a ladder alone (--format svg), a check --html page and a campaign
# report in headless Chromium (Debian's `chromium`, installed by scripts/setup),
# screenshots each to PNG and checks the picture has the window's size and is not blank
# (tests/render/png_check.py). A blank page must fail that check, so the check is shown
# to work. Fails when chromium is missing.
# SCREENSHOT_DIR=D keeps the pictures in D (docs/ holds two of them).
set -euo pipefail
callbench=$1
sample_report=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v chromium >/dev/null; then
  echo "browser_test: chromium is not installed; scripts/setup installs it" >&2
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/callbench-browser-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=${SCREENSHOT_DIR:-$tmp}
mkdir -p "$out"

shoot() {  # shoot PAGE.html OUT.png WIDTH HEIGHT
  local profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  rm -f "$2"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$2" --window-size="$3,$4" \
    "file://$1" >"$tmp/chromium.log" 2>&1 || { cat "$tmp/chromium.log" >&2; echo "browser_test: chromium failed on $1" >&2; exit 1; }
  [ -s "$2" ] || { cat "$tmp/chromium.log" >&2; echo "browser_test: no screenshot of $1" >&2; exit 1; }
}

cd "$repo"
"$callbench" run corpus/flows/routing_2.scn --format html >"$tmp/session.html"
"$callbench" run corpus/flows/multi_acd_4.scn --format svg >"$tmp/session.svg"
"$callbench" run corpus/flows/multi_acd_4.scn --journal "$tmp/j.db" >/dev/null 2>&1
"$callbench" check "$tmp/j.db" --html "$tmp/check.html" >/dev/null
"$sample_report" "$tmp/report.html"

shoot "$tmp/session.html" "$out/ladder.png" 1280 720
python3 "$repo/tests/render/png_check.py" "$out/ladder.png" 1280 720
shoot "$tmp/session.svg" "$out/ladder-svg.png" 1000 500
python3 "$repo/tests/render/png_check.py" "$out/ladder-svg.png" 1000 500
shoot "$tmp/check.html" "$out/check.png" 1280 720
python3 "$repo/tests/render/png_check.py" "$out/check.png" 1280 720
shoot "$tmp/report.html" "$out/report.png" 1280 1700
python3 "$repo/tests/render/png_check.py" "$out/report.png" 1280 1700

# The check itself can fail: a blank page is rejected.
printf '<!DOCTYPE html><html><body style="background:#fff"></body></html>\n' >"$tmp/blank.html"
shoot "$tmp/blank.html" "$tmp/blank.png" 400 300
if python3 "$repo/tests/render/png_check.py" "$tmp/blank.png" 400 300; then
  echo "browser_test: png_check accepted a blank page" >&2
  exit 1
fi
echo "browser_test: ok"
