// The campaign report (fuzz/report.h): parameters and seed, charts over time, the flow
// coverage grid with never-reached cells marked, and each finding with its ladder.
#include "fuzz/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "replay/record.h"
#include "storage/journal.h"
#include "tests/render/sample_report.h"
#include "tests/test_util.h"

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
      "#120: cov: 812 ft: 900 corp: 31 exec/s 0 oom/timeout/crash: 0/0/0 time: 1s job: 1 dft_time: "
      "0\n"
      "#2\tINITED cov: 3 ft: 3 corp: 1/1b exec/s: 0 rss: 29Mb\n"
      "#90000: cov: 1024 ft: 2000 corp: 77 exec/s 45000 oom/timeout/crash: 0/0/1 time: 3s job: 4 "
      "dft_time: 0\n");
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
  EXPECT_EQ(count(html, "<td class=\"cell never\"") + count(html, "<td class=\"cell\" style="),
            cells);
  ASSERT_EQ(r.findings.size(), 1u);
  const ReportFinding& f = r.findings[0];
  EXPECT_NE(html.find("<section class=\"finding\""), std::string::npos);
  EXPECT_NE(html.find(f.replay), std::string::npos);
  EXPECT_NE(html.find("<pre>" + f.scenario.substr(0, 20)), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"arrow event violation\""), 1u)
      << "the finding's ladder marks the offending event";
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

TEST(ReportTest, WriteCampaignReportGathersTheLogAndEachFindingsSession) {
  std::string dir = ::testing::TempDir() + "report_test_" + std::to_string(::getpid());
  std::string log = dir + "-libfuzzer.log", db = dir + "-finding.db", scn = dir + "-finding.scn",
              out = dir + "-report.html";
  for (const std::string& p : {log, db, scn, out}) std::remove(p.c_str());
  {
    std::ofstream l(log);
    l << "#100: cov: 10 ft: 10 corp: 3 exec/s 0 oom/timeout/crash: 0/0/0 time: 1s job: 1 dft_time: "
         "0\n"
         "#5000: cov: 20 ft: 30 corp: 9 exec/s 0 oom/timeout/crash: 0/0/0 time: 3s job: 2 "
         "dft_time: 0\n";
    std::ofstream f(scn);
    f << "# callbench finding x/EventRinging/none\nseed 1\n";
  }
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 8001 acd-queue\ndn 7002 extension\n"
      "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n");
  {
    std::unique_ptr<Journal> j;
    ASSERT_TRUE(Journal::open(db, Journal::Mode::kWrite, &j).is_ok());
    Recorded rec;
    ASSERT_TRUE(
        record_session(j.get(), sc.session, "finding", "2026-01-01T00:00:00Z", {}, &rec).is_ok());
  }
  CampaignOptions o;
  o.seed = 42;
  o.jobs = 2;
  CampaignResult r;
  r.executions = 5000;
  r.flow_counts = {{"acd normal", 4}, {"acd *", 0}, {"undocumented", 1}};
  CampaignFinding f;
  f.identity = "x/EventRinging/none";
  f.rule = "x";
  f.count = 2;
  f.scn = scn;
  f.journal = db;
  f.replay = "callbench replay " + db;
  r.findings.push_back(f);
  ASSERT_TRUE(write_campaign_report(o, r, log, out).is_ok());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string html = ss.str();
  EXPECT_NE(html.find("<td>seed</td><td>42</td>"), std::string::npos);
  EXPECT_EQ(count(html, "<polyline"), 2u) << "two samples make a point of each chart";
  EXPECT_EQ(count(html, "<td class=\"cell never\""), 1u);
  EXPECT_NE(html.find("# callbench finding x/EventRinging/none"), std::string::npos)
      << "the scenario is shown";
  EXPECT_EQ(count(html, "<g class=\"arrow event"), 4u)
      << "the finding's session is drawn: " << html;
  EXPECT_FALSE(write_campaign_report(o, r, log, "/nonexistent-dir/report.html").is_ok());
  for (const std::string& p : {log, db, scn, out}) std::remove(p.c_str());
}

}  // namespace
}  // namespace callbench
