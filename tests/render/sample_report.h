// A campaign report's data made up for tests: every documented flow point with a count
// (some never reached), progress samples, and one finding whose session breaks rule
// agent-this-queue (the documented ACD flow with ThisQueue dropped from the agent's
// EventRinging). Deterministic.
#ifndef CALLBENCH_TESTS_RENDER_SAMPLE_REPORT_H_
#define CALLBENCH_TESTS_RENDER_SAMPLE_REPORT_H_

#include <algorithm>
#include <string>

#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/report.h"

namespace callbench::testing {

inline CampaignReport sample_campaign_report() {
  CampaignReport r;
  r.target = "fuzz_orderings";
  r.seed = 7;
  r.parameters = {{"target", "fuzz_orderings"},
                  {"time", "60 s"},
                  {"jobs", "2"},
                  {"work directory", "fuzz-out"}};
  r.seconds = 60;
  for (int t = 0; t <= 60; t += 3) {
    ReportSample s;
    s.seconds = t;
    s.executions = static_cast<uint64_t>(t) * 41000u + static_cast<uint64_t>(t % 4) * 1500u;
    s.coverage = 600u + static_cast<uint64_t>(400 - 400 / (1 + t));
    s.corpus = 40u + static_cast<uint64_t>(t);
    r.samples.push_back(s);
  }
  r.executions = r.samples.back().executions;
  r.exec_per_sec = r.executions / 60;
  r.coverage = r.samples.back().coverage;
  r.corpus = r.samples.back().corpus;
  uint64_t i = 0;
  for (const std::string& name : documented_flow_points()) {
    ++i;
    r.flow_counts.emplace_back(name, i % 5 == 3 ? 0 : (i * 7919u) % 40000u + i);
  }
  r.flow_counts.emplace_back("undocumented", 123456);

  ReportFinding f;
  f.scenario =
      "# callbench finding agent-this-queue/EventRinging/none\n"
      "# rule agent-this-queue: a party reached through an ACD or routing queue carries that queue "
      "as ThisQueue\n"
      "seed 1\ndn 7001 extension\ndn 8001 acd-queue\ndn 7002 extension\n"
      "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n";
  Scenario sc;
  Status st = parse_scenario(f.scenario, "finding.scn", &sc);
  if (!st.is_ok()) return r;
  Played p = play(sc.session);
  auto ringing = std::find_if(p.events.begin(), p.events.end(),
                              [](const Event& e) { return e.type == EventType::kRinging; });
  if (ringing != p.events.end()) ringing->clear(Attr::kThisQueue);
  f.session = sc.session;
  f.events = p.events;
  f.outcomes = p.outcomes;
  f.verdict = judge(f.session, f.events);
  f.has_session = true;
  f.identity = f.verdict.violations.empty() ? "none" : f.verdict.violations[0].identity();
  f.rule = f.verdict.violations.empty() ? "none" : f.verdict.violations[0].rule;
  f.count = 3;
  f.is_new = true;
  f.reproduced = true;
  f.scn_path = "fuzz-out/fuzz_orderings/findings/agent-this-queue-EventRinging-none-1c0e4f2a.scn";
  f.replay =
      "callbench replay "
      "fuzz-out/fuzz_orderings/findings/agent-this-queue-EventRinging-none-1c0e4f2a.db";
  r.findings.push_back(std::move(f));
  return r;
}

}  // namespace callbench::testing

#endif  // CALLBENCH_TESTS_RENDER_SAMPLE_REPORT_H_
