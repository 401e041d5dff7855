// What the parts of a campaign share (fuzz/campaign*.cc); not part of the public surface.
#ifndef CALLBENCH_FUZZ_CAMPAIGN_INTERNAL_H_
#define CALLBENCH_FUZZ_CAMPAIGN_INTERNAL_H_

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "fuzz/campaign.h"

namespace callbench {
namespace fs = std::filesystem;

std::string quote(const std::string& s);

// Runs a shell command with its output appended to `log`; its exit status.
int run_logged(const std::string& command, const std::string& log);

std::vector<std::string> sorted_keys(const std::string& dir, const std::string& ext);

// Ensures the target binary exists: the given one, or the fuzz preset's (built now).
Status locate_fuzzer(const CampaignOptions& o, const std::string& work, std::string* path,
                     const std::function<void(const std::string&)>& progress);

// The target a binary was built as: the name after "callbench-fuzz-target:" up to ';'
// (CALLBENCH_FUZZ_TARGET in fuzz/harness.h), or "" when it carries none.
std::string built_target(const std::string& path);

Status check_fuzzer(const std::string& path, const std::string& target);

// The environment every process of a campaign gets, and the one a reproduction gets.
std::vector<std::pair<std::string, std::string>> campaign_env(const std::string& findings,
                                                              const std::string& flows);

// What every fuzzing process of a campaign runs (run_jobs).
struct JobsPlan {
  std::string fuzzer;               // the target binary
  std::vector<std::string> flags;   // libFuzzer flags every process gets
  std::vector<std::string> inputs;  // the corpus directory first (written, reloaded), then
                                    // the read-only inputs (seeds, ...)
  std::string work;                 // <workdir>/<target>: jobs/<n>.log, stop, quarantine/
};

// Runs the campaign's fuzzing processes and follows their output until they end: one
// in-process libFuzzer per job (--jobs), each with its own seed (seed + n) and log
// (jobs/<n>.log), all sharing the corpus directory (libFuzzer's -reload reads what the
// others found every second) and the artifact directory. An instance that ends early (a
// crash, a timeout, an out-of-memory) is counted and started again for the time left,
// with the seed of its next start; one that ends before fuzzing began, three times in a
// row, is given up (a corpus input of the campaign's own corpus that ends it is moved to
// quarantine/ first). The time limit holds: at the limit (or a first interrupt) the
// runner writes libFuzzer's stop file, which every instance reads once a second (ending
// normally, its counts written); 2 s later it terminates the stragglers (SIGTERM) and
// kills them 2 s after that. `log` gets the campaign's own lines: each start, each early
// end, a status line a second ("#EXECS: cov: ... time: Ns ...", the report's samples) and
// a last "DONE: N executions in S s ..." line.
Status run_jobs(const CampaignOptions& o, const JobsPlan& plan,
                const std::vector<std::pair<std::string, std::string>>& env, const std::string& log,
                const std::function<std::string()>& findings_count, CampaignResult* out,
                const std::function<void(const std::string&)>& progress);

// Has the target write the bug report of every finding that has none yet: the target
// binary run on the finding's first input, reproducing (fuzz/finding.h): it minimizes,
// records, replays and writes <key>.scn and <key>.db, then aborts. Its output goes to
// `log`. Runs after the fuzzing has stopped, also after an interrupt.
void report_findings(const std::string& fuzzer, const std::string& findings,
                     const std::string& work, const std::string& log,
                     const std::function<void(const std::string&)>& progress);

// This run's hits of fuzz_orderings' findings: every process's hits/<pid>.hits added up,
// by key, with the identity each names.
std::map<std::string, std::pair<std::string, uint64_t>> read_hits(const std::string& dir);

// The findings of fuzz_orderings: one <key>.input per identity (its first input), this
// run's hits, and the bug report (<key>.scn, .db) that the target wrote when it
// reproduced the input (report_findings).
void collect_oracle_findings(const std::string& dir, const std::vector<std::string>& keys,
                             const std::map<std::string, std::pair<std::string, uint64_t>>& hits,
                             std::vector<CampaignFinding>* out);

// Crashes (and leaks and timeouts): each libFuzzer artifact is one finding, hit in this
// run when it was written after `since`.
void collect_crashes(const std::string& dir, const std::string& target, fs::file_time_type since,
                     std::vector<CampaignFinding>* out);

Status import_findings(const CampaignOptions& o, const std::string& journal_path,
                       std::vector<CampaignFinding>* findings);

// The journal must be a callbench journal (or not exist yet) that takes the findings
// table: checked before any fuzzing, not after it.
Status check_journal(const std::string& path);

std::string utc(long long seconds);

std::string xml(const std::string& s);

Status write_junit(const CampaignOptions& o, const CampaignResult& r, const std::string& path);

// Every report written from a campaign's result, in one place, called last in the end
// work (also after an interrupt), once the findings are imported and the flow coverage
// added up: JUnit now. Another report writer (an HTML campaign report, ...) goes here.
Status write_reports(const CampaignOptions& o, const std::string& work, const std::string& log,
                     CampaignResult* out);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_CAMPAIGN_INTERNAL_H_
