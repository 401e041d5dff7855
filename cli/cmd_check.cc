// callbench check: the oracle over recorded sessions and JSON-lines streams.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/html_out.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/names.h"
#include "core/oracle.h"
#include "import/jsonl.h"
#include "storage/journal.h"
#include "storage/log_store.h"

namespace callbench::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  int64_t session = 0;
  std::string html;  // --html OUT.html: also write the judged sessions as ladder diagrams
};

// The report of one session: "HEAD: conforms: c1 follows ..." or its violations.
std::string verdict_text(const std::string& head, const Verdict& v,
                         const std::vector<std::string>& names) {
  std::string out;
  auto call = [&](CallId id) { return id < names.size() ? names[id] : std::string("?"); };
  if (v.ok()) {
    out += head + ": conforms";
    std::string sep = ": ";
    for (const CallFlow& f : v.flows) {
      out += sep + call(f.call) + " " + f.summary();
      for (int a : f.also) out += ", also " + documented_flow_points()[static_cast<std::size_t>(a)];
      sep = "; ";
    }
    return out + "\n";
  }
  out += head + ": " + std::to_string(v.violations.size()) + " violation" +
         (v.violations.size() == 1 ? "" : "s") + "\n";
  for (const Violation& x : v.violations) {
    out += "  " + x.rule + " at request " + std::to_string(x.request_seq);
    if (!x.event_seqs.empty()) {
      out += ", event";
      for (uint32_t e : x.event_seqs) out += " " + std::to_string(e);
    }
    out += ": " + x.message + "\n";
  }
  return out;
}

// Per call of a session imported from a log (storage/log_store.h): where its events are
// in the log, and the flow it followed or each rule it broke at the log's FILE:LINE.
std::string log_calls_text(const std::string& file, const std::vector<LogRowRef>& rows,
                           const Verdict& v, const std::vector<Event>& events,
                           const std::vector<std::string>& names, const std::vector<bool>& joined) {
  auto at = [&](uint32_t seq) {
    return seq >= 1 && seq <= rows.size()
               ? printable(file, 200) + ":" + std::to_string(rows[seq - 1].line)
               : std::string("?");
  };
  std::vector<uint32_t> first(names.size(), 0), last(names.size(), 0);
  for (const Event& e : events) {
    if (e.call >= names.size()) continue;
    if (first[e.call] == 0) first[e.call] = e.seq;
    last[e.call] = e.seq;
  }
  std::vector<std::vector<const Violation*>> broken(names.size());
  for (const Violation& x : v.violations) {
    if (x.event_seqs.empty() || x.event_seqs[0] < 1 || x.event_seqs[0] > events.size()) continue;
    CallId c = events[x.event_seqs[0] - 1].call;
    if (c < names.size()) broken[c].push_back(&x);
  }
  std::string out;
  for (CallId c = 0; c < names.size(); ++c) {
    if (first[c] == 0 && broken[c].empty()) continue;
    std::string head =
        "  call " + names[c] + " (" + at(first[c]) +
        (last[c] != first[c]
             ? " to line " + std::to_string(last[c] <= rows.size() ? rows[last[c] - 1].line : 0)
             : "") +
        "): ";
    if (!broken[c].empty()) {
      for (const Violation* x : broken[c]) {
        out += head + "breaks " + x->rule + " at " + at(x->event_seqs[0]) + " (" +
               event_name(events[x->event_seqs[0] - 1].type) + "): " + x->message + "\n";
      }
      continue;
    }
    if (c < joined.size() && joined[c]) {
      // Judged as a tail of the documented flows (judge_tails).
      for (const CallFlow& f : v.flows) {
        if (f.call == c) out += head + "under way at the log's first line: " + f.summary() + "\n";
      }
      continue;
    }
    for (const CallFlow& f : v.flows) {
      if (f.call == c) out += head + f.summary() + "\n";
    }
  }
  return out;
}

// A journal is a SQLite file; anything else (and "-") is read as JSON lines. A file
// that cannot be opened goes to the journal reader, which names the problem as before.
bool is_journal(const std::string& path) {
  if (path == "-") return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return true;
  char head[16] = {};
  std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return n == sizeof head && std::memcmp(head, "SQLite format 3", sizeof head) == 0;
}

// Judges the sessions of one journal into *out; *broken counts those that do not conform.
Status check_journal(const std::string& path, int64_t session, std::string* out,
                     std::size_t* broken, HtmlOut* html) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  if (!s.is_ok()) return s;
  std::vector<int64_t> ids;
  if (session != 0) {
    SessionInfo info;
    s = j->session(session, &info);
    if (!s.is_ok()) return s;
    ids.push_back(session);
  } else {
    std::vector<SessionInfo> all;
    s = j->sessions(&all);
    if (!s.is_ok()) return s;
    if (all.empty()) return Status::not_found(path + ": holds no session");
    for (const SessionInfo& i : all) ids.push_back(i.id);
  }
  for (int64_t id : ids) {
    LoadedSession ls;
    std::vector<Event> events;
    s = j->read_session(id, &ls, &events);
    if (!s.is_ok()) return s;
    Verdict v = judge(ls.session, events);
    std::string file;
    std::vector<LogRowRef> rows;
    std::vector<bool> joined;
    if (ls.session.observed) {
      s = log_source_file(*j, id, &file);
      if (s.is_ok() && !file.empty()) s = load_log_rows(*j, id, "event", &rows);
      if (!s.is_ok()) return s;
      // A log starts anywhere: a call already under way at its first line is judged on
      // what the log shows, as a tail of the documented flows; what only its missing
      // beginning explains is not a violation.
      if (!file.empty()) {
        joined = calls_under_way(ls.session, events);
        judge_tails(ls.session, events, joined, &v);
      }
    }
    std::string head = "session " + std::to_string(id) +
                       (ls.info.label.empty() ? "" : " '" + printable(ls.info.label, 200) + "'");
    if (!v.ok()) ++*broken;
    *out += verdict_text(head, v, ls.session.config.call_names);
    if (!file.empty())
      *out += log_calls_text(file, rows, v, events, ls.session.config.call_names, joined);
    if (html) html->add(head, ls.session, events, ls.ignored, v);
  }
  return Status::ok();
}

// Judges one JSON-lines stream: one session, named after the file (and its label).
Status check_stream(const std::string& path, std::string* out, std::size_t* broken, HtmlOut* html) {
  JsonlStream stream;
  Status s = read_jsonl_file(path, &stream);
  if (!s.is_ok()) return s;
  Verdict v = judge(stream.session, stream.events);
  std::string head = (path == "-" ? std::string("<stdin>") : printable(path, 200)) +
                     (stream.label.empty() ? "" : " '" + printable(stream.label, 200) + "'");
  if (!v.ok()) ++*broken;
  *out += verdict_text(head, v, stream.session.config.call_names);
  if (html) html->add(head, stream.session, stream.events, {}, v);
  return Status::ok();
}

int check(const CheckOptions& o) {
  std::size_t broken = 0;
  std::string out;
  HtmlOut html;
  HtmlOut* page = o.html.empty() ? nullptr : &html;
  for (const std::string& path : o.files) {
    Status s = is_journal(path) ? check_journal(path, o.session, &out, &broken, page)
                                : check_stream(path, &out, &broken, page);
    if (!s.is_ok()) return report(s);
  }
  print(out);
  if (page) {
    std::string title = "callbench check";
    for (const std::string& f : o.files) title += " " + f;
    Status s = html.write(o.html, title);
    if (!s.is_ok()) return report(s);
  }
  return broken == 0 ? 0 : 1;
}

}  // namespace

void add_check_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check",
                                     "Judge recorded sessions and JSON-lines streams against the "
                                     "call-model document (the oracle)");
  std::string rules;
  for (const Rule& r : oracle_rules())
    rules += "  " + std::string(r.name) + ": " + r.description + "\n";
  cmd->footer(
      "Each FILE is a journal (a SQLite file: every session, or --session N) or a JSON-lines\n"
      "stream ('-': standard input), one session, as 'callbench run --format jsonl' prints it or\n"
      "from anywhere else: its session line, request lines and seq numbers may be missing (then\n"
      "the DN kinds and the profile are inferred, and a stream without switch stimuli is judged\n"
      "as observed, its parties bound from the events); keys outside the model are ignored.\n"
      "For each session: the violations (rule, request seq, events, what is wrong), or, when it\n"
      "conforms, the documented flow and interruption point each call followed. Exit 0 when every\n"
      "session conforms, 1 otherwise, 2 for a journal or stream that cannot be read (a stream's\n"
      "error names FILE:LINE). A session imported from a log ('callbench import') also gets a\n"
      "line per call: where its events are (FILE:LINE), and the flow it followed or each rule it\n"
      "broke at the offending event's FILE:LINE; a call already under way at the log's first\n"
      "line is judged as a tail of the documented flows (the rows it shows, from the row the log\n"
      "starts at), what only its missing beginning explains not reported. The rules:\n" +
      rules);
  cmd->add_option("files", o->files, "Journals and JSON-lines streams, in order")
      ->required()
      ->type_name("FILE");
  add_session_option(cmd, &o->session,
                     "In journals, check only session N (1 or more; omit --session for all)");
  cmd->add_option("--html", o->html,
                  "Also write the judged sessions as a self-contained page of ladder diagrams")
      ->type_name("OUT.html");
  cmd->callback([o, exit_code] { *exit_code = check(*o); });
}

}  // namespace callbench::cli
