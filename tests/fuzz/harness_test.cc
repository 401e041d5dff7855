// The fuzz targets' bodies on the corpora and on garbage: every documented flow runs
// through run_orderings, every corpus scenario through run_scenario_parser (printing
// and parsing back), and real, damaged and random journal bytes through
// run_journal_reader; and the seed corpus is every flow as a program.
#include "fuzz/harness.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "fuzz/program.h"
#include "fuzz/seeds.h"
#include "tests/fuzz/fuzz_test_util.h"
#include "tests/journal_util.h"

namespace callbench {
namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

int run_text(int (*target)(const uint8_t*, std::size_t), const std::string& text) {
  return target(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

TEST(HarnessTest, OrderingsRunsEveryDocumentedFlow) {
  std::vector<Session> flows = testing::flow_programs();
  ASSERT_FALSE(flows.empty());
  // Twice, so the engine is both rebuilt (a new topology) and reused (the same again).
  for (int round = 0; round < 2; ++round) {
    for (const Session& p : flows) {
      std::vector<uint8_t> bytes = encode_program(p);
      EXPECT_EQ(run_orderings(bytes.data(), bytes.size()), 0);
      EXPECT_EQ(run_orderings(bytes.data(), bytes.size()), 0);
    }
  }
}

TEST(HarnessTest, OrderingsIgnoresBytesWithoutAProgram) {
  EXPECT_EQ(run_orderings(nullptr, 0), 0);
  EXPECT_EQ(run_text(run_orderings, "dn 7001 extension\n"), 0);
}

TEST(HarnessTest, ScenarioParserRoundTripsEveryCorpusScenario) {
  std::vector<std::string> files = testing::corpus_files("corpus/flows", ".scn");
  for (const std::string& f : testing::corpus_files("corpus/parser", "")) files.push_back(f);
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::vector<uint8_t> bytes = read_bytes(path);
    EXPECT_EQ(run_scenario_parser(bytes.data(), bytes.size()), 0);
  }
}

TEST(HarnessTest, ScenarioParserTakesGarbage) {
  testing::TestRng rng(testing::test_seed(53));
  const char* words[] = {
      "dn",        "7001",   "extension", "acd-queue",   "c1",           "=",
      "make-call", "answer", "ref=3",     "expect",      "EventRinging", "ThisDN=7001",
      "#",         "\n",     "\t",        "seed",        "0x10",         "option",
      "dial-info", "off",    "Busy",      "remote-busy", "\r\n",         "\x01",
      "c2"};
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (uint32_t n = rng.below(40); n > 0; --n) {
      text += words[rng.below(static_cast<uint32_t>(std::size(words)))];
      text += rng.below(3) ? " " : "";
    }
    ASSERT_EQ(run_text(run_scenario_parser, text), 0) << text;
  }
}

TEST(HarnessTest, JournalReaderReadsARealJournalAndDamagedCopies) {
  std::string path = testing::temp_journal("real");
  {
    auto journal = testing::open_journal(path, Journal::Mode::kWrite);
    ASSERT_TRUE(journal);
    testing::record_file(journal.get(), "corpus/flows/routing_2.scn");
    testing::record_file(journal.get(), "corpus/flows/multi_acd.scn");
  }
  std::vector<uint8_t> bytes = read_bytes(path);
  ASSERT_GT(bytes.size(), 4096u);
  EXPECT_EQ(run_journal_reader(bytes.data(), bytes.size()), 0);
  testing::TestRng rng(testing::test_seed(59));
  for (int i = 0; i < 30; ++i) {
    std::vector<uint8_t> damaged = bytes;
    if (i % 2) {
      damaged.resize(rng.below(static_cast<uint32_t>(bytes.size())));
    } else {
      for (int k = 0; k < 8; ++k)
        damaged[rng.below(static_cast<uint32_t>(damaged.size()))] ^=
            static_cast<uint8_t>(1u << rng.below(8));
    }
    EXPECT_EQ(run_journal_reader(damaged.data(), damaged.size()), 0);
  }
}

TEST(HarnessTest, JournalReaderTakesPayloadsAndRandomBytes) {
  Session s = testing::load_or_fail(testing::source_path("corpus/flows/routing_2.scn")).session;
  Played played = play(s);
  SessionCodec codec(s.config);
  std::vector<Payload> payloads = {encode_header(s.config)};
  for (const Event& e : played.events) {
    payloads.emplace_back();
    codec.encode_event(e, &payloads.back());
  }
  for (std::size_t i = 0; i < s.stimuli.size(); ++i) {
    payloads.emplace_back();
    codec.encode_request(s.stimuli[i], static_cast<uint32_t>(i + 1), played.outcomes[i],
                         &payloads.back());
  }
  for (const Payload& p : payloads) EXPECT_EQ(run_journal_reader(p.data(), p.size()), 0);
  testing::TestRng rng(testing::test_seed(61));
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> bytes(rng.below(2) ? rng.below(64) * 8 : rng.below(5000));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.next());
    if (i % 3 == 0 && !bytes.empty()) {  // a payload with a flipped byte
      bytes = payloads[rng.below(static_cast<uint32_t>(payloads.size()))];
      bytes[rng.below(static_cast<uint32_t>(bytes.size()))] ^= 0x40;
    }
    EXPECT_EQ(run_journal_reader(bytes.data(), bytes.size()), 0);
  }
  EXPECT_EQ(run_journal_reader(nullptr, 0), 0);
}

// corpus/fuzz.dict, fuzz_scenario_parser's dictionary, holds the whole vocabulary of the
// scenario language as the model names it.
TEST(FuzzDictTest, HoldsTheScenarioVocabulary) {
  std::set<std::string> values;
  std::ifstream in(testing::source_path("corpus/fuzz.dict"));
  ASSERT_TRUE(in);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t open = line.find('"');
    ASSERT_NE(open, std::string::npos) << line;
    ASSERT_EQ(line.back(), '"') << line;
    values.insert(line.substr(open + 1, line.size() - open - 2));
  }
  std::vector<std::string> want = {"dn ", "option ", "seed ", "expect ", "ref=", "#", " = ", "=-"};
  for (int i = 0; i < kStimulusKindCount; ++i)
    want.push_back(stimulus_verb(static_cast<StimulusKind>(i)));
  for (int i = 0; i < kDnKindCount; ++i) want.push_back(dn_kind_name(static_cast<DnKind>(i)));
  for (int i = 0; i < kProfileOptionCount; ++i) {
    want.push_back(profile_options()[i].name);
    want.push_back(profile_options()[i].values[0]);
    want.push_back(profile_options()[i].values[1]);
  }
  for (int i = 0; i < 256; ++i) {
    if (is_event_type(i)) want.push_back(event_name(static_cast<EventType>(i)));
    if (is_call_state(i)) want.push_back(call_state_name(static_cast<CallState>(i)));
    if (is_dn_role(i)) want.push_back(dn_role_name(static_cast<DnRole>(i)));
  }
  for (int i = 0; i < kAttrCount; ++i)
    want.push_back(std::string(attr_name(static_cast<Attr>(i))) + "=");
  for (const std::string& w : want)
    EXPECT_TRUE(values.count(w)) << "corpus/fuzz.dict lacks \"" << w << "\"";
}

TEST(SeedsTest, WritesEveryFlowAsAProgram) {
  std::string dir = ::testing::TempDir() + "callbench_seeds_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::size_t written = 0;
  Status st = write_seed_corpus(testing::source_path("corpus/flows"), dir, &written);
  ASSERT_TRUE(st.is_ok()) << st.message();
  std::vector<std::string> flows = testing::corpus_files("corpus/flows", ".scn");
  ASSERT_EQ(written, flows.size());
  for (const std::string& flow : flows) {
    std::string stem = std::filesystem::path(flow).stem().string();
    std::vector<uint8_t> bytes = read_bytes(dir + "/" + stem);
    Session p;
    ASSERT_TRUE(decode_program(bytes.data(), bytes.size(), &p)) << stem;
    EXPECT_EQ(p, normalize_program(testing::load_or_fail(flow).session)) << stem;
  }
  std::filesystem::remove_all(dir);
}

TEST(SeedsTest, AMissingFlowsFolderIsAnError) {
  std::size_t written = 7;
  Status st = write_seed_corpus("/nonexistent/flows", ::testing::TempDir() + "unused", &written);
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(written, 0u);
}

}  // namespace
}  // namespace callbench
