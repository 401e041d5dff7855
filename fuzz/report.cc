#include "fuzz/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/ladder.h"
#include "storage/journal.h"

namespace callbench {
namespace {

constexpr std::size_t kMaxScenarioText = 64 * 1024;  // of a finding's .scn shown on the page
constexpr std::size_t kMaxLogBytes = 64 << 20;       // of libFuzzer's log read for samples
constexpr std::size_t kMaxDrawnFindings = 50;        // ladders on one page

std::string esc(std::string_view s) { return xml_escape(s); }

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The number after `key` on a line ("cov: 812" -> 812), or -1.
long long number_after(std::string_view line, std::string_view key) {
  std::size_t at = line.find(key);
  if (at == std::string_view::npos) return -1;
  at += key.size();
  while (at < line.size() && (line[at] == ' ' || line[at] == ':')) ++at;
  long long v = 0;
  bool any = false;
  while (at < line.size() && line[at] >= '0' && line[at] <= '9' && v < (1LL << 56)) {
    v = v * 10 + (line[at++] - '0');
    any = true;
  }
  return any ? v : -1;
}

// A small line chart of `ys` over `xs` (seconds) as inline SVG.
std::string line_chart(const std::string& title, const std::vector<double>& xs,
                       const std::vector<double>& ys, const char* colour) {
  const int w = 380, h = 150, left = 58, right = 12, top = 24, bottom = 28;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" +
                    std::to_string(w) + "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " +
                    std::to_string(w) + " " + std::to_string(h) +
                    "\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\" stroke=\"#ccd\"/>";
  out +=
      "<text x=\"8\" y=\"16\" font-family=\"DejaVu Sans,sans-serif\" font-size=\"13\" "
      "font-weight=\"bold\">" +
      esc(title) + "</text>";
  const int x0 = left, x1 = w - right, y0 = h - bottom, y1 = top;
  out += "<line x1=\"" + std::to_string(x0) + "\" y1=\"" + std::to_string(y0) + "\" x2=\"" +
         std::to_string(x1) + "\" y2=\"" + std::to_string(y0) + "\" stroke=\"#888\"/><line x1=\"" +
         std::to_string(x0) + "\" y1=\"" + std::to_string(y0) + "\" x2=\"" + std::to_string(x0) +
         "\" y2=\"" + std::to_string(y1) + "\" stroke=\"#888\"/>";
  auto label = [&](int x, int y, const std::string& t, const char* anchor) {
    out += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
           "\" font-family=\"DejaVu Sans Mono,monospace\" font-size=\"10\" fill=\"#555\" "
           "text-anchor=\"" +
           anchor + "\">" + esc(t) + "</text>";
  };
  if (xs.size() < 2) {
    label((x0 + x1) / 2, (y0 + y1) / 2, "not enough samples", "middle");
    return out + "</svg>";
  }
  double xmax = std::max(xs.back(), 1.0);
  double ymax = std::max(1.0, *std::max_element(ys.begin(), ys.end()));
  std::string points;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double px = x0 + (x1 - x0) * xs[i] / xmax;
    double py = y0 - (y0 - y1) * ys[i] / ymax;
    points += (i ? " " : "") + fixed(px, 1) + "," + fixed(py, 1);
  }
  out += "<polyline fill=\"none\" stroke=\"" + std::string(colour) +
         "\" stroke-width=\"2\" points=\"" + points + "\"/>";
  label(x0 - 4, y1 + 8, std::to_string(static_cast<unsigned long long>(ymax)), "end");
  label(x0 - 4, y0, "0", "end");
  label(x0, y0 + 14, "0 s", "start");
  label(x1, y0 + 14, fixed(xmax, 0) + " s", "end");
  return out + "</svg>";
}

std::string charts(const CampaignReport& r) {
  // Executions per second between samples, from the campaign's start (0 s, nothing run)
  // on. libFuzzer reports time in whole seconds: samples within one second are measured
  // together, from the last sample of an earlier second.
  std::vector<double> t, rate, cov_t, cov;
  ReportSample prev;
  for (const ReportSample& b : r.samples) {
    cov_t.push_back(b.seconds);
    cov.push_back(static_cast<double>(b.coverage));
    double dt = b.seconds - prev.seconds;
    if (dt <= 0) continue;
    double de =
        b.executions >= prev.executions ? static_cast<double>(b.executions - prev.executions) : 0.0;
    t.push_back(b.seconds);
    rate.push_back(de / dt);
    prev = b;
  }
  return "<div>" + line_chart("executions per second", t, rate, "#1f6fb4") +
         line_chart("coverage (edges)", cov_t, cov, "#2e8b3d") + "</div>\n";
}

std::string grid(const CampaignReport& r) {
  // Rows: flows in document order; columns: "normal" then interruption points by stars.
  std::vector<std::string> flows, points;
  uint64_t max_count = 0, undocumented = 0;
  bool any_undocumented = false;
  for (const auto& [name, count] : r.flow_counts) {
    std::size_t sp = name.find(' ');  // "acd ***", "routequeue * and **"
    if (sp == std::string::npos) {
      undocumented += count;
      any_undocumented = true;
      continue;
    }
    std::string flow = name.substr(0, sp), point = name.substr(sp + 1);
    if (std::find(flows.begin(), flows.end(), flow) == flows.end()) flows.push_back(flow);
    if (std::find(points.begin(), points.end(), point) == points.end()) points.push_back(point);
    max_count = std::max(max_count, count);
  }
  std::stable_sort(points.begin(), points.end(), [](const std::string& a, const std::string& b) {
    // normal, *, "* and **", **, ***, ...
    auto rank = [](const std::string& p) {
      if (p == "normal") return 0;
      std::size_t stars = p.find_first_not_of('*');
      return static_cast<int>((stars == std::string::npos ? p.size() : stars) * 2 +
                              (stars != std::string::npos));
    };
    return rank(a) < rank(b);
  });
  std::size_t never = 0, cells = 0;
  std::string rows;
  for (const std::string& flow : flows) {
    rows += "<tr><th>" + esc(flow) + "</th>";
    for (const std::string& point : points) {
      auto it = std::find_if(r.flow_counts.begin(), r.flow_counts.end(),
                             [&](const auto& fc) { return fc.first == flow + " " + point; });
      if (it == r.flow_counts.end()) {
        rows += "<td class=\"cell none\"></td>";
        continue;
      }
      ++cells;
      uint64_t c = it->second;
      if (c == 0) {
        ++never;
        rows += "<td class=\"cell never\" title=\"" + esc(flow + " " + point) +
                ": never reached\">never</td>";
        continue;
      }
      // Shade: white to blue on a log scale of the count.
      double f = 0.15 + 0.85 * std::log1p(static_cast<double>(c)) /
                            std::log1p(static_cast<double>(max_count));
      auto mix = [&](int full) {
        return static_cast<int>(std::lround(255.0 - (255.0 - full) * f));
      };
      char bg[8];
      std::snprintf(bg, sizeof bg, "#%02x%02x%02x", mix(0x1f), mix(0x6f), mix(0xb4));
      rows += "<td class=\"cell\" style=\"background:" + std::string(bg) +
              ";color:" + (f > 0.55 ? "#fff" : "#111") + "\" title=\"" + esc(flow + " " + point) +
              ": " + std::to_string(c) + " calls\">" + std::to_string(c) + "</td>";
    }
    rows += "</tr>\n";
  }
  if (flows.empty()) return "<p>No flow coverage for this target.</p>\n";
  std::string out =
      "<p>Calls that followed each documented flow (rows) to each interruption point (columns): " +
      std::to_string(cells - never) + " of " + std::to_string(cells) + " reached";
  if (never) out += ", <span class=\"bad\">" + std::to_string(never) + " never reached</span>";
  if (any_undocumented)
    out += "; " + std::to_string(undocumented) +
           " calls went beyond the documented flows or were still under way";
  out += ".</p>\n<table class=\"grid\"><tr><th>flow</th>";
  for (const std::string& p : points) out += "<th>" + esc(p) + "</th>";
  return out + "</tr>\n" + rows + "</table>\n";
}

std::string finding_section(const ReportFinding& f, std::size_t index) {
  std::string out = "<section class=\"finding\" id=\"f" + std::to_string(index) + "\">\n<h2>" +
                    std::string(f.is_new ? "NEW " : "") + esc(f.identity) +
                    "</h2>\n<table class=\"meta\">";
  out += "<tr><td>rule</td><td>" + esc(f.rule) + "</td></tr>";
  out += "<tr><td>identity</td><td><code>" + esc(f.identity) + "</code></td></tr>";
  out += "<tr><td>count</td><td>" + std::to_string(f.count) + "</td></tr>";
  if (!f.replay.empty()) {
    out += "<tr><td>replay</td><td><code>" + esc(f.replay) + "</code>" +
           (f.has_session
                ? std::string(f.reproduced
                                  ? " (bit-exact)"
                                  : " <span class=\"bad\">(did NOT replay bit-exactly)</span>")
                : "") +
           "</td></tr>";
  }
  if (!f.scn_path.empty())
    out += "<tr><td>report</td><td><code>" + esc(f.scn_path) + "</code></td></tr>";
  out += "</table>\n";
  if (!f.scenario.empty())
    out += "<h3>Minimized scenario</h3>\n<pre>" + xml_escape(f.scenario, true) + "</pre>\n";
  if (f.has_session) {
    LadderSession ls{&f.session, &f.events, &f.outcomes, &f.verdict, f.identity};
    out += "<h3>Ladder</h3>\n<div class=\"scroll\">\n" + ladder_svg_element(ls) + "</div>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::vector<ReportSample> parse_libfuzzer_progress(std::string_view log) {
  std::vector<ReportSample> out;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] != '#') continue;
    long long execs = number_after(line, "#"), t = number_after(line, "time:");
    if (execs < 0 || t < 0) continue;
    ReportSample s;
    s.seconds = static_cast<double>(t);
    s.executions = static_cast<uint64_t>(execs);
    long long cov = number_after(line, "cov:"), corp = number_after(line, "corp:");
    s.coverage = cov < 0 ? 0 : static_cast<uint64_t>(cov);
    s.corpus = corp < 0 ? 0 : static_cast<uint64_t>(corp);
    out.push_back(s);
  }
  return out;
}

std::string render_campaign_report(const CampaignReport& r) {
  std::string body = "<h1>callbench fuzz: " + esc(r.target) + "</h1>\n";
  std::size_t fresh = 0;
  for (const ReportFinding& f : r.findings) fresh += f.is_new;
  body += "<p>" + std::to_string(r.executions) + " executions in " + fixed(r.seconds, 0) + " s (" +
          std::to_string(r.exec_per_sec) + "/s), coverage " + std::to_string(r.coverage) +
          ", corpus " + std::to_string(r.corpus) + ". ";
  body += r.findings.empty() ? std::string("<span class=\"ok\">No findings.</span>")
                             : "<span class=\"bad\">" + std::to_string(r.findings.size()) +
                                   " finding" + (r.findings.size() == 1 ? "" : "s") + " (" +
                                   std::to_string(fresh) + " new).</span>";
  body += "</p>\n<h2>Parameters</h2>\n<table class=\"meta\">";
  body += "<tr><td>seed</td><td>" + std::to_string(r.seed) + "</td></tr>";
  for (const auto& [name, value] : r.parameters)
    body += "<tr><td>" + esc(name) + "</td><td><code>" + esc(value) + "</code></td></tr>";
  body += "</table>\n<h2>Progress</h2>\n" + charts(r);
  body += "<h2>Flow coverage</h2>\n" + grid(r);
  body += "<h2>Findings</h2>\n";
  if (r.findings.empty()) {
    body += "<p>None.</p>\n";
  } else {
    body += "<table><tr><th>identity</th><th>rule</th><th>count</th><th>replay</th></tr>\n";
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      const ReportFinding& f = r.findings[i];
      body += "<tr><td><a href=\"#f" + std::to_string(i) + "\">" +
              std::string(f.is_new ? "NEW " : "") + esc(f.identity) + "</a></td><td>" +
              esc(f.rule) + "</td><td>" + std::to_string(f.count) + "</td><td><code>" +
              esc(f.replay) + "</code></td></tr>\n";
    }
    body += "</table>\n";
    for (std::size_t i = 0; i < r.findings.size() && i < kMaxDrawnFindings; ++i)
      body += finding_section(r.findings[i], i);
  }
  return html_page("callbench fuzz " + r.target, body);
}

namespace {

// Reads at most `max` bytes of a file; empty when it cannot be read.
std::string read_prefix(const std::string& path, std::size_t max) {
  std::ifstream in(path, std::ios::binary);
  std::string out(max, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max));
  out.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return out;
}

// The finding's session from its one-session journal; false when it has none.
bool load_finding_session(const std::string& journal_path, ReportFinding* f) {
  std::unique_ptr<Journal> j;
  if (!Journal::open(journal_path, Journal::Mode::kRead, &j).is_ok()) return false;
  int64_t id = 0;
  LoadedSession ls;
  if (!j->only_session(&id).is_ok() || !j->load_session(id, &ls).is_ok()) return false;
  if (!j->load_events(ls, &f->events).is_ok()) return false;
  f->session = ls.session;
  for (IgnoreReason why : ls.ignored) {
    f->outcomes.push_back(why == IgnoreReason::kNone ? ApplyResult{}
                                                     : ApplyResult{Outcome::kIgnored, why});
  }
  f->verdict = judge(f->session, f->events);
  return true;
}

}  // namespace

Status write_campaign_report(const CampaignOptions& o, const CampaignResult& result,
                             const std::string& log_path, const std::string& path) {
  CampaignReport r;
  r.target = o.target;
  r.seed = o.seed;
  r.parameters = {
      {"target", o.target},
      {"time", fixed(o.seconds, 0) + " s"},
      {"jobs", std::to_string(o.jobs)},
      {"work directory", o.workdir},
      {"journal", result.journal_path},
      {"fuzzer", o.fuzzer.empty() ? o.source_dir + "/build-fuzz/" + o.target : o.fuzzer},
      {"fuzzing processes", std::to_string(result.processes) + " started, " +
                                std::to_string(result.crashes) + " crashed, " +
                                std::to_string(result.timeouts) + " timed out, " +
                                std::to_string(result.ooms) + " out of memory"},
      {"exit status of the last to end", std::to_string(result.libfuzzer_exit)}};
  r.executions = result.executions;
  r.exec_per_sec = result.exec_per_sec;
  r.coverage = result.coverage;
  r.corpus = result.corpus;
  r.seconds = result.seconds;
  r.samples = parse_libfuzzer_progress(read_prefix(log_path, kMaxLogBytes));
  r.flow_counts = result.flow_counts;
  for (const CampaignFinding& cf : result.findings) {
    ReportFinding f;
    f.identity = cf.identity;
    f.rule = cf.rule;
    f.count = cf.count;
    f.is_new = cf.is_new;
    f.reproduced = cf.reproduced;
    f.scn_path = cf.scn;
    f.replay = cf.replay;
    if (!cf.journal.empty()) {
      f.scenario = read_prefix(cf.scn, kMaxScenarioText);
      f.has_session = r.findings.size() < kMaxDrawnFindings && load_finding_session(cf.journal, &f);
    }
    r.findings.push_back(std::move(f));
  }
  std::string page = render_campaign_report(r);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << page;
    if (!out) return Status::io(path + ": cannot write the campaign report");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::io(path + ": cannot write the campaign report");
  return Status::ok();
}

}  // namespace callbench
