#!/bin/sh
# Campaigns of several jobs against the real targets (fuzz preset only: libFuzzer):
#  1. two jobs against fuzz_orderings_faults with a fault that takes thousands of
#     executions to reach (acd-caller-retrieved-queue): found, with its bug report, both jobs
#     fuzzed (each its own process and log), the executions of both added up, and the
#     time limit holds;
#  2. an interrupt (SIGINT) stops a two-job campaign within seconds, and still gives the
#     summary, with no fuzzing process left behind;
#  3. a target that hangs on the seed programs at every start (an exec: model that never
#     answers its third request, with libFuzzer's 10 s -timeout shorter than the model's)
#     is a crash loop: each job is given up after three timeouts in a row, with a
#     message, the timeout is a finding, and the campaign ends long before its time.
# Usage: jobs_campaign_test.sh CALLBENCH FUZZ_ORDERINGS_FAULTS FUZZ_ORDERINGS SOURCE_DIR
set -u
callbench=$1 faults=$2 fuzzer=$3 src=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out "$work"/*.err; do [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }; done
  exit 1
}
for b in "$callbench" "$faults" "$fuzzer"; do
  [ -x "$b" ] || fail "$b missing: cmake --build --preset fuzz --target callbench fuzz_orderings fuzz_orderings_faults"
done
# No fuzzing process of this test's work directory may outlive its campaign.
left_behind() { ps -eo pid=,args= | grep -F "$work/$1/" | grep -v grep; }

# 1. Two jobs find a planted fault.
start=$(date +%s)
CALLBENCH_FAULT=acd-caller-retrieved-queue "$callbench" fuzz --fuzzer "$faults" --time 20 \
  --jobs 2 --seed 3 --workdir "$work/w1" >"$work/1.out" 2>"$work/1.err"
rc=$? took=$(($(date +%s) - start))
[ $rc -eq 1 ] || fail "fault campaign: exit status $rc, expected 1 (a new finding)"
# With one fault active every violation is the fault's doing (the clean engine gives none:
# tests/faults); the rule the oracle names first depends on the program that reached it.
identity=$(sed -n 's/^    NEW \([a-z-]*\/[^ ]*\)  x[0-9]* in this run.*/\1/p' "$work/1.out" | grep -v '^crash/' | head -1)
[ -n "$identity" ] || fail "fault campaign: the fault was not found"
report=$(grep -lxF "# callbench finding $identity" "$work"/w1/fuzz_orderings/findings/*.scn 2>/dev/null | head -1)
[ -n "$report" ] || fail "fault campaign: no bug report of $identity"
# The time limit holds (seeds, end work and bug reports included).
[ $took -le 40 ] || fail "fault campaign: --time 20 took $took s"
grep -q '^campaign fuzz_orderings: 2[0-2] s, 2 jobs' "$work/1.out" || fail "fault campaign: not 20 s of 2 jobs"
grep -q '^  processes: 2 started, none ended early' "$work/1.out" || fail "fault campaign: a process ended early"
# Both jobs fuzzed, each in its own process, and the executions add up.
sum=0
for job in 1 2; do
  log=$work/w1/fuzz_orderings/jobs/$job.log
  n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$n" ] && [ "$n" -gt 1000 ] || fail "fault campaign: job $job ran ${n:-no} executions"
  sum=$((sum + n))
done
executions=$(sed -n 's/^  \([0-9]*\) executions.*/\1/p' "$work/1.out")
[ "$executions" = "$sum" ] || fail "fault campaign: $executions executions reported, the jobs ran $sum"
grep -q "^DONE: $sum executions in " "$work/w1/fuzz_orderings/libfuzzer.log" || fail "fault campaign: no DONE line"
[ -z "$(left_behind w1)" ] || fail "fault campaign: processes left behind: $(left_behind w1)"
echo "ok: two jobs found $identity in $took s, $sum executions"

# 2. An interrupt stops two jobs within seconds and still gives the summary.
"$callbench" fuzz --fuzzer "$fuzzer" --time 600 --jobs 2 --seed 5 --workdir "$work/w2" \
  >"$work/2.out" 2>"$work/2.err" &
pid=$!
i=0
while [ $i -lt 600 ] && ! grep -q INITED "$work/w2/fuzz_orderings/jobs/2.log" 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
[ $i -lt 600 ] || fail "interrupt: job 2 never began fuzzing"
sleep 2
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$? took=$(($(date +%s) - start))
[ $rc -eq 0 ] || fail "interrupt: exit status $rc, expected 0 (nothing found)"
[ $took -le 8 ] || fail "interrupt: took $took s to stop"
grep -q '^campaign fuzz_orderings: [0-9]* s (interrupted), 2 jobs' "$work/2.out" || fail "interrupt: no summary"
[ -z "$(left_behind w2)" ] || fail "interrupt: processes left behind: $(left_behind w2)"
echo "ok: an interrupt stopped two jobs in $took s"

# 3. A target that hangs at every start is given up, job by job.
model="exec:python3 $src/tests/models/hostile_model.py hang 3"
start=$(date +%s)
"$callbench" fuzz --fuzzer "$fuzzer" --model "$model" --model-timeout 60 --time 300 --jobs 2 \
  --seed 1 --workdir "$work/w3" >"$work/3.out" 2>"$work/3.err"
rc=$? took=$(($(date +%s) - start))
[ $rc -eq 1 ] || fail "hang: exit status $rc, expected 1 (the timeout is a new finding)"
[ $took -lt 200 ] || fail "hang: took $took s; the crash loop was not cut"
grep -q '^  processes: 6 started, 6 ended early (crash 0, timeout 6, out of memory 0)' "$work/3.out" ||
  fail "hang: not three timeouts per job"
grep -q '^  job 1 given up: the target ended 3 times in a row before fuzzing began (last: timeout' "$work/3.out" ||
  fail "hang: job 1 not given up"
grep -q '^  job 2 given up: ' "$work/3.out" || fail "hang: job 2 not given up"
grep -q '^    NEW crash/fuzz_orderings/timeout-' "$work/3.out" || fail "hang: the timeout is no finding"
[ -z "$(left_behind w3)" ] || fail "hang: processes left behind: $(left_behind w3)"
echo "ok: a target that hangs at every start was given up after $took s"
