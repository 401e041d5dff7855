#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh as OSS-Fuzz would (clang-14, AddressSanitizer and
# UndefinedBehaviorSanitizer, libFuzzer), checks that OUT holds the three targets with
# their seed corpora, dictionary and options, and runs each target for a few seconds
# over its unzipped seed corpus.
#
# Standalone use (CI's short sanitizer campaigns): OUT and WORK from the environment are
# used and kept, so the binaries can be run again and WORK rebuilds incrementally;
# otherwise both are temporary and removed at the end. FUZZ_SECONDS sets the run time
# of each target (default 3).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-3}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/callbench-build-sh-test.XXXXXX")
kept="kept"
if [ -z "${OUT:-}" ]; then OUT=$scratch/out; kept="removed at exit: set OUT to keep the binaries"; fi
WORK=${WORK:-$scratch/work}
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$OUT" "$WORK"

export CC=clang-14 CXX=clang++-14
export CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -O1 -g"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export SRC
SRC=$(dirname "$repo")
export OUT WORK
(cd "$repo" && bash .clusterfuzzlite/build.sh)

fail() {
  echo "build_sh_test: $*" >&2
  exit 1
}
targets=(fuzz_orderings fuzz_scenario_parser fuzz_journal_reader)
for t in "${targets[@]}"; do
  [ -x "$OUT/$t" ] || fail "$OUT/$t is missing"
  [ -s "$OUT/${t}_seed_corpus.zip" ] || fail "$OUT/${t}_seed_corpus.zip is missing"
  grep -q '^\[libfuzzer\]' "$OUT/$t.options" || fail "$OUT/$t.options is missing its [libfuzzer] section"
done
[ -s "$OUT/fuzz_scenario_parser.dict" ] || fail "$OUT/fuzz_scenario_parser.dict is missing"

# Each target over its seed corpus, in a directory of its own (crash files, findings).
for t in "${targets[@]}"; do
  dir=$scratch/run_$t
  mkdir -p "$dir/corpus"
  (cd "$dir/corpus" && cmake -E tar xf "$OUT/${t}_seed_corpus.zip")
  [ -n "$(ls "$dir/corpus")" ] || fail "the seed corpus of $t is empty"
  # libFuzzer does not read .options files itself: pass what they say.
  flags=()
  while IFS='=' read -r key value; do
    key=$(echo "$key" | tr -d ' ')
    value=$(echo "$value" | tr -d ' ')
    [[ -z "$key" || "$key" == \#* || "$key" == \[* ]] && continue
    [ "$key" = dict ] && value=$OUT/$value
    flags+=("-$key=$value")
  done <"$OUT/$t.options"
  echo "build_sh_test: $t ${flags[*]} -max_total_time=$seconds"
  (cd "$dir" && CALLBENCH_FINDINGS_DIR="$dir/findings" \
    "$OUT/$t" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 corpus) \
    >"$dir/log" 2>&1 || { tail -n 40 "$dir/log" >&2; fail "$t failed"; }
  grep -E '^(stat::number_of_executed_units|Done)' "$dir/log" || true
done
echo "build_sh_test: ok; OUT=$OUT ($kept)"
