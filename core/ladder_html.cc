// The HTML pages around ladder diagrams (ladder.h): one session, or the oracle's
// judgement of many. Self-contained, well-formed XML, deterministic.
#include <string>

#include "core/ladder.h"
#include "core/render.h"
#include "core/scenario.h"

namespace callbench {
namespace {

const char* kPageStyle = R"css(
body{font-family:'DejaVu Sans',sans-serif;font-size:14px;color:#1a1a1a;background:#fff;margin:20px}
h1{font-size:22px;margin:0 0 12px 0}
h2{font-size:18px;margin:28px 0 8px 0;border-bottom:2px solid #5a7bb5;padding-bottom:3px}
h3{font-size:15px;margin:16px 0 6px 0}
code,pre,td.m{font-family:'DejaVu Sans Mono',monospace;font-size:12px}
pre{background:#f6f7f9;border:1px solid #dde;padding:8px;overflow-x:auto}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid #ccd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef3fb}
tr.bad td{background:#fde8e8}
tr.err td{color:#d11f1f}
.ok{color:#2e7d32;font-weight:bold}
.bad{color:#d11f1f;font-weight:bold}
.scroll{overflow-x:auto;border:1px solid #dde;margin:6px 0}
.meta td:first-child{font-weight:bold}
.grid td.cell{text-align:right;font-family:'DejaVu Sans Mono',monospace;font-size:12px;min-width:60px}
.grid td.never{background:#ffe0e0;color:#b00000;font-weight:bold}
.chart{display:inline-block;margin:0 24px 10px 0}
)css";

std::string td(const std::string& text, const std::string& cls = "") {
  return "<td" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + xml_escape(text) + "</td>";
}

std::string verdict_summary(const LadderSession& s) {
  if (!s.verdict) return "";
  if (s.verdict->ok()) return "conforms";
  std::size_t nv = s.verdict->violations.size();
  std::string rules;
  for (const Violation& v : s.verdict->violations) {
    if (rules.find(v.rule) == std::string::npos) rules += (rules.empty() ? "" : ", ") + v.rule;
  }
  return std::to_string(nv) + " violation" + (nv == 1 ? "" : "s") + ": " + rules;
}

std::string event_table(const LadderSession& s) {
  const SessionConfig& c = s.session->config;
  std::string out =
      "<table "
      "class=\"events\"><tr><th>seq</th><th>cause</th><th>event</th><th>ThisDN</th><th>call</th>"
      "<th>attributes</th><th>violation</th></tr>\n";
  for (const Event& e : *s.events) {
    std::string rules;
    if (s.verdict) {
      for (const Violation& v : s.verdict->violations) {
        for (uint32_t q : v.event_seqs) {
          if (q == e.seq && v.has_event && rules.find(v.rule) == std::string::npos)
            rules += (rules.empty() ? "" : " ") + v.rule;
        }
      }
    }
    std::string attrs;
    for (int i = 0; i < kAttrCount; ++i) {
      auto a = static_cast<Attr>(i);
      if (!e.has(a) || a == Attr::kThisDn) continue;
      attrs +=
          (attrs.empty() ? "" : " ") + std::string(attr_name(a)) + "=" + attr_value_text(e, a, c);
    }
    if (e.has(Attr::kErrorCode))
      attrs += std::string(" ErrorMessage=\"") + error_message_of(e.error) + "\"";
    std::string cls = !rules.empty()                ? " class=\"bad\""
                      : e.type == EventType::kError ? " class=\"err\""
                                                    : "";
    std::string call = e.call < c.call_names.size() ? c.call_names[e.call] : "-";
    out += "<tr" + cls + ">" + td(std::to_string(e.seq)) +
           td(e.request_seq ? std::to_string(e.request_seq) : "-") + td(event_name(e.type)) +
           td(attr_value_text(e, Attr::kThisDn, c)) + td(call) + td(attrs, "m") +
           td(rules, rules.empty() ? "" : "bad") + "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

std::string html_page(std::string_view title, std::string_view body) {
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta "
      "charset=\"utf-8\"/>\n<title>";
  out += xml_escape(title);
  out += "</title>\n<style>";
  out += kPageStyle;
  out += "</style>\n</head>\n<body>\n";
  out += body;
  out += "</body>\n</html>\n";
  return out;
}

std::string ladder_html_section(const LadderSession& s) {
  const Session& session = *s.session;
  std::string out = "<section class=\"session\">\n<h2>" +
                    xml_escape(s.title.empty() ? "session" : s.title) + "</h2>\n";
  std::size_t requests = 0;
  for (const Stimulus& st : session.stimuli) requests += st.is_client_request();
  out += "<p>seed " + std::to_string(session.config.seed) + ", " +
         std::to_string(session.config.topology.dns.size()) + " DNs, " +
         std::to_string(session.stimuli.size()) + " stimuli (" + std::to_string(requests) +
         " client requests), " + std::to_string(s.events->size()) + " events";
  if (session.observed) out += ", observed stream";
  out += ". ";
  if (s.verdict) {
    out += std::string("<span class=\"") + (s.verdict->ok() ? "ok" : "bad") + "\">" +
           xml_escape(verdict_summary(s)) + "</span>";
  }
  out += "</p>\n<div class=\"scroll\">\n" + ladder_svg_element(s) + "</div>\n";
  out += "<h3>Events</h3>\n" + event_table(s);
  out += "<h3>Scenario</h3>\n<pre>" + xml_escape(print_scenario(session), true) +
         "</pre>\n</section>\n";
  return out;
}

std::string render_ladder_html(const LadderSession& s) {
  return html_page(s.title.empty() ? "callbench session" : "callbench " + s.title,
                   ladder_html_section(s));
}

std::string render_check_html(std::string_view title, const std::vector<LadderSession>& sessions) {
  std::size_t broken = 0;
  for (const LadderSession& s : sessions) broken += s.verdict && !s.verdict->ok();
  std::string body = "<h1>" + xml_escape(title) + "</h1>\n<p>" + std::to_string(sessions.size()) +
                     " session" + (sessions.size() == 1 ? "" : "s") + " judged: <span class=\"" +
                     (broken ? "bad" : "ok") + "\">" + std::to_string(broken) +
                     " break the documented flows</span>.</p>\n";
  body += "<table><tr><th>session</th><th>verdict</th><th>flows</th></tr>\n";
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const LadderSession& s = sessions[i];
    std::string flows;
    if (s.verdict) {
      for (const CallFlow& f : s.verdict->flows) {
        std::string call = f.call < s.session->config.call_names.size()
                               ? s.session->config.call_names[f.call]
                               : "?";
        flows += (flows.empty() ? "" : "; ") + call + " " + f.name();
      }
    }
    bool bad = s.verdict && !s.verdict->ok();
    std::string link = i < kMaxHtmlSessions ? "<a href=\"#s" + std::to_string(i) + "\">" +
                                                  xml_escape(s.title) + "</a>"
                                            : xml_escape(s.title);
    body += std::string("<tr") + (bad ? " class=\"bad\"" : "") + "><td>" + link + "</td>" +
            td(verdict_summary(s)) + td(flows, "m") + "</tr>\n";
  }
  body += "</table>\n";
  if (sessions.size() > kMaxHtmlSessions) {
    body += "<p>Only the first " + std::to_string(kMaxHtmlSessions) +
            " sessions are drawn below.</p>\n";
  }
  for (std::size_t i = 0; i < sessions.size() && i < kMaxHtmlSessions; ++i) {
    body +=
        "<div id=\"s" + std::to_string(i) + "\">\n" + ladder_html_section(sessions[i]) + "</div>\n";
  }
  return html_page(title, body);
}

}  // namespace callbench
