#!/bin/sh
# A campaign through `--model exec:` against the Python example's planted fault finds it,
# minimizes it and replays it through the model (fuzz preset only: it needs libFuzzer).
# Usage: model_campaign_test.sh CALLBENCH FUZZ_ORDERINGS SOURCE_DIR
set -eu
callbench=$1 fuzzer=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model="exec:python3 $src/examples/models/python/callmodel.py --fault"
status=0
"$callbench" fuzz --fuzzer "$fuzzer" --model "$model" --time 60 --seed 7 --workdir "$work/w" \
  > "$work/out" 2> "$work/err" || status=$?
cat "$work/out"
test "$status" -eq 1 || { echo "expected exit 1 (a new finding), got $status"; cat "$work/err"; exit 1; }
grep -q "NEW hangup-clears/missing/ringing" "$work/out"
grep -q "(bit-exact)" "$work/out"
db=$(ls "$work"/w/fuzz_orderings/findings/hangup-clears-missing-ringing-*.db)
"$callbench" replay "$db" | grep -q "replayed on model $model"
grep -q "^# minimized from [0-9]* to 2 stimuli" "$work"/w/fuzz_orderings/findings/hangup-clears-missing-ringing-*.scn
echo "model campaign: found, minimized and replayed"
