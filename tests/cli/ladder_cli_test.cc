// The ladder formats on the command line: run/show --format svg|html and check --html,
// their exit statuses, and the same bytes from two processes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"

namespace callbench {
namespace {

using testing::callbench;
using testing::run_command;
using testing::source_path;

std::string temp_path(const std::string& name) {
  std::string path = ::testing::TempDir() + "ladder_cli_" + std::to_string(::getpid()) + "_" + name;
  std::remove(path.c_str());
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LadderCliTest, RunDrawsASessionAsSvgAndHtmlTheSameInTwoProcesses) {
  std::string flow = source_path("corpus/flows/acd_3.scn");
  auto svg = run_command(callbench() + " run --format svg " + flow);
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_EQ(
      svg.out.rfind(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
          0),
      0u);
  EXPECT_EQ(run_command(callbench() + " run --format svg " + flow).out, svg.out);
  auto html = run_command(callbench() + " run --format html " + flow);
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_EQ(html.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.out.find(svg.out.substr(svg.out.find("<svg"))), std::string::npos)
      << "the page embeds the same SVG";
}

TEST(LadderCliTest, RunSvgDrawsOneSessionHtmlSeveral) {
  std::string a = source_path("corpus/flows/acd.scn"), b = source_path("corpus/flows/internal.scn");
  auto svg = run_command(callbench() + " run --format svg " + a + " " + b);
  EXPECT_EQ(svg.exit_code, 2);
  EXPECT_NE(svg.err.find("--format svg draws one session"), std::string::npos) << svg.err;
  EXPECT_TRUE(svg.out.empty());
  auto html = run_command(callbench() + " run --format html " + a + " " + b);
  ASSERT_EQ(html.exit_code, 0) << html.err;
  std::size_t ladders = 0;
  for (std::size_t at = html.out.find("<svg xmlns"); at != std::string::npos;
       at = html.out.find("<svg xmlns", at + 1))
    ++ladders;
  EXPECT_EQ(ladders, 2u);
}

TEST(LadderCliTest, ShowDrawsARecordedSession) {
  std::string journal = temp_path("show.db");
  auto rec = run_command(callbench() + " run " + source_path("corpus/flows/multi_acd_2.scn") +
                         " --journal " + journal);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto svg = run_command(callbench() + " show " + journal + " --format svg");
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_NE(svg.out.find("session 1 &#39;multi_acd_2&#39;"), std::string::npos);
  EXPECT_NE(svg.out.find("Internal/Inbound Call Queued to Multiple ACDs"), std::string::npos);
  auto html = run_command(callbench() + " show " + journal + " --format html");
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<h3>Scenario</h3>"), std::string::npos);
}

TEST(LadderCliTest, CheckHtmlWritesThePageAndKeepsTheExitStatus) {
  std::string journal = temp_path("check.db"), page = temp_path("check.html");
  auto rec = run_command(callbench() + " run " + source_path("corpus/flows/routing_2.scn") + " " +
                         source_path("corpus/flows/park.scn") + " --journal " + journal);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto r = run_command(callbench() + " check " + journal + " --html " + page);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("conforms"), std::string::npos) << "the text report is still printed";
  std::string html = slurp(page);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("session 1 &#39;routing_2&#39;"), std::string::npos);
  EXPECT_NE(html.find("session 2 &#39;park&#39;"), std::string::npos);
  auto bad = run_command(callbench() + " check " + journal + " --html /nonexistent-dir/x.html");
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("/nonexistent-dir/x.html"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace callbench
