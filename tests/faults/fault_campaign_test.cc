// Does the fuzzer have teeth? The engine's test-only faults (core/faults.h), each a bug a
// real switch integration could have: a scenario that shows the fault must break the
// rule it should, the clean engine must not, and a bounded campaign (the program-level
// mutator over the documented flows, judged by the oracle) must find every fault. The
// campaign figures (median executions and seconds to the first finding) are printed for
// the README; CALLBENCH_SEED changes the campaigns' seeds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unordered_set>

#include "core/engine.h"
#include "core/faults.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/finding.h"
#include "fuzz/loop.h"
#include "fuzz/minimize.h"
#include "fuzz/model_play.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"
#include "models/plugin_model.h"
#include "replay/replayer.h"
#include "storage/journal.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

const std::string kTopo =
    "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\ndn 8001 acd-queue\n"
    "dn 8002 acd-queue\ndn 9001 routing-point\ndn 9101 routing-queue\ndn 6001 remote-extension\n"
    "dn 5550100 external\n";

struct FaultCase {
  Fault fault;
  std::string scenario;            // stimuli that show the fault (options first, if any)
  std::vector<const char*> rules;  // each must be broken
  // Issue 7's faults: the documented flow they live in, their kind of oracle blind spot
  // (the README's list, 1..12), and whether they await the oracle's rewrite (the
  // expected rule is not in this oracle's oracle_rules(), or this oracle misses it).
  // An awaiting fault's proof is skipped, saying so, until the oracle breaks every
  // expected rule; then it must keep doing so (drop `awaits` once it does).
  const char* flow = "";
  int kind = 0;
  bool awaits = false;
};

std::vector<FaultCase> cases() {
  // The scenarios of the documented flows the new faults live in.
  const std::string routing = "c1 = make-call 7001 9001\nroute 9001 c1 7002\nanswer 7002 c1\n";
  const std::string routing_2 =
      "c1 = make-call 7001 9001\npause\nroute 9001 c1 7002\nrelease 7001 c1\nresume\n";
  const std::string routequeue = "c1 = make-call 7001 9101\nroute 9101 c1 7002\nanswer 7002 c1\n";
  const std::string acd = "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n";
  const std::string multi = "c1 = make-call 7001 8001\nqueue c1 8002\ndivert 8001 c1 7002\n";
  const std::string park =
      "pause\nc1 = make-call 7001 7002\npark c1 7002\nresume\npickup 7002 c1\nanswer 7002 c1\n";
  const std::string hold =
      "c1 = make-call 7001 7002\nhold 7001 c1\nanswer 7002 c1\nretrieve 7001 c1\n";
  const std::string routing_outbound =
      "c1 = make-call 7001 9001\nroute 9001 c1 6001\nanswer 6001 c1\n";
  const std::string outbound_busy = "c1 = make-call 7001 5550100\nremote-busy c1\n";
  return {
      {Fault::kNoQueueAbandoned, "c1 = make-call 7001 8001\nrelease 7001 c1\n", {"hangup-clears"}},
      {Fault::kNoAgentThisQueue,
       "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n",
       {"agent-this-queue", "documented-attributes"}},
      {Fault::kReusedConnId,
       "c1 = make-call 7001 7002\nc2 = make-call 7003 5550100\n",
       {"one-connid"}},
      {Fault::kEarlyEstablished,
       "c1 = make-call 7001 7002\nanswer 7002 c1\n",
       {"established-on-answer", "party-order"}},
      {Fault::kRefusedChangesState,
       "c1 = make-call 7001 7002\nanswer 7003 c1\nanswer 7002 c1\n",
       {"request-accepted"}},
      {Fault::kDivertWrongOtherDn,
       "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n",
       {"caller-other-dn"}},
      {Fault::kNoReferenceId, "c1 = make-call 7001 7002\nanswer 7002 c1\n", {"reference-answer"}},
      {Fault::kEventAfterReleased,
       "c1 = make-call 7001 7002\nanswer 7002 c1\nrelease 7001 c1\n",
       {"party-order"}},
      {Fault::kCallWaiting,
       "c1 = make-call 7001 7002\nanswer 7002 c1\nc2 = make-call 7003 7002\n",
       {"one-call-per-extension"}},
      {Fault::kRouteUsedNoThirdParty,
       "c1 = make-call 7001 9001\nroute 9001 c1 7002\n",
       {"route-attributes"}},
      // Internal/Inbound.
      {Fault::kAbandonedNamesItself,
       "c1 = make-call 7001 7002\nrelease 7001 c1\n",
       {"documented-attributes"},
       "internal ***",
       1,
       false},
      {Fault::kInboundRingingNoOtherDn,
       "c1 = inbound 5550100 7002\nanswer 7002 c1\n",
       {"documented-attributes"},
       "inbound",
       5,
       false},
      // To ACD.
      {Fault::kAcdReleasedNamesQueue,
       acd + "release 7001 c1\n",
       {"documented-attributes"},
       "acd ***",
       2,
       false},
      {Fault::kAcdQueueRings, acd + "answer 7002 c1\n", {"party-kind"}, "acd", 8, false},
      {Fault::kAcdCallerRetrievedQueue,
       acd + "answer 7002 c1\nhold 7001 c1\nretrieve 7001 c1\n",
       {"retrieved-repeats"},
       "acd, caller holds",
       11,
       false},
      // Multiple ACDs.
      {Fault::kMultiAcdNoSecondDiverted,
       multi + "answer 7002 c1\n",
       {"documented-flow"},
       "multi_acd",
       8,
       false},
      {Fault::kMultiAcdAbandonedOtherQueue,
       multi + "release 7001 c1\n",
       {"documented-attributes"},
       "multi_acd ****",
       9,
       false},
      {Fault::kMultiAcdNoRedirected,
       "option acd-redirected on\n" + multi + "answer 7002 c1\n",
       {"documented-attributes"},
       "multi_acd",
       10,
       false},
      // Call Parking.
      {Fault::kParkNoQueued, park, {"documented-flow"}, "park", 8, false},
      {Fault::kParkRingingNamesItself, park, {"documented-attributes"}, "park", 1, false},
      {Fault::kParkBusyIgnoresProfile,
       "option park-destination-busy off\n" + park,
       {"documented-flow"},
       "park",
       10,
       true},
      // RouteQueue.
      {Fault::kRouteQueueDialingNoOtherDn,
       routequeue,
       {"documented-attributes"},
       "routequeue",
       5,
       false},
      {Fault::kRouteQueueNoDiverted, routequeue, {"documented-flow"}, "routequeue", 8, false},
      {Fault::kRouteQueueDefaultNoRouteUsed,
       "c1 = make-call 7001 9101\nroute-timeout 9101 c1 7002\nanswer 7002 c1\n",
       {"documented-flow"},
       "routequeue, default routing",
       8,
       false},
      // Routing.
      {Fault::kRouteUsedRedirected, routing, {"route-used-callstate"}, "routing", 6, false},
      {Fault::kRouteErrorBeforeAbandoned,
       routing_2,
       {"route-error-after-abandoned"},
       "routing **",
       7,
       false},
      {Fault::kRouteUsedNamesCaller, routing, {"delivered-where-sent"}, "routing", 3, false},
      {Fault::kRoutingReleasedNamesCaller,
       "c1 = make-call 7001 9001\nrelease 7001 c1\n",
       {"documented-attributes"},
       "routing *",
       1,
       false},
      {Fault::kRoutingPendingNamesPoint,
       routing_2,
       {"documented-attributes"},
       "routing **",
       2,
       false},
      {Fault::kPausedRouteUsedNoReference,
       "pause\nc1 = make-call 7001 9001\nstep c1\nroute 9001 c1 7002\nstep c1\n",
       {"reference-answer"},
       "routing, paused",
       12,
       false},
      // Routing Outbound.
      {Fault::kRoutingOutboundNoNetworkReached,
       routing_outbound,
       {"network-reached"},
       "routing_outbound",
       4,
       false},
      {Fault::kRoutingOutboundEstablishedNoOtherDn,
       routing_outbound,
       {"documented-attributes"},
       "routing_outbound",
       5,
       false},
      {Fault::kRoutingOutboundDefaultOk,
       "c1 = make-call 7001 9001\nroute-timeout 9001 c1 6001\nanswer 6001 c1\n",
       {"route-used-callstate"},
       "routing_outbound, default routing",
       6,
       false},
      // Outbound.
      {Fault::kOutboundSimulatedEarly,
       "option network-reached simulated\nc1 = make-call 7001 5550100\nremote-answer c1\n",
       {"network-reached"},
       "outbound, simulated",
       10,
       false},
      {Fault::kOutboundEstablishedAfterBusy,
       outbound_busy + "remote-answer c1\n",
       {"party-order"},
       "outbound **",
       8,
       false},
      {Fault::kOutboundBusyNoOtherDn,
       outbound_busy + "release 7001 c1\n",
       {"documented-attributes"},
       "outbound **",
       5,
       false},
      // While On Hold.
      {Fault::kHoldOutboundNoNetworkReached,
       "pause\nc1 = make-call 7001 5550100\nhold 7001 c1\nresume\nremote-answer c1\nretrieve 7001 "
       "c1\n",
       {"network-reached"},
       "hold_outbound",
       4,
       false},
      {Fault::kHoldRetrievedWrongRole, hold, {"retrieved-repeats"}, "hold", 11, false},
      {Fault::kHoldEstablishedNoOtherDn, hold, {"documented-attributes"}, "hold", 5, false},
      {Fault::kHeldThisQueue, hold, {"agent-this-queue"}, "hold", 11, false},
      // A second round over the kinds with the fewest faults (1, 7, 10, 12).
      {Fault::kRouteQueueDivertedNamesItself,
       routequeue,
       {"documented-attributes"},
       "routequeue",
       1,
       false},
      {Fault::kRouteQueueNoRouteError,
       "c1 = make-call 7001 9101\npause\nroute 9101 c1 7002\nrelease 7001 c1\nresume\n",
       {"reference-answer"},
       "routequeue **",
       7,
       false},
      {Fault::kPausedRouteQueueNoThirdParty,
       "c1 = make-call 7001 9101\npause\nroute 9101 c1 7002\nstep c1\n",
       {"route-attributes"},
       "routequeue, paused",
       12,
       false},
      {Fault::kDialInfoDropsMonitoredDn,
       "option dial-info off\nc1 = make-call 7001 7002\nanswer 7002 c1\n",
       {"documented-attributes"},
       "internal, dial-info off",
       10,
       false},
      {Fault::kRouteUsedStateIgnoresProfile,
       "option route-used-callstate off\n" + routing,
       {"route-used-callstate"},
       "routing, route-used-callstate off",
       10,
       false},
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

bool breaks_all(const Verdict& v, const FaultCase& c) {
  for (const char* rule : c.rules) {
    if (!breaks(v, rule)) return false;
  }
  return true;
}

std::string rule_list(const std::vector<const char*>& rules) {
  std::string out;
  for (const char* r : rules) out += (out.empty() ? "" : ", ") + std::string(r);
  return out;
}

std::string broken_rules(const Verdict& v) {
  std::string out;
  for (const Violation& x : v.violations) {
    if (out.find(x.rule) == std::string::npos) out += (out.empty() ? "" : ", ") + x.rule;
  }
  return out.empty() ? "none" : out;
}

// The fault's proving scenario, played with the fault active and judged.
Verdict judge_faulty(const FaultCase& c) {
  Scenario sc = testing::parse_text(kTopo + c.scenario);
  set_active_fault(c.fault);
  Played faulty = play(sc.session);
  Verdict v = judge(sc.session, faulty.events);
  set_active_fault(Fault::kNone);
  return v;
}

// fault_infos() is indexed by the enum; every fault has a distinct name and a proof.
TEST(FaultInfoTest, EveryFaultHasItsEntryANameAndAProof) {
  std::vector<FaultCase> all = cases();
  for (int i = 0; i < kFaultCount; ++i) {
    EXPECT_EQ(static_cast<int>(fault_infos()[i].fault), i);
    for (int j = 0; j < i; ++j) EXPECT_STRNE(fault_infos()[i].name, fault_infos()[j].name);
    if (i == 0) continue;
    bool proved = std::any_of(all.begin(), all.end(),
                              [&](const FaultCase& c) { return static_cast<int>(c.fault) == i; });
    EXPECT_TRUE(proved) << fault_infos()[i].name << " has no proving scenario";
  }
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
  EXPECT_NE(clean.events, faulty.events) << "the fault fires in its scenario";
  if (c.awaits && !breaks_all(v, c)) {
    GTEST_SKIP() << fault_name(c.fault) << " (" << c.flow << ", kind " << c.kind
                 << ") awaits the oracle's rewrite: expected rule " << rule_list(c.rules)
                 << "; this oracle reports: " << broken_rules(v);
  }
  for (const char* rule : c.rules)
    EXPECT_TRUE(breaks(v, rule)) << rule << "\n" << v.report(sc.session.config);
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
  std::string scn =
      std::string("# Found by the fault campaign against fault ") + fault_name(fault) + " (" +
      fault_infos()[static_cast<int>(fault)].description + ")\n# rule broken: " + identity +
      "\n# The clean engine must play it without a violation (ctest replays " + "fault-" +
      fault_name(fault) + ".bin through fuzz_orderings_replay).\n" + print_scenario(minimized);
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
  const uint64_t kScratchBudget = 20000;  // figures only: "from scratch" need not find every fault
  std::vector<Session> seeds = seed_programs();
  std::printf("%-40s %14s %14s %14s %14s\n", "fault", "median execs", "median secs", "from scratch",
              "secs");
  for (const FaultCase& c : cases()) {
    if (judge_faulty(c).ok()) {  // awaits the oracle's rewrite: nothing a campaign could find yet
      EXPECT_TRUE(c.awaits) << fault_name(c.fault);
      std::printf("%-40s %14s\n", fault_name(c.fault), "not caught by this oracle");
      continue;
    }
    std::vector<uint64_t> execs, scratch_execs;
    std::vector<double> secs, scratch_secs;
    for (int k = 0; k < kSeeds; ++k) {
      set_active_fault(c.fault);
      LoopOptions o;
      o.seed = base + static_cast<uint64_t>(k);
      o.max_executions = kBudget;
      o.seeds = seeds;
      LoopResult r = run_loop(o, [](const Verdict&) { return true; });
      EXPECT_TRUE(r.found) << fault_name(c.fault) << " not found in " << kBudget
                           << " executions, seed " << o.seed;
      if (r.found && k == 0) save_finding(c.fault, r);
      execs.push_back(r.executions);
      secs.push_back(r.seconds);
      o.seeds.clear();  // from random programs only
      o.max_executions = kScratchBudget;
      LoopResult s = run_loop(o, [](const Verdict&) { return true; });
      scratch_execs.push_back(s.found ? s.executions : kScratchBudget);
      scratch_secs.push_back(s.seconds);
    }
    set_active_fault(Fault::kNone);
    auto median = [](auto v) {
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    uint64_t scratch = median(scratch_execs);
    std::string scratch_text =
        scratch == kScratchBudget ? "> " + std::to_string(kScratchBudget) : std::to_string(scratch);
    std::printf("%-40s %14llu %14.4f %14s %14.4f\n", fault_name(c.fault),
                static_cast<unsigned long long>(median(execs)), median(secs), scratch_text.c_str(),
                median(scratch_secs));
  }
}

// The same loop as run_loop (fuzz/loop.cc: seeds, crossover, one to three mutations,
// corpus growth by event signature), but its finding is differential: a program whose
// events with the fault differ from the clean engine's. It measures whether a bounded
// campaign reaches the fault's situation at all, oracle aside: for a fault that awaits
// the oracle's rewrite it is the campaign half of the proof ("the oracle's campaign will
// find it once the oracle judges it").
struct Reach {
  bool reached = false;
  uint64_t executions = 0;
  double seconds = 0;
};

Reach reach(Fault fault, uint64_t seed, uint64_t budget, const std::vector<Session>& seeds) {
  auto start = std::chrono::steady_clock::now();
  Rng rng(seed);
  std::vector<Session> corpus = seeds;
  if (corpus.empty()) corpus.push_back(random_program(rng));
  std::unordered_set<uint64_t> seen;
  Reach r;
  std::vector<Event> clean, faulty;
  for (uint64_t n = 0; n < budget && !r.reached; ++n) {
    Session p = corpus[rng.below(static_cast<uint32_t>(corpus.size()))];
    if (rng.one_in(8) && corpus.size() > 1) {
      p = crossover_programs(p, corpus[rng.below(static_cast<uint32_t>(corpus.size()))], rng);
    }
    for (uint32_t k = 1 + rng.below(3); k-- > 0;) mutate_program(&p, rng);
    clean.clear();
    faulty.clear();
    set_active_fault(Fault::kNone);
    {
      Engine engine(p.config);
      for (const Stimulus& s : p.stimuli) (void)engine.apply(s, &clean);
    }
    set_active_fault(fault);
    {
      Engine engine(p.config);
      for (const Stimulus& s : p.stimuli) (void)engine.apply(s, &faulty);
    }
    set_active_fault(Fault::kNone);
    r.executions = n + 1;
    r.reached = clean != faulty;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (const Event& e : faulty) {
      uint64_t token = (static_cast<uint64_t>(e.type) << 16) |
                       (static_cast<uint64_t>(p.config.topology.dns[e.this_dn].kind) << 8) |
                       (e.call == kNoCall ? 0xFFu : (e.call & 3u));
      h ^= token + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    }
    if (seen.insert(h).second && corpus.size() < 20000) corpus.push_back(p);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// Every fault's situation is reached by a bounded campaign over the documented flows,
// with five seeds: the fault then changes the events, for the oracle to judge.
TEST(FaultCampaignTest, EveryFaultIsReachedByABoundedCampaign) {
  const uint64_t base = testing::test_seed(3);
  const int kSeeds = 5;
  const uint64_t kBudget = 100000;
  std::vector<Session> seeds = seed_programs();
  std::printf("%-40s %14s %14s %-s\n", "fault", "median execs", "median secs",
              "to reach its situation");
  for (const FaultCase& c : cases()) {
    std::vector<uint64_t> execs;
    std::vector<double> secs;
    for (int k = 0; k < kSeeds; ++k) {
      Reach r = reach(c.fault, base + static_cast<uint64_t>(k), kBudget, seeds);
      EXPECT_TRUE(r.reached) << fault_name(c.fault) << " not reached in " << kBudget
                             << " executions, seed " << base + static_cast<uint64_t>(k);
      execs.push_back(r.executions);
      secs.push_back(r.seconds);
    }
    std::sort(execs.begin(), execs.end());
    std::sort(secs.begin(), secs.end());
    std::printf("%-40s %14llu %14.4f\n", fault_name(c.fault),
                static_cast<unsigned long long>(execs[kSeeds / 2]), secs[kSeeds / 2]);
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
    if (judge_faulty(c).ok()) continue;  // awaits the oracle's rewrite
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
    EXPECT_LE(report.minimized_stimuli, 6u)
        << fault_name(c.fault) << ": a report is a handful of lines";
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
    EXPECT_NE(text.find("# rule " + report.identity.substr(0, report.identity.find('/'))),
              std::string::npos)
        << text;
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

// Each fault fires only in its own situation: over the corpus's documented flows it
// changes the events of its own flow's scenarios and no others. Prints, per fault, its
// flow, kind, expected rule, whether this oracle reports it (and by which rules), and
// the corpus flows whose events it changes: the table the README's fault section
// summarises.
TEST(FaultCampaignTest, EachFaultFiresInItsOwnSituationOnly) {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (e.path().extension() == ".scn") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Scenario> flows(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    ASSERT_TRUE(load_scenario(paths[i].string(), &flows[i]).is_ok());
  std::printf("%-40s | %-34s | %4s | %-28s | %-6s | %-s\n", "fault", "flow", "kind",
              "expected rule", "caught", "rules broken today / corpus flows changed");
  for (const FaultCase& c : cases()) {
    if (c.kind == 0) continue;  // the first ten, from before issue 7
    Verdict v = judge_faulty(c);
    std::string changed;
    for (std::size_t i = 0; i < flows.size(); ++i) {
      set_active_fault(Fault::kNone);
      std::vector<Event> clean = play(flows[i].session).events;
      set_active_fault(c.fault);
      std::vector<Event> faulty = play(flows[i].session).events;
      set_active_fault(Fault::kNone);
      if (clean != faulty) changed += (changed.empty() ? "" : " ") + paths[i].stem().string();
    }
    std::printf("%-40s | %-34s | %4d | %-28s | %-6s | %s / %s\n", fault_name(c.fault), c.flow,
                c.kind, rule_list(c.rules).c_str(),
                v.ok() ? "no" : (breaks_all(v, c) ? "yes" : "other"), broken_rules(v).c_str(),
                changed.empty() ? "(none)" : changed.c_str());
    // The flow's own scenarios only: a fault in "routing" must leave acd, park, ... alone.
    std::string own = std::string(c.flow).substr(0, std::string(c.flow).find_first_of(" ,"));
    std::size_t from = 0;
    while (from < changed.size()) {
      std::size_t to = changed.find(' ', from);
      if (to == std::string::npos) to = changed.size();
      std::string stem = changed.substr(from, to - from);
      EXPECT_EQ(stem.rfind(own, 0), 0u) << fault_name(c.fault) << " changes corpus flow " << stem;
      from = to + 1;
    }
  }
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

// The same campaigns through the plugin ABI (include/callbench_model.h): the engine with
// its faults built as libcallbench_fault_plugin.so, the fault chosen by $CALLBENCH_FAULT
// when the model is created, this process's own engine clean. Every fault an in-process
// campaign finds, a campaign through the plugin finds too, and its finding is a bug
// report whose journal records the plugin and replays through it.
TEST(FaultPluginCampaignTest, EveryFaultIsFoundThroughThePluginAbi) {
  set_active_fault(Fault::kNone);
  std::vector<Session> seeds = seed_programs();
  std::string dir =
      ::testing::TempDir() + "callbench_plugin_findings_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  int found = 0, expected = 0;
  std::printf("%-40s %14s %14s\n", "fault (plugin)", "execs", "secs");
  for (const FaultCase& c : cases()) {
    if (judge_faulty(c).ok()) continue;  // awaits the oracle's rewrite
    ++expected;
    set_active_fault(Fault::kNone);
    ::setenv("CALLBENCH_FAULT", fault_name(c.fault), 1);
    PluginModel plugin(CALLBENCH_FAULT_PLUGIN);
    Status st = plugin.open();
    ::unsetenv("CALLBENCH_FAULT");
    ASSERT_TRUE(st.is_ok()) << st.message();
    EXPECT_EQ(plugin.info().kind, "plugin");
    set_fuzz_model(&plugin, false);
    LoopOptions o;
    o.seed = testing::test_seed(1);
    o.max_executions = 200000;
    o.seeds = seeds;
    LoopResult r = run_loop(o, [](const Verdict&) { return true; });
    EXPECT_TRUE(r.found) << fault_name(c.fault) << " not found through the plugin in "
                         << o.max_executions;
    std::printf("%-40s %14llu %14.4f\n", fault_name(c.fault),
                static_cast<unsigned long long>(r.executions), r.seconds);
    if (r.found) {
      ++found;
      EXPECT_NE(r.verdict.violations[0].rule, "model-failed") << r.verdict.violations[0].message;
      FindingReport report;
      Status s = write_finding(r.program, r.verdict, dir, &report);
      ASSERT_TRUE(s.is_ok()) << s.message();
      EXPECT_TRUE(report.reproduced) << fault_name(c.fault);
      std::unique_ptr<Journal> j;
      ASSERT_TRUE(Journal::open(report.journal_path, Journal::Mode::kRead, &j).is_ok());
      LoadedSession ls;
      std::vector<Event> events;
      ASSERT_TRUE(j->read_session(1, &ls, &events).is_ok());
      EXPECT_EQ(ls.recorded_model.kind, "plugin");
      EXPECT_EQ(ls.recorded_model.command, CALLBENCH_FAULT_PLUGIN);
      // The clean engine of this process plays the report without the fault's violation.
      bool same = false;
      for (const Violation& x : judge(ls.session, play(ls.session).events).violations)
        same = same || x.identity() == report.identity;
      EXPECT_FALSE(same) << fault_name(c.fault);
    }
    set_fuzz_model(nullptr, false);
  }
  EXPECT_EQ(found, expected);
  EXPECT_GT(expected, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace callbench
