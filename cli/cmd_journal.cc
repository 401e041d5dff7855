// The journal commands: replay, show, sql, export.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/ladder.h"
#include "core/names.h"
#include "core/oracle.h"
#include "core/render.h"
#include "core/scenario.h"
#include "import/derive.h"
#include "import/jsonl.h"
#include "import/log_journal.h"
#include "import/tserver_log.h"
#include "models/model_spec.h"
#include "replay/replayer.h"
#include "storage/codec.h"
#include "storage/journal.h"
#include "storage/log_store.h"
#include "storage/sql_guard.h"

namespace callbench::cli {
namespace {

struct SessionChoice {
  std::string journal;
  int64_t session = 0;  // 0: not given
  bool all = false;
};

// The sessions a command acts on: --session N, --all, or the journal's only session.
Status chosen_sessions(Journal& j, const SessionChoice& c, bool default_all,
                       std::vector<int64_t>* ids) {
  if (c.session != 0) {
    SessionInfo info;
    Status s = j.session(c.session, &info);
    if (!s.is_ok()) return s;
    ids->push_back(c.session);
    return Status::ok();
  }
  if (c.all || default_all) {
    Status s = j.session_ids(ids);
    if (!s.is_ok()) return s;
    if (ids->empty()) return Status::not_found(j.path() + ": holds no session");
    return Status::ok();
  }
  int64_t id = 0;
  Status s = j.only_session(&id);
  if (!s.is_ok()) return s;
  ids->push_back(id);
  return Status::ok();
}

// Opens the journal for reading and picks the sessions a command acts on.
Status open_chosen(const SessionChoice& c, bool default_all, std::unique_ptr<Journal>* j,
                   std::vector<int64_t>* ids) {
  Status s = Journal::open(c.journal, Journal::Mode::kRead, j);
  if (!s.is_ok()) return s;
  return chosen_sessions(**j, c, default_all, ids);
}

// ---- observed sessions (imported logs): derived scenarios ------------------------

// Where each row of an imported session is in its log (import/derive.h).
Status row_lines(Journal& j, int64_t id, RowLines* out) {
  Status s = log_source_file(j, id, &out->file);
  if (!s.is_ok()) return s;
  std::vector<LogRowRef> rows;
  s = load_log_rows(j, id, "event", &rows);
  for (const LogRowRef& r : rows) out->event_lines.push_back(r.line);
  if (s.is_ok()) s = load_log_rows(j, id, "request", &rows);
  for (const LogRowRef& r : rows) out->request_lines.push_back(r.line);
  if (out->file.empty()) out->file = "session " + std::to_string(id);
  return s;
}

// The call an observed session names by ConnID (16 hex digits) or by name.
Status find_call(const Session& session, const std::vector<Event>& events, const std::string& text,
                 CallId* out) {
  std::optional<uint64_t> conn = parse_conn_id_any_case(text);  // as import reads them
  for (const Event& e : events) {
    if (conn && e.has(Attr::kConnId) && e.conn_id == *conn && e.call != kNoCall) {
      *out = e.call;
      return Status::ok();
    }
  }
  const auto& names = session.config.call_names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) {
      *out = static_cast<CallId>(i);
      return Status::ok();
    }
  }
  return Status::invalid("--call " + printable(text, 40) +
                         ": no call of the session has this ConnID or name");
}

// Replay of an imported log first checks that its source file, read again, gives the
// very payload bytes the journal holds (import is deterministic). "" when it does (or
// cannot be checked: *note says why), else what differs.
std::string check_reimport(Journal& j, const LoadedSession& ls, const std::string& file,
                           std::string* note) {
  // The path as recorded at import; a relative one is read from the current directory.
  const std::string named =
      printable(file, 200) +
      (!file.empty() && file[0] != '/' ? " (relative to the current directory)" : "");
  std::string text;
  if (!read_file_bytes(file, &text).is_ok()) {
    *note = "its source file " + named + " is not readable here: payload bytes not checked";
    return {};
  }
  {
    Journal::Statement lease;
    if (!j.prepare("SELECT anonymized FROM log_files WHERE session_id = ?", &lease).is_ok())
      return "log_files unreadable";
    lease->bind_int(1, ls.info.id);
    if (lease->step() == SQLITE_ROW && lease->col_int(0) != 0) {
      *note =
          "anonymized at import (pseudonyms depend on the whole import): payload bytes not checked";
      return {};
    }
  }
  LogFile f;
  ImportedLog log;
  Pseudonyms names;
  Status s = read_tserver_log_text(text, file, &f);
  if (s.is_ok()) s = log_to_session(std::move(f), ImportOptions{}, &names, &log);
  if (!s.is_ok()) return "the source file " + named + " no longer imports: " + s.message();
  SessionCodec codec(log.session.config);
  codec.set_observed(true);
  std::vector<std::vector<uint8_t>> fresh;
  Payload p;
  for (const Event& e : log.events) {
    codec.encode_event(e, &p);
    fresh.push_back(p);
  }
  for (std::size_t i = 0; i < log.session.stimuli.size(); ++i) {
    codec.encode_request(log.session.stimuli[i], static_cast<uint32_t>(i + 1), ApplyResult{}, &p);
    fresh.push_back(p);
  }
  for (const auto* rows : {&log.event_rows, &log.other_rows, &log.request_rows}) {
    for (const LogRowInfo& r : *rows) {
      fresh.emplace_back();
      encode_log_row(r, &fresh.back());
    }
  }
  std::vector<std::vector<uint8_t>> stored;
  for (const char* sql : {"SELECT payload FROM events WHERE session_id = ? ORDER BY seq",
                          "SELECT payload FROM requests WHERE session_id = ? ORDER BY seq"}) {
    Journal::Statement lease;
    if (!j.prepare(sql, &lease).is_ok()) return "payloads unreadable";
    lease->bind_int(1, ls.info.id);
    while (lease->step() == SQLITE_ROW)
      stored.emplace_back(lease->col_blob(0), lease->col_blob(0) + lease->col_bytes(0));
  }
  std::vector<std::vector<uint8_t>> rows;
  if (!load_log_payloads(j, ls.info.id, &rows).is_ok()) return "log rows unreadable";
  stored.insert(stored.end(), rows.begin(), rows.end());
  if (stored.size() != fresh.size())
    return "the source file " + named + " now gives " + std::to_string(fresh.size()) +
           " payloads, the journal holds " + std::to_string(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] != fresh[i])
      return "payload " + std::to_string(i + 1) + " differs from the import of the source file " +
             named;
  }
  *note = "its source file imports to the same " + std::to_string(stored.size()) +
          " payloads, byte for byte";
  return {};
}

// replay of an observed session: each call's derived scenario played on the model and
// compared with the log. Returns 1 when a call diverges.
// `model`: the model the derived scenarios play on (replay --model); the engine when null.
int replay_observed(Journal& j, const LoadedSession& ls, const std::vector<Event>& events,
                    CallModel* model_under_test) {
  RowLines lines;
  Status s = row_lines(j, ls.info.id, &lines);
  if (!s.is_ok()) return report(s);
  std::vector<bool> has_events(ls.session.config.call_names.size(), false);
  for (const Event& e : events) {
    if (e.call < has_events.size()) has_events[e.call] = true;
  }
  std::string out = "session " + std::to_string(ls.info.id) + " (observed, " +
                    printable(lines.file, 200) + "):\n";
  std::string source;
  s = log_source_file(j, ls.info.id, &source);
  if (!s.is_ok()) return report(s);
  if (!source.empty()) {
    std::string note;
    std::string differs = check_reimport(j, ls, source, &note);
    if (!differs.empty()) {
      print(out + "  not deterministic: " + differs + "\n");
      return 1;
    }
    out += "  " + note + "\n";
  }
  std::size_t reproduced = 0, diverged = 0, underived = 0;
  for (CallId c = 0; c < has_events.size(); ++c) {
    if (!has_events[c]) continue;
    const std::string& name = ls.session.config.call_names[c];
    DerivedCall d;
    s = derive_call(ls.session, events, lines, c, &d);
    if (!s.is_ok()) {
      ++underived;
      out += "  call " + name + ": not derived: " + s.message() + "\n";
      continue;
    }
    std::vector<Event> model;
    if (model_under_test) {
      ModelPlayed mp;
      (void)model_under_test->play(d.session, &mp);
      if (!mp.status.is_ok()) {
        ++diverged;
        out += "  call " + name + ": the model failed: " + mp.status.message() + "\n";
        continue;
      }
      model = std::move(mp.events);
    } else {
      model = play_derived(d.session);
    }
    std::string diff = first_divergence(d, model, printable(lines.file, 200));
    if (diff.empty()) {
      ++reproduced;
      out += "  call " + name + ": the model reproduces the log (" +
             std::to_string(d.log_events.size()) + " events)\n";
    } else {
      ++diverged;
      out += "  call " + name + ": the model diverges from the log at " + diff + "\n";
    }
  }
  out += "  " + std::to_string(reproduced) + " calls reproduced, " + std::to_string(diverged) +
         " diverged, " + std::to_string(underived) +
         " not derived (under way at the log's first line)\n";
  print(out);
  return diverged == 0 ? 0 : 1;
}

// ---- replay ---------------------------------------------------------------------

int replay(const SessionChoice& c, const ModelOptions& mo) {
  std::unique_ptr<Journal> j;
  std::vector<int64_t> ids;
  Status s = Journal::open(c.journal, Journal::Mode::kRead, &j);
  if (!s.is_ok()) return report(s);
  // One read transaction for the whole replay: every session is read from the same
  // snapshot (a recorder may be appending), and SQLite takes its shared lock and
  // checks the file once instead of at every statement (most of a small session's cost).
  // Pages read through a memory map rather than a read() each (reading only: a
  // writer's pages come through the WAL as before).
  (void)sqlite3_exec(j->db(), "PRAGMA mmap_size = 1073741824", nullptr, nullptr, nullptr);
  s = exec_sql(j->db(), "BEGIN", j->path() + ": starting to read");
  if (s.is_ok()) s = chosen_sessions(*j, c, true, &ids);
  if (!s.is_ok()) return report(s);
  // A session recorded by another model replays on that model, made again from the
  // header (one process or library per model for the whole replay).
  // replay --model: every session on that model instead of its recorded one.
  std::optional<ModelInfo> instead;
  if (!mo.spec.empty()) instead = model_info_of(mo.spec);
  std::map<std::string, std::unique_ptr<CallModel>> models;
  ModelMaker maker = [&](const ModelInfo& info, CallModel** out) -> Status {
    auto it = models.find(info.spec());
    if (it == models.end()) {
      std::unique_ptr<CallModel> m;
      Status st = make_model(info.spec(), mo.timeout, &m);
      if (!st.is_ok()) return st;
      it = models.emplace(info.spec(), std::move(m)).first;
    }
    *out = it->second.get();
    return Status::ok();
  };
  int observed_status = 0;
  ReplayScan scan;  // the ids are in increasing order: one pass over each table
  // Every session (no --session): the scan itself finds rows that belong to no session.
  if (c.session == 0) scan.covers(ids);
  for (int64_t id : ids) {
    ReplayResult r;
    bool observed = false;
    s = replay_session(*j, id, &r, &maker, &observed, instead ? &*instead : nullptr, &scan);
    if (!s.is_ok()) return report(s);
    if (observed) {
      // An observed session (an imported log) replays call by call through derived scenarios.
      LoadedSession ls;
      std::vector<Event> events;
      s = j->read_session(id, &ls, &events);
      if (!s.is_ok()) return report(s);
      CallModel* on = nullptr;
      if (instead && instead->kind != "builtin") {
        s = maker(*instead, &on);
        if (!s.is_ok()) return report(s);
      }
      observed_status = std::max(observed_status, replay_observed(*j, ls, events, on));
      continue;
    }
    if (!r.identical) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s", r.report.c_str());
      return 1;
    }
    print(r.summary + "\n");
  }
  s = scan.finish(*j);
  if (!s.is_ok()) return report(s);
  return observed_status;
}

// ---- show -----------------------------------------------------------------------

int show(const SessionChoice& c, const std::string& format, const std::string& call) {
  std::unique_ptr<Journal> j;
  std::vector<int64_t> ids;
  Status s = open_chosen(c, false, &j, &ids);
  if (!s.is_ok()) return report(s);
  LoadedSession ls;
  std::vector<Event> events;
  s = j->read_session(ids[0], &ls, &events);
  if (!s.is_ok()) return report(s);
  std::vector<ApplyResult> outcomes;
  for (IgnoreReason why : ls.ignored) {
    outcomes.push_back(why == IgnoreReason::kNone ? ApplyResult{}
                                                  : ApplyResult{Outcome::kIgnored, why});
  }
  if (!call.empty()) {
    if (!ls.session.observed)
      return report(
          Status::invalid("--call: session " + std::to_string(ls.info.id) +
                          " is not an imported log (its scenario is 'show --format scn')"));
    if (format != "scn") return report(Status::invalid("--call: only with --format scn"));
    CallId id = kNoCall;
    s = find_call(ls.session, events, call, &id);
    RowLines lines;
    if (s.is_ok()) s = row_lines(*j, ls.info.id, &lines);
    DerivedCall d;
    if (s.is_ok()) s = derive_call(ls.session, events, lines, id, &d);
    if (!s.is_ok()) return report(s);
    print(print_derived(d, ls.session.config.call_names[id]));
    return 0;
  }
  if (format == "scn") {
    // Comments, each on its own line and short: a label or path (data) can neither
    // start a new statement nor make a line the parser refuses.
    std::string head = "# session " + std::to_string(ls.info.id);
    if (!ls.info.label.empty()) head += " '" + printable(ls.info.label, 200) + "'";
    head += (ls.info.complete ? "" : " (incomplete)") + std::string("\n# of ") +
            printable(j->path(), 400) + "\n# recorded " + printable(ls.info.created_at, 64) +
            " by " + printable(ls.recorded_engine, 64) + "\n";
    print(head + print_scenario(ls.session));
  } else if (format == "svg" || format == "html") {
    Verdict verdict = judge(ls.session, events);
    std::string title = "session " + std::to_string(ls.info.id) +
                        (ls.info.label.empty() ? "" : " '" + ls.info.label + "'") +
                        (ls.info.complete ? "" : " (incomplete)");
    LadderSession ladder{&ls.session, &events, &outcomes, &verdict, title};
    print(format == "svg" ? render_ladder_svg(ladder) : render_ladder_html(ladder));
  } else if (format == "tserver-log") {
    print(render_tserver_log(ls.session, events));  // import/tserver_log_writer.cc
  } else if (format == "jsonl") {
    print(session_json_line(ls.session.config, ls.info.label) + "\n" +
          render_jsonl(ls.session, events, outcomes));
  } else {
    render_table(ls.session, events, outcomes, print);
  }
  return 0;
}

// ---- sql ------------------------------------------------------------------------

std::string cell_text(sqlite3_stmt* st, int i, bool csv) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
      return csv ? "" : "NULL";
    case SQLITE_BLOB: {
      auto p = static_cast<const uint8_t*>(sqlite3_column_blob(st, i));
      int n = sqlite3_column_bytes(st, i);
      int shown = csv ? n : std::min(n, 16);
      std::string out = "x'";
      char hex[3];
      for (int k = 0; k < shown; ++k) {
        std::snprintf(hex, sizeof hex, "%02x", p[k]);
        out += hex;
      }
      out += "'";
      if (shown < n) out += "... (" + std::to_string(n) + " bytes)";
      return out;
    }
    default: {
      auto t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      std::string text =
          t ? std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : "";
      // Cells are data from the journal: an aligned table (and CSV on a terminal)
      // shows control characters escaped, never raw.
      return csv && !::isatty(STDOUT_FILENO) ? text : printable(text);
    }
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

constexpr std::size_t kMaxAlignedRows = 100000;
// An aligned table is held whole before it is printed; past this, --csv streams.
constexpr std::size_t kMaxAlignedBytes = 64u << 20;

// Ctrl-C asks the running statement to stop; the handler only sets a flag that the
// statement's progress handler reads.
void on_sigint(int) { SqlGuard::stop(); }

struct SigintHandler {
  struct sigaction old {};
  SigintHandler() {
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
  }
  ~SigintHandler() { sigaction(SIGINT, &old, nullptr); }
};

int sql(const std::string& path, const std::string& query, bool csv, double timeout_seconds) {
  std::unique_ptr<SqlGuard> guard;
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(timeout_seconds * 1000)));
  Status s = SqlGuard::open(path, timeout, &guard);
  if (!s.is_ok()) return report(s);
  SigintHandler sigint;
  sqlite3* db = guard->db();
  // Every statement is checked before any runs: one that writes, anywhere in the text,
  // and nothing runs at all.
  for (const char* check = query.c_str(); check && *check;) {
    sqlite3_stmt* raw = nullptr;
    s = guard->prepare(&check, &raw);
    if (!s.is_ok()) return report(s);
    if (!raw) break;
    sqlite3_finalize(raw);
  }
  // Then the journal is verified as every reader verifies it: a tampered journal is
  // refused before any statement reads it, naming session, seq and column.
  guard->start_clock();
  s = guard->verify_journal();
  if (!s.is_ok()) {
    if (guard->stopped() == SqlGuard::Stop::kInterrupted) {
      spdlog::error("verifying the journal was interrupted (Ctrl-C)");
      return 130;
    }
    if (guard->stopped() == SqlGuard::Stop::kTimeout) {
      spdlog::error("verifying the journal took longer than --timeout {} seconds and was stopped",
                    timeout_seconds);
      return 1;
    }
    return report(s);
  }
  const char* tail = query.c_str();
  bool first_result = true;
  std::size_t statements = 0;
  while (tail && *tail) {
    if (SqlGuard::stop_requested()) {
      spdlog::error("the query was interrupted (Ctrl-C)");
      return 130;
    }
    sqlite3_stmt* raw = nullptr;
    s = guard->prepare(&tail, &raw);
    if (!s.is_ok()) return report(s);
    if (!raw) break;  // only white space or a comment was left
    ++statements;
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
    guard->start_clock();
    int ncols = sqlite3_column_count(raw);
    std::vector<std::string> header;
    for (int i = 0; i < ncols; ++i) header.emplace_back(printable(sqlite3_column_name(raw, i)));
    std::vector<std::vector<std::string>> rows;
    std::size_t held = 0;
    std::string out;
    if (ncols > 0 && !first_result) print("\n");
    if (csv && ncols > 0) {
      for (int i = 0; i < ncols; ++i)
        out += (i ? "," : "") + csv_field(header[static_cast<std::size_t>(i)]);
      print(out + "\n");
    }
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < ncols; ++i) row.push_back(cell_text(raw, i, csv));
      if (csv) {
        out.clear();
        for (int i = 0; i < ncols; ++i)
          out += (i ? "," : "") + csv_field(row[static_cast<std::size_t>(i)]);
        print(out + "\n");
      } else {
        for (const std::string& cell : row) held += cell.size();
        if (rows.size() >= kMaxAlignedRows || held > kMaxAlignedBytes) {
          return report(
              Status::invalid("the result has more than " + std::to_string(kMaxAlignedRows) +
                              " rows or " + std::to_string(kMaxAlignedBytes >> 20) +
                              " MiB: too much for an aligned table; use --csv, which streams"));
        }
        rows.push_back(std::move(row));
      }
    }
    if (rc != SQLITE_DONE) {
      std::fflush(stdout);
      if (guard->stopped() == SqlGuard::Stop::kInterrupted) {
        spdlog::error("the query was interrupted (Ctrl-C)");
        return 130;
      }
      if (guard->stopped() == SqlGuard::Stop::kTimeout) {
        spdlog::error("the query ran longer than --timeout {} seconds and was stopped",
                      timeout_seconds);
        return 1;
      }
      std::string msg = sqlite3_errmsg(db);
      int primary = rc & 0xff;
      if (primary == SQLITE_NOMEM) {
        spdlog::error(
            "the query needed more than {} MiB of memory, callbench sql's limit, and was stopped",
            SqlGuard::kHeapLimitBytes >> 20);
        return 1;
      }
      if (primary == SQLITE_AUTH) {
        // A table-valued PRAGMA is authorized as it runs, not when it is prepared.
        return report(Status::invalid(std::string("SQL error: ") + msg +
                                      ": callbench sql only reads (SELECT, WITH, "
                                      "and PRAGMAs that describe the schema)"));
      }
      if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR) {
        return report(Status::corrupt(path + ": " + msg));
      }
      return report(Status::invalid(std::string("SQL error: ") + msg));
    }
    if (ncols > 0) first_result = false;
    if (csv || ncols == 0) continue;
    std::vector<std::size_t> width(static_cast<std::size_t>(ncols), 0);
    for (int i = 0; i < ncols; ++i)
      width[static_cast<std::size_t>(i)] = header[static_cast<std::size_t>(i)].size();
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) l += "  ";
        l += cells[i];
        if (i + 1 < cells.size()) l += std::string(width[i] - cells[i].size(), ' ');
      }
      return l + "\n";
    };
    out = line(header);
    std::vector<std::string> rule;
    for (std::size_t w : width) rule.emplace_back(w, '-');
    out += line(rule);
    for (const auto& row : rows) out += line(row);
    out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
    print(out);
  }
  if (statements == 0)
    return report(Status::invalid("SQL: no statement to run (the query is empty)"));
  return 0;
}

// ---- export ---------------------------------------------------------------------

int export_cmd(const SessionChoice& c, const std::string& out, bool force) {
  std::unique_ptr<Journal> j;
  std::vector<int64_t> ids;
  Status s = open_chosen(c, false, &j, &ids);
  if (!s.is_ok()) return report(s);
  s = export_session(*j, ids[0], out, force);
  if (!s.is_ok()) return report(s);
  print("exported session " + std::to_string(ids[0]) + " of " + c.journal + " to " + out +
        "\nreplay it with: callbench replay " + out + "\n");
  return 0;
}

}  // namespace

void add_journal_commands(CLI::App& app, int* exit_code) {
  {
    auto c = std::make_shared<SessionChoice>();
    CLI::App* cmd =
        app.add_subcommand("replay", "Replay recorded sessions and check they are bit-exact");
    cmd->footer(
        "Rebuilds each session's engine from its header, feeds it the journaled stimuli, and "
        "compares\n"
        "every request and event it produces, canonically encoded, byte for byte with the "
        "journal;\n"
        "then checks the chained digest. One summary line per identical session (exit 0). At the\n"
        "first difference: a report naming the session, the event seq, the stimulus that caused "
        "it,\n"
        "and expected (journal) against actual (engine) attribute by attribute, or the missing,\n"
        "extra or reordered event (exit 1). An incomplete session replays up to its last event "
        "and\n"
        "says so. A journal that cannot be read as valid sessions exits 2 naming session and seq;\n"
        "replaying every session, rows that belong to no session are found as they are read, so\n"
        "lines of sessions replayed before may already be printed.\n"
        "An observed session (an imported log): its source file is first read again and must "
        "import\n"
        "to the same payload bytes; then each call's derived scenario ('show --call CONNID "
        "--format\n"
        "scn') plays on the engine, and each call prints 'the model reproduces the log' or the "
        "first\n"
        "divergence, log against model, attribute by attribute (exit 1 when a call diverges).");
    non_empty(cmd->add_option("journal", c->journal, "The journal"))->required()->type_name("J.db");
    auto* one = add_session_option(cmd, &c->session,
                                   "Replay only session N (1 or more; omit --session for all)");
    cmd->add_flag("--all", c->all, "Replay every session (the default)")->excludes(one);
    auto mo = std::make_shared<ModelOptions>();
    add_model_options(cmd, mo.get(), true, true);
    cmd->callback([c, mo, exit_code] { *exit_code = replay(*c, *mo); });
  }
  {
    auto c = std::make_shared<SessionChoice>();
    auto format = std::make_shared<std::string>("table");
    CLI::App* cmd = app.add_subcommand(
        "show", "Print a recorded session: table, JSON lines, scenario or ladder diagram");
    cmd->footer(
        "table: one column per party, as the call-model document draws it; jsonl: the same JSON\n"
        "lines as 'callbench run --format jsonl'; scn: a scenario that 'callbench run' plays back\n"
        "into the same events; svg: a ladder diagram (a lifeline per party and the T-Server, the\n"
        "oracle's violations marked); html: a self-contained page with the ladder, the events and\n"
        "the scenario; tserver-log: the session as a T-Server log (client requests received,\n"
        "events distributed, attribute lines; switch stimuli left out) that 'callbench import' "
        "reads.\n"
        "Without --session the journal must hold exactly one session.");
    non_empty(cmd->add_option("journal", c->journal, "The journal"))->required()->type_name("J.db");
    add_session_option(
        cmd, &c->session,
        "The session to print, N 1 or more (omit --session when the journal holds one)");
    cmd->add_option("--format", *format, "table, jsonl, scn, svg, html or tserver-log")
        ->check(CLI::IsMember({"table", "jsonl", "scn", "svg", "html", "tserver-log"}))
        ->default_str("table");
    auto call = std::make_shared<std::string>();
    cmd->add_option("--call", *call,
                    "With --format scn, on an imported log: the scenario derived from this call "
                    "(its ConnID)")
        ->type_name("CONNID");
    cmd->callback([c, format, call, exit_code] { *exit_code = show(*c, *format, *call); });
  }
  {
    auto path = std::make_shared<std::string>();
    auto query = std::make_shared<std::string>();
    auto csv = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("sql", "Query a journal with SQL");
    cmd->footer(
        "Runs the statements on the journal, opened read-only, and prints each result as an "
        "aligned\n"
        "table (or CSV). Tables: sessions, requests, events; views: event_causes, "
        "request_answers.\n"
        "decode(payload) returns any payload (sessions.header, requests.payload, events.payload) "
        "as\n"
        "JSON, so every attribute is reachable, e.g. json_extract(decode(payload), "
        "'$.ThisQueue').\n"
        "The journal may come from anyone, so the connection only reads: SELECT and WITH, and "
        "PRAGMAs\n"
        "that describe the file, as statements or table-valued functions (table_info,\n"
        "pragma_user_version, ...). Writing, ATTACH, VACUUM, setting a PRAGMA, extensions and\n"
        "fts3_tokenizer() are refused (exit 2). Before any statement runs, every session is "
        "verified\n"
        "as replay, check, show and export verify it (a tampered journal: exit 2 naming session, "
        "seq\n"
        "and column). Sorts and temporary tables stay in memory: a query needing more than 512 "
        "MiB\n"
        "stops (exit 1). Verifying, or a statement, running longer than --timeout seconds is "
        "stopped\n"
        "(exit 1); Ctrl-C stops it too (exit 130).");
    non_empty(cmd->add_option("journal", *path, "The journal"))->required()->type_name("J.db");
    cmd->add_option("query", *query,
                    "SQL, e.g. \"SELECT event, count(*) FROM events GROUP BY event\"")
        ->required()
        ->type_name("SQL");
    cmd->add_flag("--csv", *csv, "Print CSV (RFC 4180) instead of an aligned table");
    auto timeout = std::make_shared<double>(60);
    cmd->add_option("--timeout", *timeout,
                    "Stop verifying, or a statement, that runs longer than this (exit 1); 0: never")
        ->type_name("SECONDS")
        ->check(CLI::Validator(
            [](std::string& v) {
              char* end = nullptr;
              double d = std::strtod(v.c_str(), &end);
              bool ok =
                  !v.empty() && *end == '\0' && std::isfinite(d) && d >= 0 && d <= 86400.0 * 365;
              return ok ? std::string() : "expected seconds from 0 to 31536000, found '" + v + "'";
            },
            "", "seconds"))
        ->default_str("60");
    cmd->callback([path, query, csv, timeout, exit_code] {
      *exit_code = sql(*path, *query, *csv, *timeout);
    });
  }
  {
    auto c = std::make_shared<SessionChoice>();
    auto out = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    CLI::App* cmd =
        app.add_subcommand("export", "Write one session as a one-session journal (a bug report)");
    cmd->footer(
        "The session is checked to read back valid first; the file appears whole or not at all.\n"
        "Without --session the journal must hold exactly one session. A session imported from a\n"
        "log keeps its log tables and columns (log_files, log_other, the events' and requests'\n"
        "line, time, call_uuid and log_payload: the file, each message's line and time and every\n"
        "attribute outside the model), so check, sql, show --call and replay work on it.");
    non_empty(cmd->add_option("journal", c->journal, "The journal"))->required()->type_name("J.db");
    add_session_option(
        cmd, &c->session,
        "The session to export, N 1 or more (omit --session when the journal holds one)");
    non_empty(cmd->add_option("--out", *out,
                              "The bug-report journal to write (never the journal itself)"))
        ->required()
        ->type_name("BUG.db");
    cmd->add_flag("--force", *force, "Overwrite --out when it exists");
    cmd->callback([c, out, force, exit_code] { *exit_code = export_cmd(*c, *out, *force); });
  }
}

}  // namespace callbench::cli
