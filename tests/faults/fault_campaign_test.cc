// Does the fuzzer have teeth? The engine's test-only faults (core/faults.h), each a bug a
// real switch integration could have: a scenario that shows the fault must break the
// rule it should, the clean engine must not, and a bounded campaign (the program-level
// mutator over the documented flows, judged by the oracle) must find every fault. The
// campaign figures (median executions and seconds to the first finding) are printed for
// the README; CALLBENCH_SEED changes the campaigns' seeds.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <filesystem>

#include "core/faults.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/finding.h"
#include "fuzz/loop.h"
#include "fuzz/minimize.h"
#include "fuzz/program.h"
#include "replay/replayer.h"
#include "storage/journal.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

const std::string kTopo =
    "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\ndn 8001 acd-queue\n"
    "dn 9001 routing-point\ndn 5550100 external\n";

struct FaultCase {
  Fault fault;
  std::string scenario;  // stimuli that show the fault
  std::vector<const char*> rules;  // each must be broken
};

std::vector<FaultCase> cases() {
  return {
      {Fault::kNoQueueAbandoned, "c1 = make-call 7001 8001\nrelease 7001 c1\n", {"hangup-clears"}},
      {Fault::kNoAgentThisQueue, "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n",
       {"agent-this-queue", "documented-attributes"}},
      {Fault::kReusedConnId, "c1 = make-call 7001 7002\nc2 = make-call 7003 5550100\n", {"one-connid"}},
      {Fault::kEarlyEstablished, "c1 = make-call 7001 7002\nanswer 7002 c1\n", {"established-on-answer", "party-order"}},
      {Fault::kRefusedChangesState, "c1 = make-call 7001 7002\nanswer 7003 c1\nanswer 7002 c1\n", {"request-accepted"}},
      {Fault::kDivertWrongOtherDn, "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n", {"caller-other-dn"}},
      {Fault::kNoReferenceId, "c1 = make-call 7001 7002\nanswer 7002 c1\n", {"reference-answer"}},
      {Fault::kEventAfterReleased, "c1 = make-call 7001 7002\nanswer 7002 c1\nrelease 7001 c1\n", {"party-order"}},
      {Fault::kCallWaiting, "c1 = make-call 7001 7002\nanswer 7002 c1\nc2 = make-call 7003 7002\n",
       {"one-call-per-extension"}},
      {Fault::kRouteUsedNoThirdParty, "c1 = make-call 7001 9001\nroute 9001 c1 7002\n", {"route-attributes"}},
  };
}

const char* fault_name(Fault f) { return fault_infos()[static_cast<int>(f)].name; }

void PrintTo(const FaultCase& c, std::ostream* os) { *os << fault_name(c.fault); }

bool breaks(const Verdict& v, const char* rule) {
  for (const Violation& x : v.violations) {
    if (x.rule == rule) return true;
  }
  return false;
}

class FaultTest : public ::testing::TestWithParam<FaultCase> {
 protected:
  void TearDown() override { set_active_fault(Fault::kNone); }
};

TEST_P(FaultTest, TheOracleReportsTheFaultAndNotTheCleanEngine) {
  const FaultCase& c = GetParam();
  Scenario sc = testing::parse_text(kTopo + c.scenario);
  set_active_fault(Fault::kNone);
  Played clean = play(sc.session);
  Verdict ok = judge(sc.session, clean.events);
  EXPECT_TRUE(ok.ok()) << ok.report(sc.session.config);
  set_active_fault(c.fault);
  Played faulty = play(sc.session);
  Verdict v = judge(sc.session, faulty.events);
  for (const char* rule : c.rules) EXPECT_TRUE(breaks(v, rule)) << rule << "\n" << v.report(sc.session.config);
}

INSTANTIATE_TEST_SUITE_P(EveryFault, FaultTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) {
                           std::string n = fault_name(param_info.param.fault);
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

std::vector<Session> seed_programs() {
  std::vector<Session> out;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (e.path().extension() == ".scn") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    Scenario sc;
    EXPECT_TRUE(load_scenario(p.string(), &sc).is_ok());
    out.push_back(normalize_program(sc.session));
  }
  return out;
}

// With CALLBENCH_SAVE_FINDINGS=DIR, the first finding of each fault is minimized and
// saved there as a fuzz_orderings input (program bytes) and its .scn: the regression
// inputs of corpus/findings/, which ctest replays on the clean engine.
void save_finding(Fault fault, const LoopResult& r) {
  const char* dir = std::getenv("CALLBENCH_SAVE_FINDINGS");
  if (!dir || !*dir) return;
  std::string identity = r.verdict.violations[0].identity();
  Session minimized = minimize_program(r.program, identity, nullptr);
  std::string base = std::string(dir) + "/fault-" + fault_name(fault);
  std::vector<uint8_t> bytes = encode_program(minimized);
  std::FILE* f = std::fopen((base + ".bin").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  std::string scn = std::string("# Found by the fault campaign against fault ") + fault_name(fault) + " (" +
                    fault_infos()[static_cast<int>(fault)].description + ")\n# rule broken: " + identity +
                    "\n# The clean engine must play it without a violation (ctest replays " +
                    "fault-" + fault_name(fault) + ".bin through fuzz_orderings_replay).\n" + print_scenario(minimized);
  f = std::fopen((base + ".scn").c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(scn.data(), 1, scn.size(), f);
  std::fclose(f);
}

// One bounded campaign per fault and seed: each must find the fault (any violation,
// since with one fault active every violation is the fault's doing).
TEST(FaultCampaignTest, EveryFaultIsFoundByABoundedCampaign) {
  const uint64_t base = testing::test_seed(1);
  const int kSeeds = 5;
  const uint64_t kBudget = 200000;
  std::vector<Session> seeds = seed_programs();
  std::printf("%-28s %14s %14s %14s %14s\n", "fault", "median execs", "median secs", "from scratch", "secs");
  for (const FaultCase& c : cases()) {
    std::vector<uint64_t> execs, scratch_execs;
    std::vector<double> secs, scratch_secs;
    for (int k = 0; k < kSeeds; ++k) {
      set_active_fault(c.fault);
      LoopOptions o;
      o.seed = base + static_cast<uint64_t>(k);
      o.max_executions = kBudget;
      o.seeds = seeds;
      LoopResult r = run_loop(o, [](const Verdict&) { return true; });
      EXPECT_TRUE(r.found) << fault_name(c.fault) << " not found in " << kBudget << " executions, seed " << o.seed;
      if (r.found && k == 0) save_finding(c.fault, r);
      execs.push_back(r.executions);
      secs.push_back(r.seconds);
      o.seeds.clear();  // from random programs only
      LoopResult s = run_loop(o, [](const Verdict&) { return true; });
      scratch_execs.push_back(s.found ? s.executions : kBudget);
      scratch_secs.push_back(s.seconds);
    }
    set_active_fault(Fault::kNone);
    auto median = [](auto v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    std::printf("%-28s %14llu %14.4f %14llu %14.4f\n", fault_name(c.fault),
                static_cast<unsigned long long>(median(execs)), median(secs),
                static_cast<unsigned long long>(median(scratch_execs)), median(scratch_secs));
  }
}

// Every finding becomes a bug report that reproduces: minimized, its one-session journal
// replays bit-exactly (with the fault in the engine, as the bug would be), and its .scn,
// which names the rule, plays into the same violation.
TEST(FaultCampaignTest, EveryFindingIsABugReportThatReplaysAndPlays) {
  std::vector<Session> seeds = seed_programs();
  std::string dir = ::testing::TempDir() + "callbench_findings_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  for (const FaultCase& c : cases()) {
    set_active_fault(c.fault);
    LoopOptions o;
    o.seed = 7;
    o.max_executions = 200000;
    o.seeds = seeds;
    LoopResult r = run_loop(o, [](const Verdict&) { return true; });
    ASSERT_TRUE(r.found) << fault_name(c.fault);
    FindingReport report;
    Status s = write_finding(r.program, r.verdict, dir, &report);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_TRUE(report.reproduced) << fault_name(c.fault);
    EXPECT_LE(report.minimized_stimuli, report.original_stimuli);
    EXPECT_LE(report.minimized_stimuli, 6u) << fault_name(c.fault) << ": a report is a handful of lines";
    EXPECT_EQ(report.replay_command, "callbench replay " + report.journal_path);
    // The journal replays bit-exactly.
    std::unique_ptr<Journal> j;
    ASSERT_TRUE(Journal::open(report.journal_path, Journal::Mode::kRead, &j).is_ok());
    ReplayResult replayed;
    ASSERT_TRUE(replay_session(*j, 1, &replayed).is_ok());
    EXPECT_TRUE(replayed.identical) << replayed.report;
    // The scenario names the rule and plays into the same violation.
    Scenario sc;
    ASSERT_TRUE(load_scenario(report.scn_path, &sc).is_ok());
    std::string text;
    {
      std::FILE* f = std::fopen(report.scn_path.c_str(), "rb");
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    EXPECT_NE(text.find("# rule " + report.identity.substr(0, report.identity.find('/'))), std::string::npos) << text;
    EXPECT_NE(text.find("# replay: callbench replay"), std::string::npos);
    Played played = play(sc.session);
    Verdict v = judge(sc.session, played.events);
    bool same = false;
    for (const Violation& x : v.violations) same = same || x.identity() == report.identity;
    EXPECT_TRUE(same) << fault_name(c.fault) << "\n" << text;
    // Without the fault, the engine plays the report cleanly: the bug is the fault's.
    set_active_fault(Fault::kNone);
    EXPECT_TRUE(judge(sc.session, play(sc.session).events).ok()) << text;
  }
  set_active_fault(Fault::kNone);
  std::filesystem::remove_all(dir);
}

// The clean engine: a campaign over the documented flows finds nothing.
TEST(FaultCampaignTest, TheCleanEngineGivesNoFinding) {
  set_active_fault(Fault::kNone);
  LoopOptions o;
  o.seed = testing::test_seed(2);
  o.max_executions = 300000;
  o.seeds = seed_programs();
  LoopResult r = run_loop(o, [](const Verdict&) { return true; });
  EXPECT_FALSE(r.found) << r.verdict.report(r.program.config) << print_scenario(r.program);
  EXPECT_EQ(r.executions, o.max_executions);
  std::printf("clean engine: %llu executions in %.2f s, corpus %zu, no finding\n",
              static_cast<unsigned long long>(r.executions), r.seconds, r.corpus);
}

}  // namespace
}  // namespace callbench
