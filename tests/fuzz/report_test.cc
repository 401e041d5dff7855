// The campaign report (fuzz/report.h): parameters and seed, charts over time, the flow
// coverage grid with never-reached cells marked, and each finding with its ladder.
#include "fuzz/report.h"

#include <gtest/gtest.h>

#include "tests/render/sample_report.h"

namespace callbench {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportTest, ReadsLibFuzzerForkModeProgress) {
  std::vector<ReportSample> s = parse_libfuzzer_progress(
      "INFO: -fork=2: fuzzing in separate process(s)\n"
      "#120: cov: 812 ft: 900 corp: 31 exec/s 0 oom/timeout/crash: 0/0/0 time: 1s job: 1 dft_time: 0\n"
      "#2\tINITED cov: 3 ft: 3 corp: 1/1b exec/s: 0 rss: 29Mb\n"
      "#90000: cov: 1024 ft: 2000 corp: 77 exec/s 45000 oom/timeout/crash: 0/0/1 time: 3s job: 4 dft_time: 0\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].executions, 120u);
  EXPECT_EQ(s[0].coverage, 812u);
  EXPECT_EQ(s[0].corpus, 31u);
  EXPECT_EQ(s[0].seconds, 1.0);
  EXPECT_EQ(s[1].executions, 90000u);
  EXPECT_EQ(s[1].seconds, 3.0);
}

TEST(ReportTest, ShowsParametersChartsGridAndFindings) {
  CampaignReport r = testing::sample_campaign_report();
  std::string html = render_campaign_report(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<td>seed</td><td>" + std::to_string(r.seed) + "</td>"), std::string::npos);
  EXPECT_EQ(count(html, "<polyline"), 2u) << "executions/s and coverage over time";
  std::size_t zero = 0, cells = 0;
  for (const auto& [name, n] : r.flow_counts) {
    if (name == "undocumented") continue;
    ++cells;
    zero += n == 0;
  }
  ASSERT_GT(zero, 0u);
  EXPECT_EQ(count(html, "<td class=\"cell never\""), zero);
  EXPECT_EQ(count(html, "<td class=\"cell never\"") + count(html, "<td class=\"cell\" style="), cells);
  ASSERT_EQ(r.findings.size(), 1u);
  const ReportFinding& f = r.findings[0];
  EXPECT_NE(html.find("<section class=\"finding\""), std::string::npos);
  EXPECT_NE(html.find(f.replay), std::string::npos);
  EXPECT_NE(html.find("<pre>" + f.scenario.substr(0, 20)), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"arrow event violation\""), 1u) << "the finding's ladder marks the offending event";
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(ReportTest, NoFindingsAndNoSamplesStillMakeAPage) {
  CampaignReport r;
  r.target = "fuzz_scenario_parser";
  std::string html = render_campaign_report(r);
  EXPECT_NE(html.find("No findings."), std::string::npos);
  EXPECT_EQ(count(html, "not enough samples"), 2u);
  EXPECT_NE(html.find("No flow coverage for this target."), std::string::npos);
}

}  // namespace
}  // namespace callbench
