// What happens when the oracle reports a violation during fuzzing: the finding is
// minimized at the program level, replayed from its journal to prove it reproduces
// bit-exactly, and written as a bug report: a .scn with the violated expectation as a
// comment, a one-session journal, and the exact command that replays it.
#ifndef CALLBENCH_FUZZ_FINDING_H_
#define CALLBENCH_FUZZ_FINDING_H_

#include <string>

#include "core/model.h"
#include "core/oracle.h"
#include "core/status.h"

namespace callbench {

struct FindingReport {
  std::string identity;      // Violation::identity() of the first violation
  std::string scn_path;      // <dir>/<identity-slug>-<hash>.scn
  std::string journal_path;  // <dir>/<identity-slug>-<hash>.db
  std::string replay_command;
  std::string text;          // the whole report, for stderr
  bool reproduced = false;   // replayed bit-exactly from its journal
  std::size_t original_stimuli = 0, minimized_stimuli = 0;
};

// The directory findings go to: $CALLBENCH_FINDINGS_DIR, else "findings". Each finding
// is <slug>-<hash>.scn and .db there; <slug>.seen counts its occurrences, one line (a
// UTC time in seconds) each.
std::string findings_dir();
// "agent-this-queue/EventRinging/ringing" -> "agent-this-queue-EventRinging-ringing".
std::string finding_slug(const std::string& identity);

// Minimizes `session` (which breaks `verdict`'s first rule), records it into a fresh
// one-session journal, replays that journal, and writes the .scn next to it.
Status write_finding(const Session& session, const Verdict& verdict, const std::string& dir,
                     FindingReport* out);

// For fuzz_orderings: count the occurrence, write_finding into findings_dir() the first
// time an identity shows, print the report on stderr, then abort() so libFuzzer records
// the crash.
[[noreturn]] void report_and_abort(const Session& session, const Verdict& verdict);

// Flow coverage of a fuzzing process: counts, per documented flow and interruption point
// (and "undocumented"), the calls that followed it. When $CALLBENCH_FLOW_COUNTS_DIR is
// set, the counts are written there at exit as <pid>.counts, one "name count" line
// each, for the campaign runner to add up.
void count_flows(const Verdict& verdict);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_FINDING_H_
