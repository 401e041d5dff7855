// The program form and its bytes: the documented layout, round trips of random programs
// and of every documented flow (as syzkaller's TestSerializeDeserializeRandom), lenient
// decoding of any bytes, and normalization of sessions that do not fit a program.
#include "fuzz/program.h"

#include <gtest/gtest.h>

#include "core/player.h"
#include "fuzz/mutator.h"
#include "tests/fuzz/fuzz_test_util.h"
#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::corpus_files;
using testing::load_or_fail;
using testing::parse_text;

std::string dump(const std::vector<uint8_t>& bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x ", b);
    out += buf;
  }
  return out;
}

Session decoded(const std::vector<uint8_t>& bytes) {
  Session s;
  EXPECT_TRUE(decode_program(bytes.data(), bytes.size(), &s)) << dump(bytes);
  return s;
}

TEST(ProgramTest, BytesFollowTheDocumentedLayout) {
  Session p =
      normalize_program(parse_text("seed 258\n"
                                   "dn 7001 extension\ndn 7002 extension\n"
                                   "option dial-info off\noption network-reached simulated\n"
                                   "c1 = make-call 7001 7002\n"
                                   "remote-busy c1 SitInvalidNum\n"
                                   "remote-busy c1\n"
                                   "c2 = inbound 7002 7001\n"
                                   "step c2\n")
                            .session);
  std::vector<uint8_t> want = {
      0xCB, 2, 0,  0,              // magic, two DNs, both extensions
      0x21,                        // options 0 (dial-info) and 5 (network-reached)
      2,    1, 0,  0, 0, 0, 0, 0,  // seed 258, little-endian
      0,    0, 1,                  // make-call 7001 7002
      12,   0, 12,                 // remote-busy c1 SitInvalidNum (CallState 11 + 1)
      12,   0, 0,                  // remote-busy c1, no reason
      6,    1, 0,                  // inbound 7002 7001: creates c2
      16,   1,                     // step c2
  };
  EXPECT_EQ(dump(encode_program(p)), dump(want));
  EXPECT_EQ(decoded(want), p);
}

TEST(ProgramTest, NamesDeriveFromKindAndIndex) {
  Session p;
  for (DnKind k :
       {DnKind::kExtension, DnKind::kAcdQueue, DnKind::kExtension, DnKind::kRoutingPoint,
        DnKind::kRoutingQueue, DnKind::kExternal, DnKind::kRemoteExtension, DnKind::kExternal}) {
    p.config.topology.dns.push_back({"", k});
  }
  p.stimuli = {{StimulusKind::kMakeCall, false, CallState::kOk, 0, 2, 0, 1},
               {StimulusKind::kAnswerCall, false, CallState::kOk, 2, kNoDn, 0, 2},
               {StimulusKind::kInbound, false, CallState::kOk, 5, 1, 1, 0}};
  p.config.call_names = {"a", "b"};
  p = normalize_program(p);
  std::vector<std::string> names;
  for (const Dn& dn : p.config.topology.dns) names.push_back(dn.name);
  EXPECT_EQ(names, (std::vector<std::string>{"7001", "8001", "7002", "9001", "9101", "5550100",
                                             "6001", "5550101"}));
  EXPECT_EQ(p.config.call_names, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(p.stimuli[0].reference_id, 1u);
  EXPECT_EQ(p.stimuli[1].reference_id, 2u);
  EXPECT_EQ(p.stimuli[2].reference_id, 0u);
  EXPECT_EQ(check_program(p), "");
}

TEST(ProgramTest, RandomProgramsRoundTrip) {
  Rng rng(testing::test_seed(0x9e0c7a11));
  for (int i = 0; i < 2000; ++i) {
    Session p = random_program(rng);
    for (uint32_t m = rng.below(20); m > 0; --m) mutate_program(&p, rng);
    ASSERT_EQ(check_program(p), "") << print_scenario(p);
    std::vector<uint8_t> bytes = encode_program(p);
    ASSERT_LE(bytes.size(), kMaxProgramBytes);
    ASSERT_EQ(decoded(bytes), p) << print_scenario(p);
  }
}

// Every documented flow converts to a program with the same DN kinds, options, seed and
// stimuli, which round-trips through bytes and through its .scn, and plays into the
// same events as the flow.
TEST(ProgramTest, EveryFlowConvertsToAProgramThatRoundTrips) {
  std::vector<std::string> flows = corpus_files("corpus/flows", ".scn");
  ASSERT_FALSE(flows.empty());
  for (const std::string& path : flows) {
    SCOPED_TRACE(path);
    Session flow = load_or_fail(path).session;
    Session p = normalize_program(flow);
    ASSERT_EQ(check_program(p), "");
    ASSERT_EQ(p.stimuli.size(), flow.stimuli.size());
    ASSERT_EQ(p.config.topology.dns.size(), flow.config.topology.dns.size());
    for (std::size_t i = 0; i < p.config.topology.dns.size(); ++i) {
      EXPECT_EQ(p.config.topology.dns[i].kind, flow.config.topology.dns[i].kind);
    }
    EXPECT_EQ(p.config.profile, flow.config.profile);
    EXPECT_EQ(p.config.seed, flow.config.seed);
    EXPECT_EQ(decoded(encode_program(p)), p);
    EXPECT_EQ(normalize_program(p), p);
    Scenario back = testing::parse_text(print_scenario(p));
    EXPECT_EQ(back.session, p) << print_scenario(p);
    EXPECT_EQ(play(p).events, play(flow).events);
  }
}

// A recorded session (a journal's) converts to the same program as its scenario.
TEST(ProgramTest, JournalSessionsConvertToPrograms) {
  std::string path = testing::temp_journal("j");
  auto journal = testing::open_journal(path, Journal::Mode::kWrite);
  ASSERT_TRUE(journal);
  int64_t id = testing::record_file(journal.get(), "corpus/flows/multi_acd_2.scn");
  LoadedSession loaded;
  Status st = journal->load_session(id, &loaded);
  ASSERT_TRUE(st.is_ok()) << st.message();
  Session p = normalize_program(loaded.session);
  EXPECT_EQ(check_program(p), "");
  EXPECT_EQ(p, normalize_program(
                   load_or_fail(testing::source_path("corpus/flows/multi_acd_2.scn")).session));
}

TEST(ProgramTest, DecodingAnyBytesGivesAValidProgramOrFalse) {
  testing::TestRng rng(testing::test_seed(0xdec0de));
  int decoded_count = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> bytes(rng.below(400));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.next());
    if (!bytes.empty() && rng.below(4) != 0) bytes[0] = kProgramMagic;
    Session p;
    if (!decode_program(bytes.data(), bytes.size(), &p)) continue;
    ++decoded_count;
    ASSERT_EQ(validate_session(p), "") << dump(bytes);
    ASSERT_EQ(check_program(p), "") << dump(bytes);
    ASSERT_EQ(decoded(encode_program(p)), p) << dump(bytes);
  }
  EXPECT_GT(decoded_count, 10000);
}

TEST(ProgramTest, DecodingReducesOutOfRangeValues) {
  std::vector<uint8_t> bytes = {
      0xCB,   17,                      // 17 DNs: (17 - 1) % 16 + 1 = 1
      6 + 1,                           // kind 7 % 6: acd-queue
      0xFF,                            // every option bit: bit 7 is ignored
      1,      0,  0,   0, 0, 0, 0, 0,  // seed 1
      2,      5,  5,                   // release 7001 c?: no call yet, skipped
      18 + 6, 9,  200,                 // kind 24 % 18: inbound, DNs 9 % 1, 200 % 1
      2,      0,  7,                   // release 8001 c(7 % 1)
      12,     3,  200,                 // remote-busy c1, reason 200 % 35 = 25: CallState 24
      0,      0,                       // make-call cut short: dropped
  };
  Session p = decoded(bytes);
  EXPECT_EQ(check_program(p), "");
  ASSERT_EQ(p.config.topology.dns.size(), 1u);
  EXPECT_EQ(p.config.topology.dns[0].kind, DnKind::kAcdQueue);
  EXPECT_EQ(profile_option_value(p.config.profile, 6), 1);
  ASSERT_EQ(p.stimuli.size(), 3u);
  EXPECT_EQ(p.stimuli[0].kind, StimulusKind::kInbound);
  EXPECT_EQ(p.stimuli[1].kind, StimulusKind::kReleaseCall);
  EXPECT_EQ(p.stimuli[1].call, 0);
  EXPECT_TRUE(p.stimuli[2].has_call_state);
  EXPECT_EQ(p.stimuli[2].call_state, CallState::kConsult);
}

TEST(ProgramTest, DecodingFindsNothingWithoutMagicOrDns) {
  Session p;
  const std::vector<std::vector<uint8_t>> nothing = {
      {}, {0xCB}, {0xCB, 3}, {0xCB, 0, 1, 2}, {0x00, 1, 0}, {'d', 'n', ' '}};
  for (const auto& bytes : nothing)
    EXPECT_FALSE(decode_program(bytes.data(), bytes.size(), &p)) << dump(bytes);
  // The topology alone is a program: options and seed read as zero when missing.
  std::vector<uint8_t> topology_only = {0xCB, 3, 0, 1};
  p = decoded(topology_only);
  EXPECT_EQ(p.config.topology.dns.size(), 2u);
  EXPECT_EQ(p.config.seed, 0u);
  EXPECT_TRUE(p.stimuli.empty());
}

TEST(ProgramTest, DecodingStopsAtTheStimulusLimit) {
  std::vector<uint8_t> bytes(12 + 100, static_cast<uint8_t>(StimulusKind::kPause));
  const uint8_t header[12] = {0xCB, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  std::copy(std::begin(header), std::end(header), bytes.begin());
  EXPECT_EQ(decoded(bytes).stimuli.size(), limits::kMaxProgramStimuli);
}

// Past the program limits, normalization keeps the DNs the stimuli name and every call
// reference valid.
TEST(ProgramTest, NormalizingABigSessionKeepsReferencesValid) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "dn " + std::to_string(7001 + i) + " extension\n";
  // The stimuli name DNs 18, 19, 0, 1, then 2..15: the first 16 named stay (0..13, 18,
  // 19), so the calls to 7015 and 7016 (c15, c16) go, and with them every use of c15.
  text += "c1 = make-call 7019 7020\n";
  text += "c2 = make-call 7001 7002\n";
  for (int i = 0; i < 14; ++i) {
    text += "c" + std::to_string(3 + i) + " = make-call 7003 " + std::to_string(7003 + i) + "\n";
  }
  text += "answer 7003 c15\n";
  text += "answer 7017 c1\n";                               // 7017 is not kept
  for (int i = 0; i < 60; ++i) text += "answer 7020 c1\n";  // past the stimulus limit
  Session big = parse_text(text).session;
  ASSERT_EQ(validate_session(big), "");
  Session p = normalize_program(big);
  ASSERT_EQ(check_program(p), "");
  EXPECT_EQ(p.config.topology.dns.size(), limits::kMaxProgramDns);
  EXPECT_EQ(p.stimuli.size(), limits::kMaxProgramStimuli);
  EXPECT_EQ(p.config.call_names.size(), 14u);
  EXPECT_EQ(p.stimuli[0].dn, 14);  // 7019 follows the 14 DNs 7001..7014
  EXPECT_EQ(p.stimuli[14].kind, StimulusKind::kAnswerCall);
  EXPECT_EQ(p.stimuli[14].call, 0);
}

TEST(ProgramTest, NormalizingASessionWithoutDnsGivesOneExtension) {
  Session s = parse_text("pause\nresume\n").session;
  Session p = normalize_program(s);
  EXPECT_EQ(check_program(p), "");
  ASSERT_EQ(p.config.topology.dns.size(), 1u);
  EXPECT_EQ(p.config.topology.dns[0].kind, DnKind::kExtension);
  EXPECT_EQ(p.stimuli, s.stimuli);
}

TEST(ProgramTest, NormalizingResetsReferenceIdsAndDropsUncreatedCallNames) {
  Session s =
      parse_text("dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002 ref=9\n").session;
  s.config.call_names.push_back("never");
  Session p = normalize_program(s);
  EXPECT_EQ(check_program(p), "");
  EXPECT_EQ(p.stimuli[0].reference_id, 1u);
  EXPECT_EQ(p.config.call_names, (std::vector<std::string>{"c1"}));
}

TEST(ProgramTest, CheckProgramNamesWhatIsNotAProgram) {
  Session p = testing::flow_programs().front();
  EXPECT_EQ(check_program(p), "");
  Session renamed = p;
  renamed.config.topology.dns[0].name = "x";
  EXPECT_NE(check_program(renamed), "");
  Session empty = p;
  empty.config.topology.dns.clear();
  empty.stimuli.clear();
  empty.config.call_names.clear();
  EXPECT_NE(check_program(empty), "");
}

}  // namespace
}  // namespace callbench
