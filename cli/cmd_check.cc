// callbench check: the oracle over recorded sessions.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/names.h"
#include "core/oracle.h"
#include "storage/journal.h"

namespace callbench::cli {
namespace {

struct CheckOptions {
  std::string journal;
  int64_t session = 0;
};

int check(const CheckOptions& o) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(o.journal, Journal::Mode::kRead, &j);
  if (!s.is_ok()) return report(s);
  std::vector<int64_t> ids;
  if (o.session != 0) {
    SessionInfo info;
    s = j->session(o.session, &info);
    if (!s.is_ok()) return report(s);
    ids.push_back(o.session);
  } else {
    std::vector<SessionInfo> all;
    s = j->sessions(&all);
    if (!s.is_ok()) return report(s);
    if (all.empty()) return report(Status::not_found(o.journal + ": holds no session"));
    for (const SessionInfo& i : all) ids.push_back(i.id);
  }
  std::size_t broken = 0;
  std::string out;
  for (int64_t id : ids) {
    LoadedSession ls;
    std::vector<Event> events;
    s = j->read_session(id, &ls, &events);
    if (!s.is_ok()) return report(s);
    Verdict v = judge(ls.session, events);
    std::string head = "session " + std::to_string(id) + (ls.info.label.empty() ? "" : " '" + printable(ls.info.label, 200) + "'");
    const auto& names = ls.session.config.call_names;
    if (v.ok()) {
      out += head + ": conforms";
      std::string sep = ": ";
      for (const CallFlow& f : v.flows) {
        std::string stars = f.stars;
        out += sep + names[f.call] + " " +
               (!f.documented() ? std::string("follows no documented flow to the end")
                                : "follows '" + std::string(f.flow) + "' (" +
                                      (stars == "normal" ? std::string("normal flow") : "interruption point " + stars) + ")");
        for (int a : f.also) out += ", also " + documented_flow_points()[static_cast<std::size_t>(a)];
        sep = "; ";
      }
      out += "\n";
      continue;
    }
    ++broken;
    out += head + ": " + std::to_string(v.violations.size()) + " violation" + (v.violations.size() == 1 ? "" : "s") + "\n";
    for (const Violation& x : v.violations) {
      out += "  " + x.rule + " at request " + std::to_string(x.request_seq);
      if (!x.event_seqs.empty()) {
        out += ", event";
        for (uint32_t e : x.event_seqs) out += " " + std::to_string(e);
      }
      out += ": " + x.message + "\n";
    }
  }
  print(out);
  return broken == 0 ? 0 : 1;
}

}  // namespace

void add_check_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Judge recorded sessions against the call-model document (the oracle)");
  std::string rules;
  for (const Rule& r : oracle_rules()) rules += "  " + std::string(r.name) + ": " + r.description + "\n";
  cmd->footer(
      "For each session: the violations (rule, request seq, events, what is wrong), or, when it\n"
      "conforms, the documented flow and interruption point each call followed. Exit 0 when every\n"
      "session conforms, 1 otherwise, 2 for a journal that cannot be read. The rules:\n" + rules);
  non_empty(cmd->add_option("journal", o->journal, "The journal"))->required()->type_name("J.db");
  add_session_option(cmd, &o->session, "Check only session N (1 or more; omit --session for all)");
  cmd->callback([o, exit_code] { *exit_code = check(*o); });
}

}  // namespace callbench::cli
