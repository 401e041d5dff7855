#!/bin/bash -eu
# Builds callbench's libFuzzer targets the OSS-Fuzz / ClusterFuzzLite way and fills $OUT:
#   fuzz_orderings, fuzz_scenario_parser, fuzz_journal_reader   the targets
#   <target>_seed_corpus.zip   seed programs made from corpus/flows (fuzz_orderings),
#                              corpus/parser and corpus/flows (fuzz_scenario_parser),
#                              corpus/journal (fuzz_journal_reader)
#   <target>.options           libFuzzer options (fuzz/*.options)
#   fuzz_scenario_parser.dict  the scenario vocabulary (corpus/fuzz.dict)
#
# Inputs, as OSS-Fuzz sets them: CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC OUT WORK.
# Run by hand (or by CI for short sanitizer campaigns), the unset ones default to
# clang-14, no extra flags, -fsanitize=fuzzer, and fresh temporary OUT and WORK
# directories; the last line printed names OUT. Keep WORK between runs to rebuild
# incrementally.
set -euo pipefail

# The sources: this script's repository, else $SRC/callbench (the Dockerfile's layout),
# else the working directory.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if grep -qs '^project(callbench' "$here/../CMakeLists.txt"; then
  project=$(cd "$here/.." && pwd)
elif grep -qs '^project(callbench' "${SRC:-/nonexistent}/callbench/CMakeLists.txt"; then
  project=$SRC/callbench
elif grep -qs '^project(callbench' CMakeLists.txt; then
  project=$PWD
else
  echo "build.sh: cannot find the callbench sources" >&2
  exit 2
fi

CC=${CC:-clang-14}
CXX=${CXX:-clang++-14}
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/callbench-fuzz-out.XXXXXX")}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/callbench-fuzz-work.XXXXXX")}
mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
WORK=$(cd "$WORK" && pwd)

# OSS-Fuzz asks for libc++, but the system Cap'n Proto the targets link is built
# against libstdc++: mixing the two does not link. (So no MemorySanitizer builds.)
CXXFLAGS=${CXXFLAGS//-stdlib=libc++/}
# libFuzzer's coverage instrumentation for everything the targets run: OSS-Fuzz's CFLAGS
# bring it for libFuzzer builds; CMake adds it when the engine is libFuzzer (twice is
# harmless); other engines bring their own through CFLAGS. Either way CMake adds
# fuzz/coverage-ignorelist.txt (-fsanitize-coverage-ignorelist): no coverage of the oracle
# and the fuzzing tooling, which guide no search and cost most of an execution's time.
instrumentation=""
case "$LIB_FUZZING_ENGINE" in *-fsanitize=fuzzer*) instrumentation=-fsanitize=fuzzer-no-link ;; esac

generator="Unix Makefiles"
command -v ninja >/dev/null && generator=Ninja
cmake -S "$project" -B "$WORK/build" -G "$generator" \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCALLBENCH_FUZZ=ON -DCALLBENCH_WERROR=OFF \
  -DCALLBENCH_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DCALLBENCH_FUZZ_INSTRUMENTATION="$instrumentation"
targets=(fuzz_orderings fuzz_scenario_parser fuzz_journal_reader)
cmake --build "$WORK/build" --parallel "$(nproc)" --target "${targets[@]}" callbench_fuzz_seeds

# zip_flat ZIP FILE...: a zip of the files under their base names (CMake's own archiver:
# not every image has zip).
zip_flat() {
  local zip=$1 stage
  shift
  stage=$(mktemp -d "$WORK/zip.XXXXXX")
  cp "$@" "$stage/"
  (cd "$stage" && cmake -E tar cf "$zip" --format=zip -- *)
  rm -rf "$stage"
}

for t in "${targets[@]}"; do
  cp "$WORK/build/$t" "$OUT/"
  cp "$project/fuzz/$t.options" "$OUT/"
done
cp "$project/corpus/fuzz.dict" "$OUT/fuzz_scenario_parser.dict"
rm -f "$OUT"/*_seed_corpus.zip
zip_flat "$OUT/fuzz_orderings_seed_corpus.zip" "$WORK/build/fuzz-seeds/orderings"/*
zip_flat "$OUT/fuzz_scenario_parser_seed_corpus.zip" "$project"/corpus/parser/* "$project"/corpus/flows/*.scn
zip_flat "$OUT/fuzz_journal_reader_seed_corpus.zip" "$project"/corpus/journal/*

echo "build.sh: fuzz targets, seed corpora, dictionary and options in OUT=$OUT"
