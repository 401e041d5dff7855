// callbench check over JSON-lines streams, as a user runs it: the same report and exit
// codes as for the journal, standard input, streams with parts left out, and bad lines
// named file:line with exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"

namespace callbench {
namespace {

using testing::callbench;
using testing::run_command;
using testing::source_path;

std::string temp_dir() {
  std::string dir = ::testing::TempDir() + "check_test_" + std::to_string(::getpid()) + "/";
  std::filesystem::create_directories(dir);
  return dir;
}

std::vector<std::string> flow_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("corpus/flows"))) {
    if (entry.path().extension() == ".scn") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The stream `run --format jsonl` prints for a flow, with lines that `keep` rejects left out.
template <typename Keep>
std::string flow_stream(const std::string& flow, Keep keep) {
  auto r = run_command(callbench() + " run --format jsonl " +
                       source_path("corpus/flows/" + flow + ".scn"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string out, line;
  while (std::getline(in, line)) {
    if (keep(line)) out += line + "\n";
  }
  return out;
}

std::string flow_stream(const std::string& flow) {
  return flow_stream(flow, [](const std::string&) { return true; });
}

// Each report line without its head ("session 3 'acd'" or "acd.jsonl 'acd'").
std::vector<std::string> bodies(const std::string& report) {
  std::vector<std::string> out;
  std::istringstream in(report);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t colon = line.find("': ");
    out.push_back(line[0] == ' ' || colon == std::string::npos ? line : line.substr(colon));
  }
  return out;
}

TEST(CheckCommandTest, JudgesEveryFlowsStreamAsItsJournalSession) {
  std::string dir = temp_dir();
  std::string scns, streams;
  for (const std::string& flow : flow_names()) {
    scns += " " + source_path("corpus/flows/" + flow + ".scn");
    streams += " " + write_file(dir + flow + ".jsonl", flow_stream(flow));
  }
  std::string j = dir + "flows.db";
  std::filesystem::remove(j);
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + scns).exit_code, 0);
  auto journal = run_command(callbench() + " check " + j);
  auto jsonl = run_command(callbench() + " check" + streams);
  ASSERT_EQ(journal.exit_code, 0) << journal.out << journal.err;
  EXPECT_EQ(jsonl.exit_code, 0) << jsonl.out << jsonl.err;
  EXPECT_EQ(bodies(jsonl.out), bodies(journal.out));
  EXPECT_EQ(bodies(jsonl.out).size(), flow_names().size());
  EXPECT_EQ(jsonl.out.rfind(dir + "acd.jsonl 'acd': conforms: c1 follows 'Internal/Inbound Call to "
                                  "ACD' (normal flow)\n",
                            0),
            0u)
      << jsonl.out;
}

TEST(CheckCommandTest, JudgesJournalsAndStreamsTogetherAndReadsStandardInput) {
  std::string dir = temp_dir();
  std::string stream = write_file(dir + "park.jsonl", flow_stream("park"));
  std::string j = dir + "acd.db";
  std::filesystem::remove(j);
  ASSERT_EQ(
      run_command(callbench() + " run --journal " + j + " " + source_path("corpus/flows/acd.scn"))
          .exit_code,
      0);
  auto both = run_command(callbench() + " check " + stream + " " + j);
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(both.out.rfind(stream + " 'park': conforms", 0), 0u) << both.out;
  EXPECT_NE(both.out.find("\nsession 1 'acd': conforms"), std::string::npos) << both.out;
  auto in = run_command(callbench() + " check - < " + stream);
  EXPECT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(in.out.rfind("<stdin> 'park': conforms", 0), 0u) << in.out;
}

TEST(CheckCommandTest, AStreamThatBreaksTheFlowsExitsOne) {
  // The queue's EventAbandoned left out: the caller hung up, the queue still holds the call.
  std::string path =
      write_file(temp_dir() + "broken.jsonl", flow_stream("acd_1", [](const std::string& line) {
                   return line.find("EventAbandoned") == std::string::npos;
                 }));
  auto r = run_command(callbench() + " check " + path);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find(path + " 'acd_1': "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  hangup-clears at request 2: call c1 was hung up, but 8001 (acd-queue) "
                       "is left queued"),
            std::string::npos)
      << r.out;
}

TEST(CheckCommandTest, WithoutTheSessionLineEveryFlowStillConforms) {
  std::string dir = temp_dir();
  std::string streams;
  for (const std::string& flow : flow_names()) {
    streams += " " + write_file(dir + flow + ".nosession.jsonl",
                                flow_stream(flow, [](const std::string& line) {
                                  return line.rfind("{\"session\"", 0) != 0;
                                }));
  }
  auto r = run_command(callbench() + " check" + streams);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(bodies(r.out).size(), flow_names().size());
  EXPECT_NE(
      r.out.find(dir + "acd.nosession.jsonl: conforms: c1 follows 'Internal/Inbound Call to ACD'"),
      std::string::npos)
      << r.out;
}

// As a real T-Server's stream: events and client requests, no switch stimuli, no seq.
// The oracle's verdict on such streams is its own business; check judges them and
// names them, without an input error or a crash.
TEST(CheckCommandTest, ObservedStreamsAreJudged) {
  std::string dir = temp_dir();
  for (const std::string& flow : flow_names()) {
    SCOPED_TRACE(flow);
    std::string events_only =
        write_file(dir + flow + ".events.jsonl", flow_stream(flow, [](const std::string& line) {
                     return line.rfind("{\"event\"", 0) == 0;
                   }));
    auto r = run_command(callbench() + " check " + events_only);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
    EXPECT_EQ(r.out.rfind(events_only + ": ", 0), 0u) << r.out;
  }
}

TEST(CheckCommandTest, BadLinesExitTwoNamingFileAndLine) {
  std::string dir = temp_dir();
  std::string stream = flow_stream("acd");
  std::string garbled = stream;
  std::size_t third = garbled.find('\n', garbled.find('\n') + 1) + 1;  // line 3
  garbled.insert(third, "{\"event\": oops}\n");
  std::string path = write_file(dir + "garbled.jsonl", garbled);
  auto r = run_command(callbench() + " check " + path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(path + ":3: malformed JSON"), std::string::npos) << r.err;

  std::string unknown = write_file(
      dir + "unknown.jsonl", stream + "{\"event\":\"EventTeleported\",\"ThisDN\":\"7001\"}\n");
  r = run_command(callbench() + " check " + unknown);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(unknown + ":11: unknown event \"EventTeleported\""), std::string::npos)
      << r.err;

  r = run_command("printf '{\"event\":\"EventRinging\"}\\n' | " + callbench() + " check -");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("<stdin>:1: EventRinging without ThisDN"), std::string::npos) << r.err;

  std::string binary = write_file(dir + "binary.jsonl", std::string("\x00\xff\x01{", 4));
  r = run_command(callbench() + " check " + binary);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(binary + ":1: a NUL byte at column 1"), std::string::npos) << r.err;
}

// A directory is bad input (exit 2 naming it), as for run and replay, not "read failed"
// with exit 3: fopen() opens a directory, so it reached the stream reader.
TEST(CheckCommandTest, ADirectoryIsBadInputNamingIt) {
  std::string dir = temp_dir() + "a_directory";
  std::filesystem::create_directories(dir);
  auto r = run_command(callbench() + " check " + dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(dir + ": is a directory"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  // Given after a good stream too: nothing judged is printed as if all were fine.
  std::string good = write_file(temp_dir() + "good.jsonl", flow_stream("hold_outbound"));
  r = run_command(callbench() + " check " + good + " " + dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(dir + ": is a directory"), std::string::npos) << r.err;
}

TEST(CheckCommandTest, HelpDescribesStreams) {
  auto r = run_command(callbench() + " check --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"JSON-lines", "standard input", "FILE:LINE", "--session"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
}

}  // namespace
}  // namespace callbench
