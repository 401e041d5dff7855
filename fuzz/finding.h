// What happens when the oracle reports a violation during fuzzing: the finding is
// minimized at the program level, replayed from its journal to prove it reproduces
// bit-exactly, and written as a bug report: a .scn with the violated expectation as a
// comment, a one-session journal, and the exact command that replays it.
#ifndef CALLBENCH_FUZZ_FINDING_H_
#define CALLBENCH_FUZZ_FINDING_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/model.h"
#include "core/oracle.h"
#include "core/status.h"

namespace callbench {

struct FindingReport {
  std::string identity;      // Violation::identity() of the first violation
  std::string scn_path;      // <dir>/<key>.scn (finding_key)
  std::string journal_path;  // <dir>/<key>.db
  std::string replay_command;
  std::string text;         // the whole report, for stderr
  bool reproduced = false;  // replayed bit-exactly from its journal
  std::size_t original_stimuli = 0, minimized_stimuli = 0;
};

// The directory findings go to: $CALLBENCH_FINDINGS_DIR, else "findings". Everything
// about one identity is named by its key (finding_key): <key>.input (the first input
// that showed it, raw bytes, as the fuzz target reads them), <key>.scn and <key>.db (the
// bug report); hits/<pid>.hits counts what each fuzzing process saw.
std::string findings_dir();
// "agent-this-queue/EventRinging/ringing" -> "agent-this-queue-EventRinging-ringing".
std::string finding_slug(const std::string& identity);
// The slug and 8 hex digits of a 64-bit hash of the identity: the file stem of
// everything about it, the same in every process ("hangup-clears-missing-queued-1c0e4f2a").
std::string finding_key(const std::string& identity);

// Minimizes `session` (which breaks `verdict`'s first rule), records it into a fresh
// one-session journal, replays that journal, and writes the .scn next to it, as
// <dir>/<key>.db and <dir>/<key>.scn.
Status write_finding(const Session& session, const Verdict& verdict, const std::string& dir,
                     FindingReport* out);

// fuzz_orderings has two ways to meet a violation:
//
// - Reproducing (the default: the *_replay builds, `fuzz_orderings INPUT`, ctest): print
//   the oracle's report, write the bug report into findings_dir() unless <key>.scn is
//   already there, then abort(), so the input fails visibly (libFuzzer records a crash).
// - Campaign ($CALLBENCH_KEEP_GOING=1, set by `callbench fuzz`): record the finding and
//   keep fuzzing. The first input of each identity is published as <key>.input with
//   link(2), which fails when the file exists, so exactly one process of a fork-mode
//   campaign writes it, whole. Every hit is counted in process; the counts go to
//   hits/<pid>.hits ("<count> <key> <identity>" lines) at exit, on a new identity and
//   at most once a second otherwise. No report is written here: the campaign runner has
//   each new <key>.input reproduced (first way) once the fuzzing has stopped.
bool keep_going();
[[noreturn]] void report_and_abort(const Session& session, const Verdict& verdict);
void record_finding(const uint8_t* data, std::size_t size, const Verdict& verdict);
// Writes this process's hit counts now (record_finding also does, as described above).
void flush_finding_hits();

// Flow coverage of a fuzzing process: counts, per documented flow and interruption point
// (and "undocumented"), the calls that followed it. When $CALLBENCH_FLOW_COUNTS_DIR is
// set, the counts are written there at exit as <pid>.counts, one "name count" line
// each, for the campaign runner to add up.
void count_flows(const Verdict& verdict);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_FINDING_H_
