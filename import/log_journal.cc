// Recording an imported log into a journal (import/log_journal.h): one transaction per
// file, so a file is in the journal whole or not at all.
#include "import/log_journal.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "storage/columns.h"
#include "storage/journal.capnp.h"
#include "storage/log_store.h"

namespace callbench {
namespace {

namespace cp = ::capnp;

kj::StringPtr text(const std::string& s) { return kj::StringPtr(s.c_str(), s.size()); }

void fill(cp::List<schema::LogAttribute>::Builder list, const std::vector<LogValue>& values) {
  for (unsigned i = 0; i < list.size(); ++i) {
    const LogValue& v = values[i];
    auto a = list[i];
    a.setName(text(v.name));
    if (!v.value.empty()) a.setValue(text(v.value));
    a.setQuoted(v.quoted);
    a.setNested(v.nested);
    if (!v.list.empty()) fill(a.initList(static_cast<unsigned>(v.list.size())), v.list);
  }
}

}  // namespace

void encode_log_row(const LogRowInfo& row, std::vector<uint8_t>* out) {
  cp::MallocMessageBuilder builder(256);
  auto r = builder.initRoot<schema::Record>().initLog();
  r.setMessage(text(row.message));
  r.setLine(row.line);
  if (!row.time.empty()) r.setTime(text(row.time));
  if (!row.call_uuid.empty()) r.setCallUuid(text(row.call_uuid));
  if (!row.extras.empty())
    fill(r.initAttributes(static_cast<unsigned>(row.extras.size())), row.extras);
  kj::Array<cp::word> words = cp::canonicalize(builder.getRoot<schema::Record>().asReader());
  auto bytes = words.asBytes();
  out->assign(bytes.begin(), bytes.end());
}

Status write_imported(Journal& journal, const ImportedLog& log, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id) {
  sqlite3* db = journal.db();
  const std::string& path = journal.path();
  Status s = exec_sql(db, "BEGIN IMMEDIATE", path + ": beginning the import");
  if (!s.is_ok()) return s;
  auto fail = [&](Status st) {
    (void)exec_sql(db, "ROLLBACK", path + ": rolling back the import");
    return st;
  };
  s = ensure_log_tables(db);
  if (!s.is_ok()) return fail(s);
  const Session& session = log.session;
  const SessionConfig& config = session.config;
  SessionCodec codec(config);
  codec.set_observed(session.observed);
  Payload header =
      encode_header(config, nullptr, HeaderFlags{session.observed, session.profile_known});
  {
    Journal::Statement lease;
    s = journal.prepare(
        "INSERT INTO sessions (seed, label, engine_version, created_at, status, request_count, "
        "event_count, digest, header) VALUES (?, ?, ?, ?, 'incomplete', 0, 0, ?, ?)",
        &lease);
    if (!s.is_ok()) return fail(s);
    std::string seed = std::to_string(config.seed);
    std::string digest = digest_string(0);
    lease->bind_text(1, seed);
    if (label.empty())
      lease->bind_null(2);
    else
      lease->bind_text(2, label);
    lease->bind_text(3, engine_version());
    lease->bind_text(4, created_at);
    lease->bind_text(5, digest);
    lease->bind_blob(6, header.data(), header.size());
    s = lease->run(path + ": starting a session");
    if (!s.is_ok()) return fail(s);
  }
  const int64_t id = sqlite3_last_insert_rowid(db);
  Journal::Statement ins_request, ins_event, ins_row;
  s = journal.prepare("INSERT INTO requests (session_id, seq, " + column_list(kRequestColumns) +
                          ", payload) VALUES (?, ?" + placeholders(kRequestColumnCount + 1) + ")",
                      &ins_request);
  if (s.is_ok())
    s = journal.prepare("INSERT INTO events (session_id, seq, request_seq, " +
                            column_list(kEventColumns) + ", payload) VALUES (?, ?, ?" +
                            placeholders(kEventColumnCount + 1) + ")",
                        &ins_event);
  if (s.is_ok())
    s = journal.prepare(
        "INSERT INTO log_rows (session_id, kind, seq, line, time, call_uuid, message, conn_id, "
        "this_dn, payload) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        &ins_row);
  if (!s.is_ok()) return fail(s);

  Payload payload;
  std::vector<uint8_t> row_payload;
  auto log_row = [&](const char* kind, std::size_t seq, const LogRowInfo& row) {
    encode_log_row(row, &row_payload);
    if (row_payload.size() > kMaxLogRowPayloadBytes)
      return Status::invalid(log.source + ":" + std::to_string(row.line) + ": message " +
                             row.message + " holds more than " +
                             std::to_string(kMaxLogRowPayloadBytes) + " bytes of attributes");
    Stmt& w = *ins_row;
    w.bind_int(1, id);
    w.bind_text(2, kind);
    w.bind_int(3, static_cast<int64_t>(seq));
    w.bind_int(4, row.line);
    w.bind_text(5, row.time.empty() ? nullptr : row.time.c_str());
    w.bind_text(6, row.call_uuid.empty() ? nullptr : row.call_uuid.c_str());
    w.bind_text(7, row.message);
    w.bind_text(8, row.conn_id.empty() ? nullptr : row.conn_id.c_str());
    w.bind_text(9, row.this_dn.empty() ? nullptr : row.this_dn.c_str());
    w.bind_blob(10, row_payload.data(), row_payload.size());
    return w.run(path + ": recording log row " + std::to_string(seq));
  };

  // A request's conn_id: its call's ConnID from the events up to those it caused (all
  // of an observed session's events name request 0), as Journal::load_events checks it.
  std::vector<uint64_t> conn(config.call_names.size(), 0);
  std::size_t next = 0;
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    for (; next < log.events.size() && log.events[next].request_seq <= i + 1; ++next) {
      const Event& e = log.events[next];
      if (e.call != kNoCall && e.call < conn.size() && e.has(Attr::kConnId))
        conn[e.call] = e.conn_id;
    }
    const Stimulus& st = session.stimuli[i];
    const StimulusShape& shape = shape_of(st.kind);
    auto seq = static_cast<uint32_t>(i + 1);
    codec.encode_request(st, seq, ApplyResult{}, &payload);
    RequestColumns rc;
    request_columns(st, IgnoreReason::kNone, shape.has_call ? conn[st.call] : 0, config, &rc);
    Stmt& r = *ins_request;
    r.bind_int(1, id);
    r.bind_int(2, seq);
    bind_columns(r, 3, rc.value, kRequestColumnCount);
    r.bind_blob(3 + static_cast<int>(kRequestColumnCount), payload.data(), payload.size());
    s = r.run(path + ": recording request " + std::to_string(seq));
    if (s.is_ok() && log.has_rows) s = log_row("request", seq, log.request_rows[i]);
    if (!s.is_ok()) return fail(s);
  }
  uint64_t digest = 0;
  for (std::size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    codec.encode_event(e, &payload);
    digest = chain_digest(digest, payload.data(), payload.size());
    EventColumns c;
    event_columns(e, config, &c);
    Stmt& w = *ins_event;
    w.bind_int(1, id);
    w.bind_int(2, e.seq);
    w.bind_int(3, e.request_seq);
    bind_columns(w, 4, c.value, kEventColumnCount);
    w.bind_blob(4 + static_cast<int>(kEventColumnCount), payload.data(), payload.size());
    s = w.run(path + ": recording event " + std::to_string(e.seq));
    if (s.is_ok() && log.has_rows) s = log_row("event", i + 1, log.event_rows[i]);
    if (!s.is_ok()) return fail(s);
  }
  for (std::size_t i = 0; i < log.other_rows.size(); ++i) {
    s = log_row("other", i + 1, log.other_rows[i]);
    if (!s.is_ok()) return fail(s);
  }
  if (log.has_rows) {
    Journal::Statement lease;
    s = journal.prepare(
        "INSERT INTO log_files (session_id, source_file, lines, messages, backup_copies, "
        "unreadable, unusable, "
        "truncated, anonymized) VALUES (?,?,?,?,?,?,?,?,?)",
        &lease);
    if (!s.is_ok()) return fail(s);
    lease->bind_int(1, id);
    lease->bind_text(2, log.source);
    lease->bind_int(3, static_cast<int64_t>(log.file.lines));
    lease->bind_int(4, static_cast<int64_t>(log.events.size() + session.stimuli.size() +
                                            log.other_rows.size()));
    lease->bind_int(5, static_cast<int64_t>(log.file.backup_copies));
    lease->bind_int(6, static_cast<int64_t>(log.file.unreadable));
    lease->bind_int(7, static_cast<int64_t>(log.unusable_count));
    lease->bind_int(8, log.file.truncated ? 1 : 0);
    lease->bind_int(9, anonymized ? 1 : 0);
    s = lease->run(path + ": recording the log file");
    if (!s.is_ok()) return fail(s);
  }
  {
    Journal::Statement lease;
    s = journal.prepare(
        "UPDATE sessions SET request_count = ?, event_count = ?, digest = ?, status = 'complete' "
        "WHERE session_id = ?",
        &lease);
    if (!s.is_ok()) return fail(s);
    std::string d = digest_string(digest);
    lease->bind_int(1, static_cast<int64_t>(session.stimuli.size()));
    lease->bind_int(2, static_cast<int64_t>(log.events.size()));
    lease->bind_text(3, d);
    lease->bind_int(4, id);
    s = lease->run(path + ": completing the session");
    if (!s.is_ok()) return fail(s);
  }
  s = exec_sql(db, "COMMIT", path + ": committing the import");
  if (!s.is_ok()) return fail(s);
  *session_id = id;
  return Status::ok();
}

}  // namespace callbench
