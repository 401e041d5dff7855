// The call models behind core/call_model.h: the built-in engine, the engine behind the
// plugin ABI, the Python example over exec:, hostile exec models and plugins, the
// journal's model record and replay, --compare, and campaigns through a model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "core/call_model.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/finding.h"
#include "fuzz/loop.h"
#include "fuzz/model_play.h"
#include "fuzz/program.h"
#include "models/builtin_model.h"
#include "models/compare.h"
#include "models/exec_model.h"
#include "models/model_spec.h"
#include "models/plugin_model.h"
#include "replay/record.h"
#include "replay/replayer.h"
#include "storage/journal.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

std::string python_model(bool fault = false) {
  return "exec:python3 " + testing::source_path("examples/models/python/callmodel.py") +
         (fault ? " --fault" : "");
}
std::string hostile(const std::string& mode, int at = 2) {
  return "python3 " + testing::source_path("tests/models/hostile_model.py") + " " + mode + " " +
         std::to_string(at);
}

std::vector<std::string> flows(const std::vector<std::string>& prefixes) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    std::string name = e.path().filename().string();
    for (const std::string& p : prefixes)
      if (name.rfind(p, 0) == 0 && e.path().extension() == ".scn") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Session load(const std::string& path) {
  Scenario sc;
  Status st = load_scenario(path, &sc);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return sc.session;
}

std::unique_ptr<CallModel> made(const std::string& spec, double timeout = 5.0) {
  std::unique_ptr<CallModel> m;
  Status st = make_model(spec, timeout, &m);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return m;
}

Difference differs(const Session& s, const ModelPlayed& mp, const std::string& name) {
  Played engine = play(s);
  return compare_events(s, engine.events, engine.outcomes, mp.events, mp.outcomes, name);
}

TEST(ModelsTest, TheBuiltinModelPlaysEveryFlowAsTheEngineDoes) {
  BuiltinModel m;
  std::vector<std::string> all = flows({""});
  ASSERT_GT(all.size(), 40u);
  for (const std::string& f : all) {
    Session s = load(f);
    ModelPlayed mp = play_on(m, s);
    ASSERT_TRUE(mp.status.is_ok()) << f;
    Played p = play(s);
    EXPECT_EQ(mp.events, p.events) << f;
    EXPECT_EQ(mp.outcomes, p.outcomes) << f;
  }
}

TEST(ModelsTest, TheEnginePluginPlaysEveryFlowAsTheEngineDoes) {
  auto m = made(std::string("plugin:") + CALLBENCH_ENGINE_PLUGIN);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->info().kind, "plugin");
  EXPECT_EQ(m->info().name, "callbench engine");
  EXPECT_TRUE(m->supports().everything());
  for (const std::string& f : flows({""})) {
    Session s = load(f);
    ModelPlayed mp = play_on(*m, s);
    ASSERT_TRUE(mp.status.is_ok()) << f << ": " << mp.status.message();
    Played p = play(s);
    EXPECT_EQ(mp.events, p.events) << f;
    EXPECT_EQ(mp.outcomes, p.outcomes) << f;
    EXPECT_FALSE(differs(s, mp, "plugin").found) << f;
  }
}

TEST(ModelsTest, ThePythonExampleConformsOnEveryInternalAndInboundFlow) {
  auto m = made(python_model());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->info().name, "python-example");
  EXPECT_FALSE(m->supports().everything());
  std::vector<std::string> own = flows({"internal", "inbound"});
  ASSERT_GE(own.size(), 6u);
  for (const std::string& f : own) {
    Session s = load(f);
    ASSERT_EQ(m->supports().check(s), "") << f;
    ModelPlayed mp = play_on(*m, s);
    ASSERT_TRUE(mp.status.is_ok()) << f << ": " << mp.status.message();
    Verdict v = judge(s, mp.events);
    EXPECT_TRUE(v.ok()) << f << ": " << v.violations[0].message;
    ASSERT_FALSE(v.flows.empty());
    EXPECT_STREQ(v.flows.back().flow, "Internal/Inbound Call") << f;
    Difference d = differs(s, mp, "python");
    EXPECT_FALSE(d.found) << f << "\n" << d.report;
  }
  // The other flows it claims (outbound, hold) play as the engine does; the rest are
  // outside what it supports.
  int outside = 0;
  for (const std::string& f : flows({""})) {
    Session s = load(f);
    if (!m->supports().check(s).empty()) {
      ++outside;
      continue;
    }
    ModelPlayed mp = play_on(*m, s);
    ASSERT_TRUE(mp.status.is_ok()) << f << ": " << mp.status.message();
    Difference d = differs(s, mp, "python");
    EXPECT_FALSE(d.found) << f << "\n" << d.report;
    EXPECT_TRUE(judge(s, mp.events).ok()) << f;
  }
  EXPECT_GT(outside, 20);
}

TEST(ModelsTest, ThePythonExamplesFaultBreaksInterruptionPointThree) {
  auto m = made(python_model(true));
  ASSERT_TRUE(m);
  Session s = load(testing::source_path("corpus/flows/internal_3.scn"));
  ModelPlayed mp = play_on(*m, s);
  ASSERT_TRUE(mp.status.is_ok());
  Verdict v = judge(s, mp.events);
  ASSERT_FALSE(v.ok());
  bool hangup = false;
  for (const Violation& x : v.violations) hangup = hangup || x.rule == "hangup-clears";
  EXPECT_TRUE(hangup);
  Difference d = differs(s, mp, "python --fault");
  ASSERT_TRUE(d.found);
  EXPECT_EQ(d.request_seq, 2u);
  EXPECT_EQ(d.what, "missing.EventAbandoned");
  EXPECT_NE(d.report.find("expected (builtin): EventAbandoned"), std::string::npos) << d.report;
  // A call nobody abandons is not affected.
  Session in = load(testing::source_path("corpus/flows/inbound.scn"));
  EXPECT_TRUE(judge(in, play_on(*m, in).events).ok());
}

TEST(ModelsTest, ConnIdsAreMatchedByCallNotByValue) {
  Session s = testing::parse_text(
                  "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\n"
                  "c1 = make-call 7001 7002\nc2 = make-call 7003 7001\nanswer 7002 c1\n")
                  .session;
  Played p = play(s);
  std::vector<Event> renamed = p.events;
  for (Event& e : renamed)
    if (e.has(Attr::kConnId)) e.conn_id ^= 0x1111;  // other values, same calls
  EXPECT_FALSE(compare_events(s, p.events, p.outcomes, renamed, p.outcomes, "m").found);
  std::vector<Event> swapped = renamed;
  // Give c1's later event c2's ConnID: the same value for two calls is a difference.
  uint64_t c2 = 0;
  for (const Event& e : renamed)
    if (e.call == 1 && e.has(Attr::kConnId)) c2 = e.conn_id;
  ASSERT_NE(c2, 0u);
  for (Event& e : swapped)
    if (e.call == 0 && e.request_seq == 3 && e.has(Attr::kConnId)) e.conn_id = c2;
  Difference d = compare_events(s, p.events, p.outcomes, swapped, p.outcomes, "m");
  ASSERT_TRUE(d.found);
  EXPECT_EQ(d.request_seq, 3u);
  EXPECT_NE(d.what.find("ConnID"), std::string::npos) << d.what;
  // An attribute, an extra event and an outcome.
  std::vector<Event> other = p.events;
  other[1].other_dn = 2;
  d = compare_events(s, p.events, p.outcomes, other, p.outcomes, "m");
  EXPECT_EQ(d.what, "EventRinging.OtherDN");
  EXPECT_NE(d.report.find("attribute OtherDN: builtin 7001, m 7003"), std::string::npos)
      << d.report;
  std::vector<ApplyResult> outcomes = p.outcomes;
  outcomes[2] = {Outcome::kRefused, IgnoreReason::kNone};
  d = compare_events(s, p.events, p.outcomes, p.events, outcomes, "m");
  EXPECT_EQ(d.what, "outcome.answer");
}

struct Hostile {
  std::string mode;
  std::string says;  // in the error
};

class HostileModelTest : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileModelTest, FailsTheRequestNamingTheModelAndTheLine) {
  const Hostile& h = GetParam();
  ExecModel m(hostile(h.mode), 0.5);
  Status open = m.open();
  Session s = load(testing::source_path("corpus/flows/internal_3.scn"));
  if (h.mode == "no-hello" || h.mode == "bad-hello" || h.mode == "misspelt-supports") {
    ASSERT_FALSE(open.is_ok());
    EXPECT_NE(open.message().find("model exec:" + hostile(h.mode)), std::string::npos)
        << open.message();
    EXPECT_NE(open.message().find("the hello"), std::string::npos) << open.message();
    EXPECT_NE(open.message().find(h.says), std::string::npos) << open.message();
    return;
  }
  ASSERT_TRUE(open.is_ok()) << open.message();
  auto start = std::chrono::steady_clock::now();
  ModelPlayed mp = play_on(m, s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 3.0) << "a hostile model is cut off by the timeout";
  ASSERT_FALSE(mp.status.is_ok());
  const std::string& msg = mp.status.message();
  EXPECT_NE(msg.find("model exec:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(python-example 1.0)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("request 2 {\"request\":\"release\""), std::string::npos) << msg;
  EXPECT_NE(msg.find(h.says), std::string::npos) << msg;
  // What came before stays: request 1 was answered.
  EXPECT_EQ(mp.outcomes.size(), 1u);
  EXPECT_FALSE(mp.events.empty());
  // The process is restarted for the next session, which fails the same way.
  ModelPlayed again = play_on(m, s);
  EXPECT_EQ(again.outcomes.size(), 1u);
  EXPECT_FALSE(again.status.is_ok());
}

INSTANTIATE_TEST_SUITE_P(
    Modes, HostileModelTest,
    ::testing::Values(Hostile{"crash", "exited with status 3"},
                      Hostile{"hang", "no answer within 0.500 s"},
                      Hostile{"garbage", "'this is not json'"},
                      Hostile{"wrong-seq", "{\"done\": 3}' does not name the request's seq 2"},
                      Hostile{"huge-line", "a line longer than 65536 bytes"},
                      Hostile{"bad-event", "ThisDN \"9999\" is not a DN of the session"},
                      Hostile{"ignore-request", "a client request answered \"ignored\""},
                      Hostile{"no-hello", "end of output before an answer"},
                      Hostile{"bad-hello", "no \"model\" name"},
                      // A key no event line has would vanish; one given twice hides one
                      // value; a misspelt "supports" key would mean "everything".
                      Hostile{"unknown-key", "unknown key 'Foo'"},
                      Hostile{"duplicate-key", "the key 'event' given twice"},
                      Hostile{"misspelt-supports", "unknown key 'stimulus' in \"supports\""}),
    [](const ::testing::TestParamInfo<Hostile>& i) {
      std::string n = i.param.mode;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

TEST(ModelsTest, AModelSpecThatIsNoneIsAnErrorNamingIt) {
  std::unique_ptr<CallModel> m;
  Status st = make_model("python", 5, &m);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_NE(st.message().find("expected builtin, exec:COMMAND or plugin:PATH.so"),
            std::string::npos);
  st = make_model("plugin:/no/such/lib.so", 5, &m);
  EXPECT_NE(st.message().find("cannot load it"), std::string::npos) << st.message();
  st = make_model("exec:", 5, &m);
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
}

TEST(ModelsTest, APluginOfAnotherAbiVersionIsRefusedClearly) {
  std::unique_ptr<CallModel> m;
  Status st = make_model(std::string("plugin:") + CALLBENCH_BAD_ABI_PLUGIN, 5, &m);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find(
                "built for callbench model ABI version 99, and this callbench speaks version 1"),
            std::string::npos)
      << st.message();
  st = make_model(std::string("plugin:") + CALLBENCH_SMALL_STRUCT_PLUGIN, 5, &m);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("its function table is 8 bytes (struct_size), smaller than ABI "
                              "version 1's"),
            std::string::npos)
      << st.message();
  st = make_model(std::string("plugin:") + CALLBENCH_NO_MODEL_PLUGIN, 5, &m);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("exports no callbench_model_entry"), std::string::npos)
      << st.message();
}

// ---- the command line -------------------------------------------------------------

std::string q(const std::string& s) { return "'" + s + "'"; }
std::string tmp(const std::string& name) {
  std::string p =
      ::testing::TempDir() + "callbench_models_" + std::to_string(::getpid()) + "_" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((p + suffix).c_str());
  return p;
}

TEST(ModelsCliTest, RunAndReplayThroughThePythonExampleAndThePlugin) {
  std::string j = tmp("run.db");
  std::string files;
  for (const std::string& f : flows({"internal", "inbound"})) files += " " + f;
  auto r = testing::run_command(testing::callbench() + " run --model " + q(python_model()) +
                                " --journal " + j + files);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command(testing::callbench() + " replay " + j);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("bit-exact"), std::string::npos);
  EXPECT_NE(r.out.find("replayed on model " + python_model()), std::string::npos) << r.out;
  r = testing::run_command(testing::callbench() + " sql " + j +
                           " \"SELECT count(*) FROM sessions\"");
  EXPECT_NE(r.out.find("6"), std::string::npos) << r.out;
  // The plugin the same way.
  std::string pj = tmp("plugin.db");
  r = testing::run_command(testing::callbench() + " run --model plugin:" + CALLBENCH_ENGINE_PLUGIN +
                           " --journal " + pj + " " + testing::source_path("corpus/flows/acd.scn"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command(testing::callbench() + " replay " + pj);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replayed on model plugin:"), std::string::npos) << r.out;
}

// replay --model: a session replays on the model named instead of its recorded one. A
// session recorded by the engine replays bit-exact on the engine as a plugin, and on the
// Python example with its fault diverges where the fault is, the report naming the model;
// a session recorded through a relative exec: command replays from elsewhere with the
// command given again.
TEST(ModelsCliTest, ReplayOnAnotherModelThanTheRecordedOne) {
  std::string j = tmp("instead.db");
  std::string f = testing::source_path("corpus/flows/internal_3.scn");
  auto r = testing::run_command(testing::callbench() + " run --journal " + j + " " + f + " " +
                                testing::source_path("corpus/flows/acd.scn"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command(testing::callbench() + " replay " + j +
                           " --model plugin:" + CALLBENCH_ENGINE_PLUGIN);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("replayed on model plugin:"), std::string::npos) << r.out;
  r = testing::run_command(testing::callbench() + " replay " + j + " --session 1 --model " +
                           q(python_model(true)));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the model "), std::string::npos) << r.err;  // not "the engine"
  EXPECT_EQ(r.err.find("the engine "), std::string::npos) << r.err;
  // Recorded through a relative command in the source folder, replayed from /tmp.
  std::string rel = tmp("relative.db");
  r = testing::run_command("cd " + testing::source_path("") + " && " + testing::callbench() +
                           " run --model 'exec:python3 examples/models/python/callmodel.py' "
                           "--journal " +
                           rel + " corpus/flows/internal_2.scn");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command("cd /tmp && " + testing::callbench() + " replay " + rel);
  EXPECT_NE(r.exit_code, 0) << r.out;
  r = testing::run_command("cd /tmp && " + testing::callbench() + " replay " + rel + " --model " +
                           q(python_model()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("bit-exact"), std::string::npos) << r.out;
  // A spec that is none is a usage error.
  r = testing::run_command(testing::callbench() + " replay " + j + " --model python");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("expected builtin, exec:COMMAND or plugin:PATH.so"), std::string::npos)
      << r.err;
}

// A command that does not exist: the shell's exit status says so.
TEST(ModelsCliTest, AModelCommandThatDoesNotExistSaysItsExitStatus) {
  auto r = testing::run_command(testing::callbench() + " run --model 'exec:/no/such/model' " +
                                testing::source_path("corpus/flows/internal.scn"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("exited with status 127"), std::string::npos) << r.err;
}

TEST(ModelsCliTest, ReplayCatchesAModelThatIsNotDeterministic) {
  std::string j = tmp("random.db");
  auto r = testing::run_command(testing::callbench() + " run --model " +
                                q("exec:" + hostile("random")) + " --journal " + j + " " +
                                testing::source_path("corpus/flows/internal.scn"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command(testing::callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("diverges at event seq 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ConnID"), std::string::npos) << r.err;
}

TEST(ModelsCliTest, AFailingModelLeavesAnIncompleteRecordingThatReplays) {
  std::string j = tmp("crash.db");
  std::string f = testing::source_path("corpus/flows/internal_3.scn");
  auto r = testing::run_command(testing::callbench() + " run --format jsonl --model " +
                                q("exec:" + hostile("crash")) + " --journal " + j + " " + f);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f + ": model exec:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("request 2 {\"request\":\"release\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exited with status 3"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"request\":\"make-call\""), std::string::npos)
      << r.out;  // what was answered
  EXPECT_EQ(r.out.find("\"request\":\"release\""), std::string::npos) << r.out;
  r = testing::run_command(testing::callbench() + " sql " + j +
                           " \"SELECT status, request_count FROM sessions\"");
  EXPECT_NE(r.out.find("incomplete"), std::string::npos) << r.out;
  r = testing::run_command(testing::callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("incomplete recording"), std::string::npos) << r.out;
}

TEST(ModelsCliTest, RunRefusesAScenarioOutsideWhatTheModelSupports) {
  std::string f = testing::source_path("corpus/flows/routing.scn");
  auto r =
      testing::run_command(testing::callbench() + " run --model " + q(python_model()) + " " + f);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(f + ": outside what model " + python_model() +
                       " (python-example) supports: DN 9001 is a "
                       "routing-point"),
            std::string::npos)
      << r.err;
  r = testing::run_command(testing::callbench() + " run --model python " + f);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--model"), std::string::npos) << r.err;
}

TEST(ModelsCliTest, CompareBuiltinReportsTheFirstDifference) {
  std::string f = testing::source_path("corpus/flows/internal_3.scn");
  auto r = testing::run_command(testing::callbench() + " run --model " + q(python_model(true)) +
                                " --compare builtin " + f);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("session differs from the builtin engine at request 2 (release 7001 c1)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("expected (builtin): EventAbandoned"), std::string::npos) << r.err;
  r = testing::run_command(testing::callbench() + " run --model " + q(python_model()) +
                           " --compare builtin " + f);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = testing::run_command(testing::callbench() + " run --compare python " + f);
  EXPECT_EQ(r.exit_code, 2);
}

// ---- campaigns through a model ----------------------------------------------------

std::vector<Session> seeds() {
  std::vector<Session> out;
  for (const std::string& f : flows({""})) out.push_back(normalize_program(load(f)));
  return out;
}

struct ModelGuard {
  ~ModelGuard() { set_fuzz_model(nullptr, false); }
};

TEST(ModelCampaignTest, ACampaignThroughExecFindsMinimizesAndReplaysThePythonFault) {
  auto m = made(python_model(true));
  ASSERT_TRUE(m);
  ModelGuard guard;
  set_fuzz_model(m.get(), false);
  LoopOptions o;
  o.seed = testing::test_seed(3);
  o.max_executions = 20000;
  o.seeds = seeds();
  LoopResult r = run_loop(o, [](const Verdict&) { return true; });
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.verdict.violations[0].rule, "hangup-clears") << r.verdict.violations[0].message;
  EXPECT_EQ(m->supports().check(r.program), "");  // generated inside what it supports
  std::string dir = tmp("findings");
  std::filesystem::remove_all(dir);
  FindingReport report;
  Status st = write_finding(r.program, r.verdict, dir, &report);
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_TRUE(report.reproduced);
  EXPECT_LE(report.minimized_stimuli, 3u);
  auto cli = testing::run_command(testing::callbench() + " replay " + report.journal_path);
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("replayed on model " + python_model(true)), std::string::npos) << cli.out;
  std::filesystem::remove_all(dir);
}

TEST(ModelCampaignTest, ACampaignWithCompareFindsADifferenceFromTheEngine) {
  auto m = made(python_model(true));
  ASSERT_TRUE(m);
  ModelGuard guard;
  set_fuzz_model(m.get(), true);
  LoopOptions o;
  o.seed = testing::test_seed(4);
  o.max_executions = 20000;
  o.seeds = seeds();
  LoopResult r = run_loop(o, [](const Verdict&) { return true; });
  ASSERT_TRUE(r.found);
  const Violation& first = r.verdict.violations[0];
  EXPECT_EQ(first.identity(), "differs-from-engine/EventAbandoned/missing") << first.message;
  std::string dir = tmp("diff_findings");
  std::filesystem::remove_all(dir);
  FindingReport report;
  Status st = write_finding(r.program, r.verdict, dir, &report);
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(report.identity, "differs-from-engine/EventAbandoned/missing");
  EXPECT_TRUE(report.reproduced);
  EXPECT_LE(report.minimized_stimuli, 3u);
  std::filesystem::remove_all(dir);
}

TEST(ModelCampaignTest, TheCleanPythonExampleShowsNoDifferenceInABoundedCampaign) {
  auto m = made(python_model());
  ASSERT_TRUE(m);
  ModelGuard guard;
  set_fuzz_model(m.get(), true);
  LoopOptions o;
  o.seed = testing::test_seed(5);
  o.max_executions = 3000;
  o.seeds = seeds();
  LoopResult r = run_loop(o, [](const Verdict&) { return true; });
  EXPECT_FALSE(r.found) << r.verdict.violations[0].identity() << "\n"
                        << r.verdict.violations[0].message << "\n"
                        << print_scenario(r.program);
}

TEST(ModelCampaignTest, AModelThatCrashesIsAFindingOfItsOwnKind) {
  auto m = made("exec:" + hostile("crash", 3), 1.0);
  ASSERT_TRUE(m);
  ModelGuard guard;
  set_fuzz_model(m.get(), false);
  LoopOptions o;
  o.seed = 1;
  o.max_executions = 200;
  o.seeds = seeds();
  LoopResult r = run_loop(o, [](const Verdict&) { return true; });
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.verdict.violations[0].identity(), "model-failed/missing/exit")
      << r.verdict.violations[0].message;
}

}  // namespace
}  // namespace callbench
