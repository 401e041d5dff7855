// The bodies of callbench's fuzz targets, as library functions that the libFuzzer
// targets (fuzz_*.cc, a few lines each), their standalone replay builds and the
// GoogleTest suites all call. Each takes any bytes and returns 0; a property that does
// not hold is a real bug and aborts with a message on stderr (libFuzzer records the
// input as a crash), except fuzz_orderings' oracle violations during a campaign. Input never
// reaches an assertion of callbench's own otherwise. Not thread-safe: each function keeps scratch
// state between calls, so that the hot path allocates nothing once warm.
#ifndef CALLBENCH_FUZZ_HARNESS_H_
#define CALLBENCH_FUZZ_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace callbench {

// fuzz_orderings: the bytes as a program (decode_program, lenient), played through an
// Engine reused across calls (rebuilt only when the topology or options change) and
// judged by the oracle. A violation aborts with the bug report (report_and_abort), or in
// a campaign ($CALLBENCH_KEEP_GOING=1) is recorded once per identity and counted, and
// fuzzing goes on (record_finding; both in fuzz/finding.h). The engine's invariants are
// checked after every stimulus, or once per program when the build defines
// CALLBENCH_FUZZ_INVARIANTS_PER_PROGRAM (the fuzz preset's default).
int run_orderings(const uint8_t* data, std::size_t size);

// fuzz_scenario_parser: the bytes as scenario text. When they parse, the session must be
// valid and play, and its printed form must parse back to the same session.
int run_scenario_parser(const uint8_t* data, std::size_t size);

// fuzz_journal_reader: the bytes as a payload, into every payload decoder against a
// fixed small session config (a decoded request or event must re-encode to exactly those
// bytes; a decoded header must round-trip), and as a journal file (a temporary file,
// removed afterwards) read whole: every session listed, loaded, its events loaded and
// replayed, and the integrity check. Errors are expected; crashes, hangs and leaks are not.
int run_journal_reader(const uint8_t* data, std::size_t size);

// A property of the code under test does not hold: a real bug, never bad input. Prints
// "TARGET: property violated: WHAT" on stderr and aborts (libFuzzer records a crash).
[[noreturn]] inline void property_failed(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: property violated: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Each fuzz target's .cc names its target in the binary, for `callbench fuzz --fuzzer` to
// check that a binary is the target it claims (fuzz/campaign.h): the text
// "callbench-fuzz-target:" followed by the name and ';'.
#define CALLBENCH_FUZZ_TARGET(name)                                          \
  extern "C" __attribute__((used)) const char callbench_fuzz_target_name[] = \
      "callbench-fuzz-target:" #name ";"

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_HARNESS_H_
