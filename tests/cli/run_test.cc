// The callbench command line, as a user runs it: exit statuses, errors on stderr,
// the two formats, and byte-identical output across processes.
#include <gtest/gtest.h>

#include <cstring>

#include "import/jsonl.h"
#include "storage/codec.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

using testing::callbench;
using testing::run_command;
using testing::source_path;

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

TEST(RunCommandTest, PlaysAFlowAsATableWithOneColumnPerParty) {
  auto r = run_command(callbench() + " run " + source_path("corpus/flows/acd.scn"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string header = r.out.substr(0, r.out.find('\n'));
  EXPECT_NE(header.find("7001"), std::string::npos);
  EXPECT_NE(header.find("8001"), std::string::npos);
  EXPECT_NE(header.find("7002"), std::string::npos);
  EXPECT_NE(r.out.find("EventDiverted"), std::string::npos);
  EXPECT_NE(r.out.find("ThirdPartyDN 7002"), std::string::npos);
}

// A session longer than one block (core/render.h, kTableBlockStimuli) is drawn as
// consecutive tables, each with the header of its own parties and its own widths,
// separated by a blank line; `show` draws the recorded session the same way.
TEST(RunCommandTest, ALongSessionIsDrawnInBlocksEachWithItsOwnParties) {
  // 64 stimuli between 7001 and 7002 (block 1), then 5 between 7003 and 7004 (block 2).
  std::string text =
      "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\n"
      "dn 7004 extension\nc1 = make-call 7001 7002\nanswer 7002 c1\n";
  for (int i = 0; i < 30; ++i) text += "hold 7001 c1\nretrieve 7001 c1\n";
  text +=
      "release 7001 c1\npause\nc2 = make-call 7003 7004\nanswer 7004 c2\n"
      "hold 7003 c2\nretrieve 7003 c2\nrelease 7003 c2\n";
  std::string scn = write_temp("blocks.scn", text);
  auto r = run_command(callbench() + " run " + scn);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> headers;
  std::size_t blank = 0;
  for (std::size_t at = 0, end; at < r.out.size(); at = end + 1) {
    end = r.out.find('\n', at);
    std::string line = r.out.substr(at, end - at);
    if (line.rfind("stimulus", 0) == 0) headers.push_back(line);
    if (line.empty()) ++blank;
  }
  ASSERT_EQ(headers.size(), 2u) << r.out;
  EXPECT_EQ(blank, 1u);
  auto has = [](const std::string& h, const char* dn) { return h.find(dn) != std::string::npos; };
  EXPECT_TRUE(has(headers[0], "7001") && has(headers[0], "7002"));
  EXPECT_FALSE(has(headers[0], "7003") || has(headers[0], "7004")) << headers[0];
  EXPECT_TRUE(has(headers[1], "7003") && has(headers[1], "7004"));
  EXPECT_FALSE(has(headers[1], "7001") || has(headers[1], "7002")) << headers[1];
  // Block 2's first row is stimulus 65, right after its header and rule.
  std::size_t second = r.out.find("\n\nstimulus");
  ASSERT_NE(second, std::string::npos);
  std::size_t rows = r.out.find('\n', r.out.find("\n===", second) + 1) + 1;
  EXPECT_EQ(r.out.compare(rows, 24, "65. c2 = make-call 7003 "), 0) << r.out.substr(second, 400);
  EXPECT_NE(r.out.find("64. pause"), std::string::npos);
  EXPECT_LT(r.out.find("64. pause"), second);

  std::string j = ::testing::TempDir() + "blocks.db";
  std::remove(j.c_str());
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + " " + scn).exit_code, 0);
  auto shown = run_command(callbench() + " show " + j);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, r.out);
}

TEST(RunCommandTest, JsonlHasOneObjectALineWithTLibKeys) {
  auto r =
      run_command(callbench() + " run --format jsonl " + source_path("corpus/flows/internal.scn"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    std::size_t end = r.out.find('\n', pos);
    lines.push_back(r.out.substr(pos, end - pos));
    pos = end + 1;
  }
  ASSERT_EQ(lines.size(), 7u);  // the session line, 2 requests, 4 events
  EXPECT_EQ(
      lines[0],
      R"({"session":{"seed":1,"label":"internal","dns":[{"dn":"7001","kind":"extension"},{"dn":"7002","kind":"extension"}],)"
      R"("options":{"dial-info":"on","third-party":"on","route-used-callstate":"on","acd-redirected":"on",)"
      R"("park-destination-busy":"on","network-reached":"reported","outbound-other-dn":"on"}}})");
  EXPECT_EQ(
      lines[1],
      R"({"request":"make-call","seq":1,"ReferenceID":1,"call":"c1","ThisDN":"7001","OtherDN":"7002"})");
  EXPECT_EQ(lines[2].rfind(
                R"({"event":"EventDialing","seq":1,"request_seq":1,"call":"c1","ConnID":")", 0),
            0u)
      << lines[2];
  EXPECT_NE(
      lines[2].find(
          R"("ThisDN":"7001","ThisDNRole":"Origination","OtherDN":"7002","OtherDNRole":"Destination","CallState":"OK","ReferenceID":1})"),
      std::string::npos)
      << lines[2];
  EXPECT_EQ(lines[4],
            R"({"request":"answer","seq":2,"ReferenceID":2,"call":"c1","ThisDN":"7002"})");
  EXPECT_NE(lines[5].find(R"("event":"EventEstablished")"), std::string::npos);
}

TEST(RunCommandTest, JsonlSessionLineCarriesTheLabelAndTheOptions) {
  std::string path = write_temp("opts.scn",
                                "seed 0x10\noption dial-info off\ndn 7001 extension\ndn 7002 "
                                "extension\nc1 = make-call 7001 7002\n");
  auto r = run_command(callbench() + " run --format jsonl --label 'bug \"4711\"' " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(R"({"session":{"seed":16,"label":"bug \"4711\"","dns":[)", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(R"("options":{"dial-info":"off","third-party":"on",)"), std::string::npos)
      << r.out;
}

TEST(RunCommandTest, ErrorEventsCarryCodeAndMessage) {
  std::string path = write_temp(
      "err.scn",
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7001 c1\n");
  auto r = run_command(callbench() + " run --format jsonl " + path);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(R"("event":"EventError","seq":3,"request_seq":2,"call":"c1")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(R"("ReferenceID":2,"ErrorCode":93,"ErrorMessage":"Destination in invalid state)"),
      std::string::npos)
      << r.out;
}

TEST(RunCommandTest, IgnoredSwitchStimuliSayWhy) {
  std::string path = write_temp(
      "ign.scn", "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\npark c1 7002\n");
  auto table = run_command(callbench() + " run " + path);
  EXPECT_NE(table.out.find("ignored: the call can be parked only"), std::string::npos) << table.out;
  auto jsonl = run_command(callbench() + " run --format jsonl " + path);
  EXPECT_NE(jsonl.out.find(R"("request":"park","seq":2,"call":"c1","ThisDN":"7002","ignored":)"),
            std::string::npos)
      << jsonl.out;
}

TEST(RunCommandTest, ParseErrorExitsTwoBeforeAnythingRuns) {
  std::string path =
      write_temp("bad.scn", "dn 7001 extension\nc1 = make-call 7001 7002\nanswer 7003 c1\n");
  auto r = run_command(callbench() + " run " + path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << "nothing runs: " << r.out;
  EXPECT_NE(r.err.find(path + ":3:8: unknown DN 7003"), std::string::npos) << r.err;
}

TEST(RunCommandTest, ParseErrorInALaterFileStopsTheEarlierOnesToo) {
  std::string bad = write_temp("bad2.scn", "oops\n");
  auto r =
      run_command(callbench() + " run " + source_path("corpus/flows/internal.scn") + " " + bad);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
}

TEST(RunCommandTest, UnmetExpectationExitsOneWithExpectedAgainstActual) {
  std::string path =
      write_temp("exp.scn",
                 "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\n"
                 "expect 7001 EventDialing ThisDN=7001\nexpect 7002 EventRinging OtherDN=7002\n");
  auto r = run_command(callbench() + " run " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("party 7002"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected: EventRinging OtherDN=7002"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("actual: EventRinging ConnID="), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("party 7001"), std::string::npos) << "only the party that differs";
}

TEST(RunCommandTest, BadOptionsExitTwo) {
  std::string flow = source_path("corpus/flows/internal.scn");
  EXPECT_EQ(run_command(callbench() + " run --seed banana " + flow).exit_code, 2);
  EXPECT_EQ(run_command(callbench() + " run --format xml " + flow).exit_code, 2);
  EXPECT_EQ(run_command(callbench() + " run").exit_code, 2);
  EXPECT_EQ(run_command(callbench() + " frobnicate").exit_code, 2);
  EXPECT_EQ(run_command(callbench() + " run /nonexistent.scn").exit_code, 2);
}

TEST(RunCommandTest, HelpDescribesEveryOption) {
  auto top = run_command(callbench() + " --help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("run"), std::string::npos);
  auto run = run_command(callbench() + " run --help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* word : {"--seed", "--format", "table", "jsonl", "FILE.scn"}) {
    EXPECT_NE(run.out.find(word), std::string::npos) << word;
  }
}

// Same input and seed give the same bytes, in this process and in two others.
TEST(DeterminismTest, SameBytesTwiceAndInTwoProcesses) {
  for (const char* flow : {"multi_acd.scn", "routing_2.scn", "park_busy.scn"}) {
    std::string path = source_path(std::string("corpus/flows/") + flow);
    Scenario sc;
    ASSERT_TRUE(load_scenario(path, &sc).is_ok());
    sc.session.config.seed = 99;
    Played a = play(sc.session), b = play(sc.session);
    std::string label = std::string(flow).substr(0, std::strlen(flow) - 4);
    std::string in_process = session_json_line(sc.session.config, label) + "\n" +
                             render_jsonl(sc.session, a.events, a.outcomes);
    EXPECT_EQ(in_process, session_json_line(sc.session.config, label) + "\n" +
                              render_jsonl(sc.session, b.events, b.outcomes));
    auto p1 = run_command(callbench() + " run --format jsonl --seed 99 " + path);
    auto p2 = run_command(callbench() + " run --format jsonl --seed 99 " + path);
    EXPECT_EQ(p1.out, in_process);
    EXPECT_EQ(p2.out, in_process);
    auto t1 = run_command(callbench() + " run --seed 99 " + path);
    auto t2 = run_command(callbench() + " run --seed 99 " + path);
    EXPECT_EQ(t1.out, t2.out);
    auto other = run_command(callbench() + " run --format jsonl --seed 100 " + path);
    EXPECT_NE(other.out, in_process) << "ConnIDs derive from the seed";
  }
}

TEST(DeterminismTest, ScenarioSeedLineIsUsedAndOverridden) {
  std::string path = write_temp(
      "seeded.scn", "seed 99\ndn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\n");
  auto from_file = run_command(callbench() + " run --format jsonl " + path);
  auto from_flag = run_command(callbench() + " run --format jsonl --seed 99 " + path);
  auto other = run_command(callbench() + " run --format jsonl --seed 0x63 " + path);
  EXPECT_EQ(from_file.out, from_flag.out);
  EXPECT_EQ(other.out, from_flag.out);  // 0x63 == 99
}

}  // namespace
}  // namespace callbench
