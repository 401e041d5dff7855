// The .scn parser: every error path names file:line:column and what was expected; the
// printer round-trips.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/names.h"
#include "core/scenario.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

struct BadCase {
  const char* name;
  std::string text;
  const char* where;    // "file:line:column"
  const char* message;  // a substring of the message
};

const std::string kTopo = "dn 7001 extension\ndn 7002 extension\n";

std::vector<BadCase> bad_cases() {
  return {
      {"UnknownStatement", "frobnicate 1 2\n", "t.scn:1:1", "expected a statement"},
      {"UnknownVerbAfterName", "c1 = frob 7001 7002\n", "t.scn:1:6", "expected a stimulus verb"},
      {"NothingAfterEquals", "c1 =\n", "t.scn:1:5", "expected a stimulus verb after '='"},
      {"DnWithoutName", "dn\n", "t.scn:1:3", "expected a DN name"},
      {"DnBadName", "dn 70=01 extension\n", "t.scn:1:4", "expected a DN name"},
      {"DnNameTooLong", "dn " + std::string(33, '7') + " extension\n", "t.scn:1:4",
       "expected a DN name"},
      {"DnWithoutKind", "dn 7001\n", "t.scn:1:8", "expected a DN kind"},
      {"DnBadKind", "dn 7001 phone\n", "t.scn:1:9", "expected a DN kind"},
      {"DnTrailing", "dn 7001 extension x\n", "t.scn:1:19", "unexpected 'x'"},
      {"DnTwice", "dn 7001 extension\ndn 7001 acd-queue\n", "t.scn:2:4", "already declared"},
      {"OptionWithoutName", "option\n", "t.scn:1:7", "expected an option name"},
      {"OptionUnknown", "option colour blue\n", "t.scn:1:8", "unknown option 'colour'"},
      {"OptionWithoutValue", "option dial-info\n", "t.scn:1:17", "expected a value for dial-info"},
      {"OptionBadValue", "option dial-info maybe\n", "t.scn:1:18", "expected on or off"},
      {"OptionTrailing", "option dial-info on off\n", "t.scn:1:21", "unexpected 'off'"},
      {"SeedMissing", "seed\n", "t.scn:1:5", "expected a seed"},
      {"SeedBad", "seed -4\n", "t.scn:1:6", "expected a seed"},
      {"SeedOverflow", "seed 18446744073709551616\n", "t.scn:1:6", "expected a seed"},
      {"SeedTrailing", "seed 4 5\n", "t.scn:1:8", "unexpected '5'"},
      {"TopologyAfterStimulus", kTopo + "c1 = make-call 7001 7002\ndn 7003 extension\n",
       "t.scn:4:1", "topology (dn, option, seed) comes before the first stimulus"},
      {"CreatorWithoutName", kTopo + "make-call 7001 7002\n", "t.scn:3:1",
       "make-call creates a call"},
      {"NameOnNonCreator", kTopo + "c1 = make-call 7001 7002\nc2 = answer 7002 c1\n", "t.scn:4:1",
       "answer does not create a call"},
      {"BadCallName", kTopo + "1c = make-call 7001 7002\n", "t.scn:3:1", "expected a call name"},
      // The limit is stated where a call name is refused (it used to say only
      // "expected a call name").
      {"CallNameTooLong", kTopo + std::string(33, 'c') + " = make-call 7001 7002\n", "t.scn:3:1",
       "expected a call name (1 to 32 characters: a letter or _, then letters, digits or _"},
      {"CallArgumentTooLong",
       kTopo + "c1 = make-call 7001 7002\nanswer 7002 " + std::string(33, 'c') + "\n", "t.scn:4:13",
       "expected a call name (1 to 32 characters"},
      {"CallNamedLikeAKeyword", kTopo + "expect = make-call 7001 7002\n", "t.scn:3:1",
       "'expect' lists the events"},
      // A second seed or option line is an error, as a second dn is (it used to win
      // silently).
      {"SeedTwice", "seed 1\nseed 2\n", "t.scn:2:1", "the seed is already given on line 1"},
      {"OptionTwice", "option dial-info off\n" + kTopo + "option dial-info on\n", "t.scn:4:8",
       "option dial-info is already set on line 1"},
      {"CallTwice", kTopo + "c1 = make-call 7001 7002\nc1 = make-call 7002 7001\n", "t.scn:4:1",
       "call c1 is already defined"},
      {"MissingDn", kTopo + "c1 = make-call 7001\n", "t.scn:3:20", "expected a DN"},
      {"MissingCall", kTopo + "answer 7002\n", "t.scn:3:12", "expected a call name"},
      {"UnknownCall", kTopo + "answer 7002 c9\n", "t.scn:3:13", "unknown call c9"},
      {"UndeclaredDn", kTopo + "c1 = make-call 7001 7002\nanswer 7009 c1\n", "t.scn:4:8",
       "unknown DN 7009"},
      {"UndeclaredCaller", kTopo + "c1 = make-call 7009 7002\n", "t.scn:3:16", "unknown DN 7009"},
      {"BadDnArgument", kTopo + "c1 = make-call 7001 70=2\n", "t.scn:3:21", "expected a DN"},
      {"TrailingArgument", kTopo + "c1 = make-call 7001 7002 7003\n", "t.scn:3:26",
       "unexpected '7003'"},
      {"RefOnSwitchStimulus", kTopo + "c1 = inbound 555 7002 ref=3\n", "t.scn:3:23",
       "unexpected 'ref=3'"},
      {"RefZero", kTopo + "c1 = make-call 7001 7002 ref=0\n", "t.scn:3:30",
       "expected a ReferenceID"},
      {"RefTooBig", kTopo + "c1 = make-call 7001 7002 ref=2147483648\n", "t.scn:3:30",
       "expected a ReferenceID"},
      {"RefNotNumber", kTopo + "c1 = make-call 7001 7002 ref=x\n", "t.scn:3:30",
       "expected a ReferenceID"},
      {"BadReason", kTopo + "c1 = make-call 7001 555\nremote-busy c1 Grumpy\n", "t.scn:4:16",
       "expected a CallState"},
      {"ExpectFirst", kTopo + "expect 7001 EventDialing\n", "t.scn:3:1", "there is none yet"},
      {"ExpectNoDn", kTopo + "c1 = make-call 7001 7002\nexpect\n", "t.scn:4:7", "expected the DN"},
      {"ExpectUnknownDn", kTopo + "c1 = make-call 7001 7002\nexpect 7009 EventDialing\n",
       "t.scn:4:8", "unknown DN 7009"},
      {"ExpectNoEvent", kTopo + "c1 = make-call 7001 7002\nexpect 7001\n", "t.scn:4:12",
       "expected an event name"},
      {"ExpectBadEvent", kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventNope\n", "t.scn:4:13",
       "expected an event name"},
      {"ExpectNotPair", kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing ThisDN\n",
       "t.scn:4:26", "expected Attribute=value"},
      {"ExpectBadAttr", kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing Colour=red\n",
       "t.scn:4:26", "unknown attribute 'Colour'"},
      {"ExpectAttrTwice",
       kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing ThisDN=7001 ThisDN=7001\n",
       "t.scn:4:38", "listed twice"},
      {"ExpectBadRole",
       kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing ThisDNRole=Boss\n", "t.scn:4:37",
       "expected a DN role"},
      {"ExpectBadState",
       kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing CallState=Meh\n", "t.scn:4:36",
       "expected a CallState"},
      {"ExpectBadConn", kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing ConnID=zz\n",
       "t.scn:4:33", "unknown call zz"},
      {"ExpectBadRef", kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventDialing ReferenceID=0\n",
       "t.scn:4:38", "expected a ReferenceID"},
      {"ExpectBadErrorCode",
       kTopo + "c1 = make-call 7001 7002\nexpect 7001 EventError ErrorCode=x\n", "t.scn:4:34",
       "expected an error code"},
      {"ControlCharacter", "dn 7001\x01 extension\n", "t.scn:1:8", "unexpected character 0x01"},
      {"NonAsciiOutsideComment", "dn 70\xc3\xa9 extension\n", "t.scn:1:6",
       "unexpected character 0xc3"},
      {"LineTooLong", "# " + std::string(600, 'x') + "\n", "t.scn:1:513",
       "line is longer than 512"},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ParserErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParserErrorTest, NamesFileLineColumnAndWhatWasExpected) {
  const BadCase& c = GetParam();
  Scenario sc;
  Status st = parse_scenario(c.text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), Status::Code::kInvalid);
  EXPECT_EQ(st.message().rfind(std::string(c.where) + ": ", 0), 0u) << st.message();
  EXPECT_NE(st.message().find(c.message), std::string::npos) << st.message();
  EXPECT_TRUE(sc.session.stimuli.empty()) << "a failed parse leaves no half-built scenario";
}

INSTANTIATE_TEST_SUITE_P(EveryErrorPath, ParserErrorTest, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(ParserTest, TooManyStatements) {
  std::string text = kTopo;
  for (std::size_t i = 0; i <= limits::kMaxStatements; ++i) text += "pause\n";
  Scenario sc;
  Status st = parse_scenario(text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("t.scn:4099:1: more than 4096 statements"), std::string::npos)
      << st.message();
}

// A scenario at the statement limit, with no seed line and implicitly declared external
// DNs: its printed form declares both, and must still parse back into the same session
// (it used to come back with 4,097 statements and be refused).
TEST(ParserTest, AScenarioAtTheLimitPrintsAScenarioThatParsesBack) {
  std::string text = "dn 7001 extension\n";
  std::size_t n = 0;
  for (std::size_t i = 0; n < limits::kMaxStatements; ++i) {
    text +=
        "c" + std::to_string(i) + " = make-call 7001 " + std::to_string(5550000 + i % 200) + "\n";
    ++n;
    for (const char* s : {"release 7001 c", "pause"}) {
      if (n == limits::kMaxStatements) break;
      text += std::string(s) + (s[0] == 'r' ? std::to_string(i) : "") + "\n";
      ++n;
    }
    if (i == 250) break;  // kMaxCalls
  }
  while (n < limits::kMaxStatements) {
    text += "pause\n";
    ++n;
  }
  Scenario first;
  ASSERT_TRUE(parse_scenario(text, "t.scn", &first).is_ok());
  ASSERT_EQ(first.session.stimuli.size(), limits::kMaxStatements);
  std::string printed = print_scenario(first.session);
  Scenario second;
  Status st = parse_scenario(printed, "printed.scn", &second);
  ASSERT_TRUE(st.is_ok()) << st.message();
  EXPECT_TRUE(second.session == first.session);
}

// Every decoder validates sessions with validate_session: a ReferenceID the parser
// would refuse (past 2^31-1) is invalid there too, so `show --format scn` never prints a
// ref=N that does not parse back.
TEST(NamesTest, AReferenceIdTheParserRefusesIsInvalidEverywhere) {
  Scenario sc;
  ASSERT_TRUE(
      parse_scenario(kTopo + "c1 = make-call 7001 7002 ref=2147483647\n", "t.scn", &sc).is_ok());
  EXPECT_EQ(validate_session(sc.session), "");
  sc.session.stimuli[0].reference_id = 2147483648u;
  EXPECT_NE(validate_session(sc.session).find("ReferenceID 2147483648 is above 2147483647"),
            std::string::npos);
}

TEST(NamesTest, OneDefinitionOfValidNames) {
  EXPECT_TRUE(valid_dn_name("7001"));
  EXPECT_TRUE(valid_dn_name("A_1+*.-"));
  EXPECT_FALSE(valid_dn_name("70 01"));
  EXPECT_FALSE(valid_dn_name("70#1")) << "# starts a comment: the parser could never read it back";
  EXPECT_FALSE(valid_dn_name(std::string(33, '7')));
  EXPECT_TRUE(valid_call_name("c_1"));
  EXPECT_FALSE(valid_call_name("dn"));
  EXPECT_FALSE(valid_call_name("1c"));
  EXPECT_TRUE(valid_label("routing_2"));
  EXPECT_TRUE(valid_label("caf\xc3\xa9 bug 4711"));
  EXPECT_FALSE(valid_label(""));
  EXPECT_FALSE(valid_label("x\noption dial-info off #"));
  EXPECT_FALSE(valid_label("\x1b[31mred"));
  EXPECT_FALSE(
      valid_label("\xc2\x9b"
                  "31m"))
      << "C1 CSI";
  EXPECT_FALSE(valid_label(std::string(450, 'x')));
  EXPECT_EQ(printable("x\noption\x1b[2J\\"), "x\\noption\\x1b[2J\\\\");
  EXPECT_EQ(printable(std::string(450, 'x'), 10), std::string(10, 'x') + "...");
}

TEST(ParserTest, TooManyDns) {
  std::string text;
  for (std::size_t i = 0; i <= limits::kMaxDns; ++i)
    text += "dn " + std::to_string(1000 + i) + " extension\n";
  Scenario sc;
  Status st = parse_scenario(text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("t.scn:257:4: more than 256 DNs"), std::string::npos) << st.message();
}

TEST(ParserTest, TooManyImplicitExternalDns) {
  std::string text = "dn 7001 extension\n";
  for (std::size_t i = 0; i < limits::kMaxDns; ++i) {
    text += "c" + std::to_string(i) + " = make-call 7001 " + std::to_string(5550000 + i) + "\n";
  }
  Scenario sc;
  Status st = parse_scenario(text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("more than 256 DNs"), std::string::npos) << st.message();
}

TEST(ParserTest, TooManyCalls) {
  std::string text = kTopo;
  for (std::size_t i = 0; i <= limits::kMaxCalls; ++i)
    text += "c" + std::to_string(i) + " = make-call 7001 7002\n";
  Scenario sc;
  Status st = parse_scenario(text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("t.scn:259:1: more than 256 calls"), std::string::npos)
      << st.message();
}

TEST(ParserTest, FileTooLarge) {
  std::string text(limits::kMaxScenarioBytes + 1, '\n');
  Scenario sc;
  Status st = parse_scenario(text, "t.scn", &sc);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("larger than"), std::string::npos);
}

TEST(ParserTest, MissingFileIsNotFound) {
  Scenario sc;
  Status st = load_scenario("/nonexistent/x.scn", &sc);
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_NE(st.message().find("/nonexistent/x.scn: cannot open"), std::string::npos);
}

TEST(ParserTest, ReadsTheIssueExamplesAsWritten) {
  Scenario sc = testing::parse_text(
      "dn 7001 extension            # DN kinds\n"
      "dn 7002 extension\ndn 7003 extension\ndn 7004 extension\n"
      "dn 8001 acd-queue\ndn 8002 acd-queue\ndn 9001 routing-point\n"
      "option dial-info on\n"
      "c1 = make-call 7001 7002     # TMakeCall\n"
      "answer 7002 c1\nrelease 7001 c1\nhold 7001 c1\nretrieve 7001 c1\n"
      "route 9001 c1 7003\n"
      "c2 = inbound 5550100 8001\n"
      "queue c1 8002\ndivert 8001 c1 7004\npark c1 7002\npickup 7002 c1\n"
      "remote-answer c1\nremote-busy c1 SitInvalidNum\nremote-busy c1\nremote-release c1\n"
      "route-timeout 9001 c1 7003\npause\nstep c1\nresume\n");
  ASSERT_EQ(sc.session.stimuli.size(), 19u);
  const Session& s = sc.session;
  EXPECT_EQ(s.config.topology.dns.size(), 8u);  // 5550100 is declared implicitly
  EXPECT_EQ(s.config.topology.dns[7].kind, DnKind::kExternal);
  EXPECT_EQ(s.stimuli[0].kind, StimulusKind::kMakeCall);
  EXPECT_EQ(s.stimuli[0].reference_id, 1u);
  EXPECT_EQ(s.stimuli[5].reference_id, 6u);  // route: the sixth client request
  EXPECT_EQ(s.stimuli[6].kind, StimulusKind::kInbound);
  EXPECT_EQ(s.stimuli[6].reference_id, 0u);
  EXPECT_EQ(s.stimuli[6].call, 1u);
  EXPECT_TRUE(s.stimuli[12].has_call_state);
  EXPECT_EQ(s.stimuli[12].call_state, CallState::kSitInvalidNum);
  EXPECT_FALSE(s.stimuli[13].has_call_state);
  EXPECT_EQ(sc.stimulus_lines[0], 9);
  EXPECT_TRUE(validate_session(s).empty()) << validate_session(s);
}

TEST(ParserTest, ExplicitReferenceIdsAndSpellings) {
  Scenario sc =
      testing::parse_text(kTopo +
                          "c1 = make-call 7001 7002 ref=88\r\nanswer 7002 c1\n"
                          "\t# just a comment\n"
                          "expect 7002 EventEstablished CallState=ok ReferenceID=2 OtherDN=-\n");
  ASSERT_EQ(sc.session.stimuli.size(), 2u);
  EXPECT_EQ(sc.session.stimuli[0].reference_id, 88u);
  EXPECT_EQ(sc.session.stimuli[1].reference_id, 2u);  // by position, not after 88
  ASSERT_EQ(sc.expectations.size(), 1u);
  EXPECT_EQ(sc.expectations[0].stimulus, 1u);
  EXPECT_EQ(sc.expectations[0].values.call_state, CallState::kOk);
  EXPECT_EQ(sc.expectations[0].absent, 1u << static_cast<int>(Attr::kOtherDn));
}

TEST(ParserTest, SeedAndOptions) {
  Scenario sc = testing::parse_text("seed 0x10\noption network-reached simulated\n" + kTopo);
  EXPECT_TRUE(sc.seed_given);
  EXPECT_EQ(sc.session.config.seed, 16u);
  EXPECT_EQ(sc.session.config.profile.network_reached, SwitchProfile::NetworkReached::kSimulated);
}

// print(parse(text)) parses back to the same session, for every corpus file.
TEST(PrinterTest, RoundTripsEveryCorpusFile) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    Scenario sc;
    ASSERT_TRUE(load_scenario(entry.path().string(), &sc).is_ok());
    std::string printed = print_scenario(sc.session);
    Scenario again;
    Status st = parse_scenario(printed, "printed.scn", &again);
    ASSERT_TRUE(st.is_ok()) << st.message() << "\n" << printed;
    EXPECT_EQ(again.session, sc.session) << entry.path();
    EXPECT_EQ(print_scenario(again.session), printed);
    ++files;
  }
  EXPECT_GT(files, 30);
}

// Random sessions (any topology, options and stimuli the model allows) round-trip.
TEST(PrinterTest, RoundTripsRandomSessions) {
  testing::TestRng rng(testing::test_seed(7));
  for (int round = 0; round < 300; ++round) {
    Session s;
    s.config.seed = rng.next();
    int ndns = 1 + static_cast<int>(rng.below(6));
    for (int i = 0; i < ndns; ++i) {
      s.config.topology.dns.push_back(
          {"d" + std::to_string(i), static_cast<DnKind>(rng.below(kDnKindCount))});
    }
    for (int i = 0; i < kProfileOptionCount; ++i) {
      const ProfileOption& o = profile_options()[i];
      ASSERT_TRUE(set_profile_option(&s.config.profile, o.name, o.values[rng.below(2)]));
    }
    uint32_t requests = 0;
    int nstim = static_cast<int>(rng.below(20));
    for (int i = 0; i < nstim; ++i) {
      Stimulus st;
      st.kind = static_cast<StimulusKind>(rng.below(kStimulusKindCount));
      const StimulusShape& shape = shape_of(st.kind);
      if (!shape.creates_call && shape.has_call && s.config.call_names.empty()) continue;
      if (shape.has_dn) st.dn = static_cast<DnId>(rng.below(static_cast<uint32_t>(ndns)));
      if (shape.has_dn2) st.dn2 = static_cast<DnId>(rng.below(static_cast<uint32_t>(ndns)));
      if (shape.creates_call) {
        st.call = static_cast<CallId>(s.config.call_names.size());
        s.config.call_names.push_back("k" + std::to_string(st.call));
      } else if (shape.has_call) {
        st.call = static_cast<CallId>(rng.below(static_cast<uint32_t>(s.config.call_names.size())));
      }
      if (shape.client_request) st.reference_id = rng.below(2) ? ++requests : 1 + rng.below(1000);
      if (shape.has_reason && rng.below(2)) {
        st.has_call_state = true;
        st.call_state = CallState::kSitVacant;
      }
      s.stimuli.push_back(st);
    }
    ASSERT_TRUE(validate_session(s).empty()) << validate_session(s);
    std::string printed = print_scenario(s);
    Scenario back;
    Status st = parse_scenario(printed, "random.scn", &back);
    ASSERT_TRUE(st.is_ok()) << st.message() << "\n" << printed;
    EXPECT_EQ(back.session, s) << printed;
  }
}

}  // namespace
}  // namespace callbench
