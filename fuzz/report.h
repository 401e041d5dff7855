// The campaign report: what a CI user opens in a browser after `callbench fuzz`
// (<workdir>/<target>/report.html, beside junit.xml). The campaign's parameters and
// seed, executions per second and coverage over time as small charts, the flow coverage
// as a grid of documented flows by interruption points shaded by how often each was
// reached (never-reached cells stand out), and each finding with its rule, identity,
// count, minimized scenario, replay command and ladder diagram (core/ladder.h).
//
// render_campaign_report() takes plain data and touches nothing; the page is
// self-contained (inline SVG and CSS, nothing fetched) and well-formed XML.
// write_campaign_report() gathers that data from a finished campaign.
#ifndef CALLBENCH_FUZZ_REPORT_H_
#define CALLBENCH_FUZZ_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine.h"
#include "core/model.h"
#include "core/oracle.h"
#include "core/status.h"
#include "fuzz/campaign.h"

namespace callbench {

// One progress report of the campaign.
struct ReportSample {
  double seconds = 0;  // since the campaign started
  uint64_t executions = 0;
  uint64_t coverage = 0;
  uint64_t corpus = 0;
};

struct ReportFinding {
  std::string identity;
  std::string rule;
  uint64_t count = 0;
  bool is_new = false;
  bool reproduced = false;
  std::string scenario;  // the minimized scenario (the bug report's .scn text)
  std::string scn_path;
  std::string replay;  // the command that replays it
  // The session to draw, when the finding has one (crashes of the parser or reader do not).
  bool has_session = false;
  Session session;
  std::vector<Event> events;
  std::vector<ApplyResult> outcomes;
  Verdict verdict;
};

struct CampaignReport {
  std::string target;
  uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> parameters;  // name, value, in order
  uint64_t executions = 0, exec_per_sec = 0, coverage = 0, corpus = 0;
  double seconds = 0;
  std::vector<ReportSample> samples;
  std::vector<std::pair<std::string, uint64_t>> flow_counts;  // "acd ***" -> calls; "undocumented"
  std::vector<ReportFinding> findings;
};

std::string render_campaign_report(const CampaignReport& report);

// The progress samples in a campaign's log: the supervisor's status line a second, in the
// form of libFuzzer's fork-mode lines ("#N: cov: C ft: F corp: K ... time: Ts ...", N the
// executions of every process); lines without a time are skipped.
std::vector<ReportSample> parse_libfuzzer_progress(std::string_view log);

// Gathers a finished campaign's report (the samples from libFuzzer's log at `log_path`,
// each finding's scenario and session from its bug report) and writes it to `path`.
[[nodiscard]] Status write_campaign_report(const CampaignOptions& options,
                                           const CampaignResult& result,
                                           const std::string& log_path, const std::string& path);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_REPORT_H_
