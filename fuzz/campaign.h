// A fuzzing campaign: one of the libFuzzer targets of the `fuzz` preset (built when
// missing), run as --jobs in-process libFuzzer processes sharing one corpus, supervised
// for a time (each restarted when it ends early), its progress read from their output, its
// findings deduplicated by identity into a journal's `findings` table (each finding's
// minimized session recorded beside the sessions), a JUnit XML report with one test
// case per oracle rule, and the flow coverage: how many calls followed each documented
// flow and interruption point.
//
// fuzz_orderings keeps fuzzing after a violation ($CALLBENCH_KEEP_GOING, fuzz/finding.h):
// each identity's first input and hit counts are recorded in process, and the bug
// reports are written at the end, by the target binary reproducing each first input.
// Every argument is checked before anything runs; the work directory is locked for the
// campaign; the time limit holds however many jobs run; a first interrupt stops the
// fuzzing and the end work still runs (fuzz/process.h).
//
// Layout of the work directory (kept between runs, so a campaign resumes its corpus):
//   <workdir>/<target>/corpus     the growing corpus
//   <workdir>/<target>/seeds      the seeds (fuzz_orderings: the documented flows)
//   <workdir>/<target>/findings   per identity <key>.input (first input), <key>.scn and
//                                 <key>.db (bug report); hits/<pid>.hits (this run's counts)
//   <workdir>/<target>/artifacts  libFuzzer's crash inputs
//   <workdir>/<target>/flows      per-process flow counts of this run
//   <workdir>/<target>/libfuzzer.log  the campaign's log (each process started, ended,
//                                 a status line a second); jobs/<n>.log each job's output
//   <workdir>/<target>/quarantine corpus inputs that ended the target at start
//   <workdir>/<target>/junit.xml
//   <workdir>/.campaign.lock      held by the running campaign (flock)
#ifndef CALLBENCH_FUZZ_CAMPAIGN_H_
#define CALLBENCH_FUZZ_CAMPAIGN_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace callbench {

// The fuzz targets a campaign runs, defined once (fuzz/campaign_targets.cc): the CLI's
// --target, each target's inputs and dictionary, and what its findings are.
struct FuzzTarget {
  const char* name;       // the libFuzzer target: "fuzz_orderings"
  const char* inputs[2];  // corpus directories under the source tree (nullptr: none)
  const char* dict;       // a libFuzzer dictionary under the source tree, or nullptr
  bool programs;          // fuzzes programs judged by the oracle: seeds written from
                          // corpus/flows, oracle findings, flow coverage
};
const std::vector<FuzzTarget>& fuzz_targets();
const FuzzTarget* find_fuzz_target(const std::string& name);  // nullptr: no such target
// "fuzz_orderings, fuzz_scenario_parser or fuzz_journal_reader"
std::string fuzz_target_names();

struct CampaignOptions {
  std::string target = "fuzz_orderings";
  std::string fuzzer;  // the target binary; empty: <source>/build-fuzz/<target>, built when missing
  std::string source_dir;  // the callbench source tree (corpus/, CMakePresets.json)
  std::string workdir = "fuzz-out";
  std::string journal;  // default <workdir>/campaign.db
  double seconds = 60;
  uint64_t runs = 0;  // libFuzzer -runs: stop after about this many executions (0: no limit)
  int jobs = 1;
  uint64_t seed = 1;
  // The call model under test (fuzz_orderings only): builtin, exec:COMMAND or
  // plugin:PATH.so, passed to every process of the campaign as $CALLBENCH_MODEL,
  // $CALLBENCH_MODEL_TIMEOUT and $CALLBENCH_COMPARE (fuzz/model_play.h): one model
  // process per job. compare: also play every program on the engine; a difference is a
  // finding differs-from-engine/...
  std::string model = "builtin";
  double model_timeout = 5.0;
  bool compare = false;
};

struct CampaignFinding {
  std::string identity;  // Violation::identity(), or "crash/<artifact>" for a crash
  std::string rule;
  uint64_t hits = 0;   // occurrences in this run
  uint64_t count = 0;  // occurrences in every run recorded in the journal (after import)
  std::string input;   // fuzz_orderings: its first input (<key>.input)
  std::string first_seen;
  std::string scn;      // the bug report's scenario
  std::string journal;  // its one-session journal
  std::string replay;   // the command that replays it
  bool reproduced = false;
  bool is_new = false;     // not in the journal's findings table before this run
  int64_t session_id = 0;  // its session in the campaign journal
};

struct CampaignResult {
  uint64_t executions = 0;
  uint64_t exec_per_sec = 0;
  uint64_t coverage = 0;
  uint64_t corpus = 0;
  double seconds = 0;
  int libfuzzer_exit = 0;          // the exit status of the last fuzzing process that ended
  uint64_t processes = 0;          // fuzzing processes started: one per job, and each restart
  uint64_t crashes = 0;            // processes that ended early by a crash (then restarted),
  uint64_t timeouts = 0;           // ... a timeout (-timeout),
  uint64_t ooms = 0;               // ... running out of memory (-rss_limit_mb)
  std::vector<std::string> notes;  // what the supervisor did besides restarting
  bool interrupted = false;        // stopped early by an interrupt
  std::vector<CampaignFinding> findings;
  std::vector<std::pair<std::string, uint64_t>> flow_counts;  // document order, then undocumented
  std::string junit_path;
  std::string journal_path;
  bool any_new() const;
};

// Runs a campaign. `progress` receives a one-line status whenever libFuzzer reports.
// A non-ok Status means the campaign could not run (no target, a build failure, a
// journal that cannot be written, a work directory in use); findings are results, not
// errors. It handles SIGINT and SIGTERM while it runs (fuzz/process.h).
Status run_campaign(const CampaignOptions& options, CampaignResult* out,
                    const std::function<void(const std::string&)>& progress);

// The summary a person reads after a campaign: counts, findings, flow coverage, and
// the command that resumes it (every option that matters, shell-quoted).
std::string campaign_summary(const CampaignOptions& options, const CampaignResult& result);
std::string resume_command(const CampaignOptions& options);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_CAMPAIGN_H_
