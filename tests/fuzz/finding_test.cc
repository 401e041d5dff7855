// Findings recorded during a campaign (fuzz/finding.h): the first input of each identity
// kept once across several fuzzing processes, every hit counted.
#include "fuzz/finding.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/oracle.h"

namespace callbench {
namespace {

namespace fs = std::filesystem;

Verdict verdict_of(const std::string& rule, const std::string& state) {
  Verdict v;
  Violation x;
  x.rule = rule;
  x.has_event = true;
  x.first_event = EventType::kRinging;
  x.state = state;
  x.message = "test";
  v.violations.push_back(x);
  return v;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(FindingKeyTest, IsTheSlugAndAStableHashOfTheIdentity) {
  EXPECT_EQ(finding_key("one-connid/EventRinging/ringing"),
            finding_key("one-connid/EventRinging/ringing"));
  EXPECT_EQ(
      finding_key("one-connid/EventRinging/ringing").rfind("one-connid-EventRinging-ringing-", 0),
      0u);
  EXPECT_EQ(finding_key("a/b/c").size(), std::string("a-b-c-").size() + 8);
  // Identities that slug alike still get their own files.
  EXPECT_NE(finding_key("a/b/c"), finding_key("a-b/c"));
}

// Four processes (as libFuzzer's fork-mode jobs) hit the same identity many times, each
// with its own input: exactly one of those inputs is kept, whole, and every hit counts.
TEST(FindingRecorderTest, KeepsOneFirstInputPerIdentityAcrossProcessesAndCountsEveryHit) {
  fs::path dir = fs::path(::testing::TempDir()) / ("findings_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ::setenv("CALLBENCH_FINDINGS_DIR", dir.c_str(), 1);
  const int kProcesses = 4, kHits = 1000;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::vector<uint8_t> input(200, static_cast<uint8_t>('a' + p));
      Verdict often = verdict_of("one-connid", "ringing"),
              once = verdict_of("party-order", "talking");
      for (int i = 0; i < kHits; ++i) record_finding(input.data(), input.size(), often);
      if (p == 0) record_finding(input.data(), input.size(), once);
      flush_finding_hits();
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ::unsetenv("CALLBENCH_FINDINGS_DIR");

  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".input") inputs.push_back(e.path());
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos)
        << "a temporary file was left: " << e.path();
  }
  ASSERT_EQ(inputs.size(), 2u);
  std::string often_key = finding_key("one-connid/EventRinging/ringing");
  std::string kept = read_all(dir / (often_key + ".input"));
  ASSERT_EQ(kept.size(), 200u);
  EXPECT_EQ(kept, std::string(200, kept[0])) << "one process's input, whole";
  EXPECT_EQ(read_all(dir / (finding_key("party-order/EventRinging/talking") + ".input")),
            std::string(200, 'a'));

  std::map<std::string, uint64_t> hits;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir / "hits")) {
    ++files;
    std::istringstream in(read_all(e.path()));
    uint64_t n;
    std::string key, identity;
    while (in >> n >> key >> identity) hits[identity] += n;
  }
  EXPECT_EQ(files, kProcesses);
  EXPECT_EQ(hits["one-connid/EventRinging/ringing"], static_cast<uint64_t>(kProcesses * kHits));
  EXPECT_EQ(hits["party-order/EventRinging/talking"], 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace callbench
