// The JSON-lines session line and reader: every documented flow's stream reads back
// into the very session and events that were played, and judges the same; streams
// with parts left out (the session line, the request lines, seq numbers) still read;
// bad input is an error naming file:line, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "core/oracle.h"
#include "import/jsonl.h"
#include "storage/codec.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

using json = nlohmann::json;

std::vector<std::string> flow_paths() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

// What `callbench run --format jsonl` prints for a session.
std::string stream_of(const Session& session, const Played& played, const std::string& label) {
  return session_json_line(session.config, label) + "\n" +
         render_jsonl(session, played.events, played.outcomes);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// The stream with each line passed through `edit`; a line it empties is dropped.
template <typename Edit>
std::string edited(const std::string& text, Edit edit) {
  std::string out;
  for (std::string line : split_lines(text)) {
    json j = json::parse(line);
    if (!edit(j)) continue;
    out += j.dump() + "\n";
  }
  return out;
}

// What a report says about a verdict, to compare two verdicts.
std::string summary(const Verdict& v) {
  std::string s = v.ok() ? "conforms" : "violations";
  for (const Violation& x : v.violations)
    s += "\n" + x.rule + " " + std::to_string(x.request_seq) + " " + x.message;
  for (const CallFlow& f : v.flows) s += "\nflow " + std::to_string(f.call) + " " + f.name();
  return s;
}

JsonlStream read_ok(const std::string& text) {
  JsonlStream s;
  Status st = read_jsonl_text(text, "s.jsonl", &s);
  EXPECT_TRUE(st.is_ok()) << st.message() << "\n" << text;
  return s;
}

std::string read_error(const std::string& text) {
  JsonlStream s;
  Status st = read_jsonl_text(text, "s.jsonl", &s);
  EXPECT_FALSE(st.is_ok()) << text;
  EXPECT_EQ(st.code(), Status::Code::kInvalid) << st.message();
  return st.message();
}

const char* const kAcd =
    "dn 7001 extension\ndn 8001 acd-queue\ndn 7002 extension\n"
    "c1 = make-call 7001 8001\ndivert 8001 c1 7002\nanswer 7002 c1\nrelease 7001 c1\n";

// ---- The session line ----------------------------------------------------------

TEST(SessionLineTest, NamesSeedLabelDnsAndEveryOptionWithItsValue) {
  Scenario sc = testing::parse_text(
      "seed 0xffffffffffffffff\ndn 7001 extension\ndn 9001 routing-point\n"
      "option dial-info off\noption network-reached simulated\n");
  std::string line = session_json_line(sc.session.config, "my \"label\"");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(
      line.rfind(
          R"({"session":{"seed":18446744073709551615,"label":"my \"label\"","dns":[{"dn":"7001","kind":"extension"},{"dn":"9001","kind":"routing-point"}],"options":{"dial-info":"off","third-party":"on",)",
          0),
      0u)
      << line;
  json j = json::parse(line);
  const json& options = j["session"]["options"];
  ASSERT_EQ(options.size(), static_cast<std::size_t>(kProfileOptionCount));
  for (int i = 0; i < kProfileOptionCount; ++i) {
    const ProfileOption& o = profile_options()[i];
    ASSERT_TRUE(options.contains(o.name)) << o.name;
    EXPECT_EQ(options[o.name], o.values[profile_option_value(sc.session.config.profile, i)])
        << o.name;
  }
  EXPECT_EQ(options["network-reached"], "simulated");
}

TEST(SessionLineTest, ReadsBackIntoTheSameConfig) {
  Scenario sc = testing::parse_text(
      "seed 77\ndn 7001 extension\ndn 8001 acd-queue\ndn 5550100 external\n"
      "dn 7100 remote-extension\noption third-party off\noption outbound-other-dn off\n"
      "c1 = make-call 7001 8001\n");
  JsonlStream s = read_ok(stream_of(sc.session, play(sc.session), "x"));
  EXPECT_TRUE(s.has_session_line);
  EXPECT_EQ(s.label, "x");
  EXPECT_EQ(s.session.config.topology, sc.session.config.topology);
  EXPECT_EQ(s.session.config.profile, sc.session.config.profile);
  EXPECT_EQ(s.session.config.seed, 77u);
  EXPECT_TRUE(s.session.profile_known);
}

// ---- Every documented flow -------------------------------------------------------

TEST(JsonlReaderTest, EveryFlowReadsBackAsPlayedAndJudgesTheSame) {
  std::vector<std::string> paths = flow_paths();
  ASSERT_GE(paths.size(), 40u);
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    Played played = play(sc.session);
    JsonlStream s = read_ok(stream_of(sc.session, played, stem(path)));
    EXPECT_EQ(s.label, stem(path));
    EXPECT_FALSE(s.session.observed);
    EXPECT_TRUE(s.session.profile_known);
    EXPECT_EQ(s.session, sc.session);
    EXPECT_EQ(s.events, played.events);
    Verdict want = judge(sc.session, played.events);
    EXPECT_TRUE(want.ok()) << want.report(sc.session.config);
    EXPECT_EQ(summary(judge(s.session, s.events)), summary(want));
  }
}

TEST(JsonlReaderTest, WithoutSeqAndRequestSeqAFullStreamReadsTheSame) {
  for (const std::string& path : flow_paths()) {
    SCOPED_TRACE(path);
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    Played played = play(sc.session);
    std::string text = edited(stream_of(sc.session, played, "x"), [](json& j) {
      j.erase("seq");
      j.erase("request_seq");
      return true;
    });
    ASSERT_EQ(text.find("\"seq\""), std::string::npos);
    JsonlStream s = read_ok(text);
    EXPECT_EQ(s.session, sc.session);
    EXPECT_EQ(s.events, played.events);
  }
}

// Without the session line: the profile is unknown and the kinds come from the events.
TEST(JsonlReaderTest, WithoutTheSessionLineEveryFlowIsStillJudged) {
  std::vector<std::string> not_conforming;
  for (const std::string& path : flow_paths()) {
    SCOPED_TRACE(path);
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    Played played = play(sc.session);
    std::string text = render_jsonl(sc.session, played.events, played.outcomes);
    JsonlStream s = read_ok(text);
    EXPECT_FALSE(s.has_session_line);
    EXPECT_FALSE(s.session.profile_known);
    EXPECT_FALSE(s.session.observed);
    EXPECT_EQ(s.session.config.seed, 1u);
    EXPECT_EQ(s.events.size(), played.events.size());
    // Every DN the stream names, with the kind the scenario declared, except where the
    // events cannot tell: a remote extension the network was not seen reached for reads
    // as an extension, and a DN that gets no event as external.
    for (const Dn& dn : s.session.config.topology.dns) {
      DnId was = sc.session.config.topology.find(dn.name);
      ASSERT_NE(was, kNoDn) << dn.name;
      DnKind want = sc.session.config.topology.dns[was].kind;
      if (want == DnKind::kRemoteExtension) {
        bool reached = std::any_of(played.events.begin(), played.events.end(), [&](const Event& e) {
          if (e.type != EventType::kNetworkReached) return false;
          if (e.has(Attr::kOtherDn) && e.other_dn == was) return true;
          return std::any_of(played.events.begin(), played.events.end(), [&](const Event& r) {
            return r.type == EventType::kRinging && r.call == e.call && r.this_dn == was;
          });
        });
        if (!reached) want = DnKind::kExtension;
      }
      bool gets_events = std::any_of(played.events.begin(), played.events.end(),
                                     [&](const Event& e) { return e.this_dn == was; });
      if (!gets_events) want = DnKind::kExternal;
      EXPECT_EQ(dn.kind, want) << dn.name;
    }
    Verdict v = judge(s.session, s.events);
    if (!v.ok()) not_conforming.push_back(stem(path) + ": " + v.report(s.session.config));
  }
  // Every flow conforms: with the profile unknown the oracle accepts any documented
  // alternative, one per option throughout the session (Session::profile_known).
  for (const std::string& n : not_conforming) ADD_FAILURE() << n;
}

TEST(JsonlReaderTest, InfersTheKindsOfDnsFromTheEvents) {
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 9001 routing-point\ndn 9002 routing-queue\ndn 8001 acd-queue\ndn 7002 "
      "extension\n"
      "dn 5550100 external\n"
      "c1 = make-call 7001 9001\nroute 9001 c1 8001\ndivert 8001 c1 7002\n"
      "c2 = inbound 5550100 9002\n");
  Played played = play(sc.session);
  JsonlStream s = read_ok(render_jsonl(sc.session, played.events, played.outcomes));
  const Topology& t = s.session.config.topology;
  auto kind = [&](const char* name) {
    DnId id = t.find(name);
    EXPECT_NE(id, kNoDn) << name;
    return id == kNoDn ? DnKind::kExtension : t.dns[id].kind;
  };
  EXPECT_EQ(kind("7001"), DnKind::kExtension);
  EXPECT_EQ(kind("9001"), DnKind::kRoutingPoint);
  EXPECT_EQ(kind("9002"), DnKind::kRoutingQueue);
  EXPECT_EQ(kind("8001"), DnKind::kAcdQueue);
  EXPECT_EQ(kind("7002"), DnKind::kExtension);
  EXPECT_EQ(kind("5550100"), DnKind::kExternal);
}

// A stream as seen from a real T-Server: no switch stimuli at all.
TEST(JsonlReaderTest, WithoutRequestLinesAStreamIsObservedAndJudged) {
  for (const std::string& path : flow_paths()) {
    SCOPED_TRACE(path);
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    Played played = play(sc.session);
    std::string text =
        edited(stream_of(sc.session, played, "x"), [](json& j) { return !j.contains("request"); });
    JsonlStream s = read_ok(text);
    EXPECT_TRUE(s.session.observed);
    EXPECT_TRUE(s.session.stimuli.empty());
    EXPECT_EQ(s.events.size(), played.events.size());
    for (const Event& e : s.events) EXPECT_EQ(e.request_seq, 0u);
    Verdict v = judge(s.session, s.events);  // the verdict is the oracle's business; no crash
    (void)v;
  }
}

TEST(JsonlReaderTest, ClientRequestsOnlyWithoutCallNamesTellCallsByConnId) {
  Scenario sc = testing::parse_text(kAcd);
  Played played = play(sc.session);
  std::string conn = conn_id_string(played.events[0].conn_id);
  // A client request names its call by ConnID, as T-Lib's do; TMakeCall has none yet.
  std::string text = edited(render_jsonl(sc.session, played.events, played.outcomes), [&](json& j) {
    if (j.contains("request") && (j["request"] == "divert" || j["request"] == "queue"))
      return false;
    if (j.contains("request") && j["request"] != "make-call") j["ConnID"] = conn;
    j.erase("call");
    j.erase("seq");
    j.erase("request_seq");
    return true;
  });
  JsonlStream s = read_ok(text);
  EXPECT_TRUE(s.session.observed);
  ASSERT_EQ(s.session.stimuli.size(), 3u);  // make-call, answer, release
  ASSERT_EQ(s.session.config.call_names.size(), 1u);
  // The make-call's call took its ConnID from the EventDialing that answered it.
  EXPECT_EQ(s.session.config.call_names[0], "conn_" + conn);
  for (const Stimulus& st : s.session.stimuli) EXPECT_EQ(st.call, 0);
  for (const Event& e : s.events) EXPECT_EQ(e.call, 0);
  EXPECT_EQ(s.events.back().seq, s.events.size());
  (void)judge(s.session, s.events);
}

TEST(JsonlReaderTest, KeysOutsideTheModelAreIgnored) {
  Scenario sc = testing::parse_text(kAcd);
  Played played = play(sc.session);
  std::string text = edited(stream_of(sc.session, played, "acd"), [](json& j) {
    j["AttributeTimeinSecs"] = 1700000000;
    j["UserData"] = {{"k", {1, 2, {{"deep", nullptr}}}}};
    j["ThisTrunk"] = "t1";
    return true;
  });
  JsonlStream s = read_ok(text);
  EXPECT_EQ(s.session, sc.session);
  EXPECT_EQ(s.events, played.events);
}

TEST(JsonlReaderTest, AcceptsNumbersForCallStateAndRolesAndIgnoresBlankLines) {
  std::string text =
      "\n{\"event\":\"EventRinging\",\"ConnID\":\"00000000000000ab\",\"ThisDN\":\"7002\","
      "\"ThisDNRole\":2,"
      "\"OtherDN\":7001,\"OtherDNRole\":\"origination\",\"CallState\":0}\r\n\n";
  JsonlStream s = read_ok(text);
  ASSERT_EQ(s.events.size(), 1u);
  const Event& e = s.events[0];
  EXPECT_EQ(e.seq, 1u);
  EXPECT_EQ(e.this_role, DnRole::kDestination);
  EXPECT_EQ(e.other_role, DnRole::kOrigination);
  EXPECT_EQ(s.session.config.topology.dns[e.other_dn].name, "7001");
  EXPECT_TRUE(e.has(Attr::kCallState));
  EXPECT_EQ(e.call_state, CallState::kOk);
  EXPECT_EQ(s.session.config.call_names, std::vector<std::string>{"conn_00000000000000ab"});
}

TEST(JsonlReaderTest, ErrorCodesMapToTheModelsReasons) {
  std::string text =
      R"({"event":"EventError","ThisDN":"7001","ReferenceID":3,"ErrorCode":56,"ErrorMessage":"Invalid ConnectionID: the caller released before the route completed"})"
      "\n"
      R"({"event":"EventError","ThisDN":"7001","ReferenceID":4,"ErrorCode":93})"
      "\n"
      R"({"event":"EventError","ThisDN":"7001","ReferenceID":5,"ErrorCode":999})"
      "\n";
  JsonlStream s = read_ok(text);
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[0].error, ErrorReason::kCallClearedFirst);
  EXPECT_EQ(s.events[1].error, ErrorReason::kNotRinging);
  EXPECT_EQ(s.events[2].error, ErrorReason::kNone);
  for (const Event& e : s.events) {
    EXPECT_TRUE(e.has(Attr::kErrorCode));
    EXPECT_EQ(e.call, kNoCall);  // no ConnID and no request with its ReferenceID
  }
}

// ---- Bad input -----------------------------------------------------------------------

TEST(JsonlReaderTest, BadLinesAreErrorsNamingFileAndLine) {
  const std::string ok =
      R"({"event":"EventRinging","ThisDN":"7002","ConnID":"00000000000000ab","CallState":"OK"})";
  struct Case {
    std::string line;
    std::string error;
  } cases[] = {
      {"{\"event\":", "s.jsonl:2: malformed JSON"},
      {"[1,2]", "s.jsonl:2: expected a JSON object"},
      {"{\"what\":1}", "s.jsonl:2: expected a \"session\", \"request\" or \"event\" line"},
      {R"({"event":"EventFoo","ThisDN":"7001"})", "s.jsonl:2: unknown event \"EventFoo\""},
      {R"({"event":"EventRinging","ConnID":"00000000000000ab"})",
       "s.jsonl:2: EventRinging without ThisDN"},
      {R"({"event":"EventRinging","ThisDN":"7001","CallState":"Sleepy"})",
       "s.jsonl:2: CallState: not a CallState"},
      {R"({"event":"EventRinging","ThisDN":"7001","CallState":77})",
       "s.jsonl:2: CallState: not a CallState"},
      {R"({"event":"EventRinging","ThisDN":"7001","ThisDNRole":"Boss"})",
       "s.jsonl:2: ThisDNRole: not a DNRole"},
      {R"({"event":"EventRinging","ThisDN":"7001","ConnID":"xyz"})",
       "s.jsonl:2: ConnID: expected 16 hex digits"},
      {R"({"event":"EventRinging","ThisDN":"70 01"})",
       "s.jsonl:2: ThisDN: \"70 01\" is not a DN name"},
      {R"({"event":"EventRinging","ThisDN":true})", "s.jsonl:2: ThisDN: expected a DN name"},
      {R"({"event":"EventRinging","ThisDN":"7001","seq":-1})",
       "s.jsonl:2: seq: expected a number from 1"},
      {R"({"event":"EventRinging","ThisDN":"7001","seq":1})",
       "s.jsonl:2: seq 1 does not follow the previous event's seq 1"},
      {R"({"event":"EventRinging","ThisDN":"7001","ReferenceID":1.5})",
       "s.jsonl:2: ReferenceID: expected a number"},
      {R"({"event":"EventRinging","ThisDN":"7001","call":""})",
       "s.jsonl:2: call: \"\" is not a call name"},
      {R"({"request":"make-call","ThisDN":"7001","OtherDN":"7002"})",
       "s.jsonl:2: TMakeCall needs a ReferenceID from 1"},
      {R"({"request":"answer","ReferenceID":2,"ThisDN":"7001"})", "s.jsonl:2: answer needs a call"},
      {R"({"request":"dance"})", "s.jsonl:2: unknown request \"dance\""},
      {R"({"session":{}})", "s.jsonl:2: the session line must be the stream's first line"},
  };
  for (const Case& c : cases) {
    std::string text =
        "{\"event\":\"EventDialing\",\"ThisDN\":\"7001\",\"seq\":1}\n" + c.line + "\n" + ok + "\n";
    std::string error = read_error(text);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << "line: " << c.line << "\nerror: " << error;
  }
}

TEST(JsonlReaderTest, BadSessionLinesAreErrorsNamingLineOne) {
  const std::string event = "\n{\"event\":\"EventRinging\",\"ThisDN\":\"7001\"}\n";
  struct Case {
    std::string line;
    std::string error;
  } cases[] = {
      {R"({"session":[]})", "s.jsonl:1: \"session\" must be an object"},
      {R"({"session":{"seed":-3}})", "s.jsonl:1: session seed"},
      {R"({"session":{"seed":"0xZZ"}})", "s.jsonl:1: session seed"},
      {R"({"session":{"label":5}})", "s.jsonl:1: session label"},
      {R"({"session":{"dns":[{"dn":"7001"}]}})", "s.jsonl:1: session dns: expected"},
      {R"({"session":{"dns":[{"dn":"7001","kind":"phone"}]}})",
       "s.jsonl:1: session dns: DN 7001: unknown kind"},
      {R"({"session":{"dns":[{"dn":"7001","kind":"extension"},{"dn":"7001","kind":"extension"}]}})",
       "s.jsonl:1: session dns: DN 7001 is declared twice"},
      {R"({"session":{"options":{"dial-info":"maybe"}}})",
       "s.jsonl:1: session options: unknown option or value"},
      {R"({"session":{"options":{"colour":"on"}}})",
       "s.jsonl:1: session options: unknown option or value"},
      {R"({"session":{"dns":[{"dn":"7002","kind":"extension"}]}})",
       "s.jsonl:2: ThisDN: DN 7001 is not in the session line's dns"},
  };
  for (const Case& c : cases) {
    std::string error = read_error(c.line + event);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << "line: " << c.line << "\nerror: " << error;
  }
  // A session line with options states the profile; without them it is unknown.
  EXPECT_TRUE(read_ok(R"({"session":{"seed":"0x10","options":{"dial-info":"off"}}})" + event)
                  .session.profile_known);
  EXPECT_EQ(read_ok(R"({"session":{"seed":"0x10"}})" + event).session.config.seed, 16u);
  EXPECT_FALSE(read_ok(R"({"session":{"seed":"0x10"}})" + event).session.profile_known);
}

TEST(JsonlReaderTest, AStreamWithSwitchStimuliMustCreateItsCalls) {
  std::string text = R"({"request":"divert","ThisDN":"8001","OtherDN":"7002","call":"c1"})"
                     "\n";
  std::string error = read_error(text);
  EXPECT_EQ(error.rfind("s.jsonl:1: divert: call c1 is used before a request creates it", 0), 0u)
      << error;
  EXPECT_EQ(read_error("\n \n").rfind("s.jsonl: holds no request or event line", 0), 0u);
  std::string twice = R"({"request":"inbound","ThisDN":"5550100","OtherDN":"7001","call":"c1"})"
                      "\n";
  EXPECT_EQ(read_error(twice + twice).rfind("s.jsonl:2: call c1 is created twice", 0), 0u);
}

TEST(JsonlReaderTest, LimitsAreErrorsNamingTheLine) {
  std::string long_line(limits::kMaxJsonLineLength + 1, ' ');
  EXPECT_EQ(read_error("\n" + long_line + "\n").rfind("s.jsonl:2: line longer than", 0), 0u);
  EXPECT_EQ(read_error(long_line).rfind("s.jsonl:1: line longer than", 0), 0u);
  std::string many_dns;
  for (std::size_t i = 0; i <= limits::kMaxDns; ++i) {
    many_dns += R"({"event":"EventRinging","ThisDN":"d)" + std::to_string(i) + "\"}\n";
  }
  std::string error = read_error(many_dns);
  EXPECT_EQ(
      error.rfind("s.jsonl:" + std::to_string(limits::kMaxDns + 1) + ": more than 256 DNs", 0), 0u)
      << error;
  std::string many_calls;
  for (std::size_t i = 0; i <= limits::kMaxCalls; ++i) {
    many_calls +=
        R"({"event":"EventRinging","ThisDN":"7001","call":"c)" + std::to_string(i) + "\"}\n";
  }
  error = read_error(many_calls);
  EXPECT_EQ(
      error.rfind("s.jsonl:" + std::to_string(limits::kMaxCalls + 1) + ": more than 256 calls", 0),
      0u)
      << error;
}

TEST(JsonlReaderTest, ReadsFilesAndNamesThem) {
  std::string path = ::testing::TempDir() + "reader_test.jsonl";
  Scenario sc = testing::parse_text(kAcd);
  Played played = play(sc.session);
  std::string text = stream_of(sc.session, played, "acd");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_TRUE(f);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  JsonlStream s;
  ASSERT_TRUE(read_jsonl_file(path, &s).is_ok());
  EXPECT_EQ(s.session, sc.session);
  EXPECT_EQ(s.events, played.events);
  Status st = read_jsonl_file(path + ".missing", &s);
  EXPECT_EQ(st.code(), Status::Code::kIo);
  EXPECT_NE(st.message().find(path + ".missing: cannot open"), std::string::npos) << st.message();
}

// Garbled streams: cut, flipped and shuffled lines of real streams, and random bytes.
// Each reads into a session or an error; a session read is judged. Never a crash.
TEST(JsonlReaderTest, SurvivesGarbledStreams) {
  uint64_t seed = static_cast<uint32_t>(::testing::UnitTest::GetInstance()->random_seed());
  if (const char* env = std::getenv("CALLBENCH_SEED")) seed = std::strtoull(env, nullptr, 0);
  std::printf("CALLBENCH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  std::vector<std::string> streams;
  for (const std::string& path : flow_paths()) {
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    Played played = play(sc.session);
    streams.push_back(stream_of(sc.session, played, "x"));
  }
  const char* tokens[] = {"{",          "}",          "[",           "]",
                          ",",          ":",          "\"",          "\\u0000",
                          "null",       "1e999",      "-1",          "\"EventRinging\"",
                          "\"ThisDN\"", "\"ConnID\"", "\"session\"", "\"request\"",
                          "\n",         "\xff",       "\"call\""};
  int read = 0, errors = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = streams[rng() % streams.size()];
    std::vector<std::string> lines = split_lines(text);
    switch (rng() % 5) {
      case 0:  // flip bytes
        for (int k = 0; k < 3; ++k) text[rng() % text.size()] = static_cast<char>(rng());
        break;
      case 1:  // drop and duplicate lines
        text.clear();
        for (const std::string& l : lines) {
          int r = static_cast<int>(rng() % 6);
          if (r == 0) continue;
          text += l + "\n";
          if (r == 1) text += l + "\n";
        }
        break;
      case 2:  // shuffle
        std::shuffle(lines.begin(), lines.end(), rng);
        text.clear();
        for (const std::string& l : lines) text += l + "\n";
        break;
      case 3:  // insert tokens
        for (int k = 0; k < 4; ++k)
          text.insert(rng() % text.size(), tokens[rng() % std::size(tokens)]);
        break;
      default:  // random bytes
        text.clear();
        for (int k = static_cast<int>(rng() % 200); k > 0; --k) text += static_cast<char>(rng());
    }
    JsonlStream s;
    Status st = read_jsonl_text(text, "g.jsonl", &s);
    if (!st.is_ok()) {
      ++errors;
      EXPECT_EQ(st.message().rfind("g.jsonl", 0), 0u) << st.message();
      continue;
    }
    ++read;
    ASSERT_EQ(validate_session(s.session), "");
    (void)judge(s.session, s.events);
  }
  EXPECT_GT(read, 0);
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace callbench
