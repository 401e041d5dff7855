#!/bin/sh
# A campaign bounded by executions (--runs), not time, against fuzz_orderings with an
# engine fault that fires on most inputs (fuzz_orderings_faults, CALLBENCH_FAULT): it
# must run all its executions (a violation does not stop it), record each finding
# identity once, with its first input and its bug report, and count the hits.
# Usage: keep_going_test.sh CALLBENCH FUZZ_ORDERINGS_FAULTS [FAULT]
set -u
callbench=$1 fuzzer=$2 fault=${3:-reused-conn-id}
runs=20000
fail() { echo "FAIL: $*"; echo "--- summary"; cat "$work/out"; echo "--- stderr"; tail -20 "$work/err"; exit 1; }
[ -x "$fuzzer" ] || { echo "FAIL: $fuzzer missing: cmake --build --preset fuzz --target fuzz_orderings_faults"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CALLBENCH_FAULT=$fault "$callbench" fuzz --fuzzer "$fuzzer" --runs $runs --time 600 --jobs 2 --seed 1 \
  --workdir "$work/w" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 1 ] || fail "exit status $rc, expected 1 (new findings)"
findings=$work/w/fuzz_orderings/findings
executions=$(sed -n 's/^  \([0-9]*\) executions.*/\1/p' "$work/out")
[ -n "$executions" ] && [ "$executions" -ge $runs ] || fail "stopped after $executions executions, before $runs"
# Both jobs ran their share of the executions (10000 each) to the end, none crashed or
# hung: the campaign's log ends with its DONE line, every status line counts no early end.
log=$work/w/fuzz_orderings/libfuzzer.log
grep -q '^DONE: [0-9]* executions in .* 2 jobs, 2 processes, oom/timeout/crash: 0/0/0$' "$log" ||
  fail "no DONE line of 2 jobs and 2 processes, or a process ended early"
! grep 'oom/timeout/crash:' "$log" | grep -qv 'oom/timeout/crash: 0/0/0' || fail "a job crashed or hung"
grep -q '^  processes: 2 started, none ended early' "$work/out" || fail "a process ended early"
for job in 1 2; do
  n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/w/fuzz_orderings/jobs/$job.log" | tail -1)
  [ -n "$n" ] && [ "$n" -ge $((runs / 2)) ] || fail "job $job ran ${n:-no} executions, not its $((runs / 2))"
done
inputs=$(ls "$findings" | grep -c '\.input$')
reports=$(ls "$findings" | grep -c '\.scn$')
listed=$(grep -c '^    NEW ' "$work/out")
[ "$inputs" -ge 1 ] || fail "no finding recorded"
[ "$inputs" -eq "$listed" ] || fail "$inputs first inputs but $listed findings listed"
[ "$reports" -eq "$inputs" ] || fail "$inputs first inputs but $reports bug reports"
# Each identity once, and counted: the most frequent one was hit many times.
dupes=$(grep '^    NEW ' "$work/out" | awk '{print $2}' | sort | uniq -d | wc -l)
[ "$dupes" -eq 0 ] || fail "an identity is listed twice"
most=$(sed -n 's/^    NEW .*  x\([0-9]*\) in this run.*/\1/p' "$work/out" | sort -n | tail -1)
[ "$most" -gt 100 ] || fail "the most frequent finding counted only $most hits"
echo "ok: $executions executions, $inputs findings, the most frequent hit $most times"
