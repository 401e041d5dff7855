// The journal's one row writer (storage/row_writer.h).
#include "storage/row_writer.h"

#include "core/model.h"

namespace callbench {
namespace {

// The key columns, the payload, then the decoded columns; `log`: the log columns too.
std::string request_insert(bool log) {
  return "INSERT INTO requests (session_id, seq, payload, " + column_list(kRequestColumns) +
         (log ? ", line, time, call_uuid, log_payload" : "") + ") VALUES (?, ?, ?" +
         placeholders(kRequestColumnCount + (log ? 4 : 0)) + ")";
}

std::string event_insert(bool log) {
  return "INSERT INTO events (session_id, seq, request_seq, payload, " +
         column_list(kEventColumns) + (log ? ", line, time, call_uuid, log_payload" : "") +
         ") VALUES (?, ?, ?, ?" + placeholders(kEventColumnCount + (log ? 4 : 0)) + ")";
}

void bind_log(Stmt& st, int first, const LogColumns& log) {
  st.bind_int(first, log.line);
  st.bind_text(first + 1, log.time);
  st.bind_text(first + 2, log.call_uuid);
  st.bind_blob(first + 3, log.payload, log.size);
}

}  // namespace

Status RowWriter::ready(Stmt* st, const char* sql) {
  if (st->get()) return Status::ok();
  Status s = st->prepare(db_, sql);
  // Our own SQL fails to prepare only on a file whose schema is not a journal's.
  if (!s.is_ok()) return Status::corrupt(path_ + ": " + s.message());
  return Status::ok();
}

Status RowWriter::step(Stmt& st, const char* doing, int64_t session, int64_t seq) {
  int rc = st.step();
  sqlite3_reset(st.get());
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::ok();
  // The message is built only on failure: the rows' path allocates nothing.
  std::string what = path_ + ": " + doing;
  if (session) what += " of session " + std::to_string(session);
  if (seq) what += " seq " + std::to_string(seq);
  return sqlite_status(db_, rc, what);
}

Status RowWriter::begin() {
  if (open_) return Status::ok();
  Status s = ready(&begin_, "BEGIN IMMEDIATE");
  if (!s.is_ok()) return s;
  s = step(begin_, "beginning a transaction", 0, 0);
  if (!s.is_ok()) return s;
  open_ = true;
  pending_ = 0;
  next_id_ = 0;
  return Status::ok();
}

Status RowWriter::commit() {
  if (!open_) return Status::ok();
  Status s = ready(&commit_, "COMMIT");
  if (!s.is_ok()) return s;
  s = step(commit_, "committing", 0, 0);
  if (!s.is_ok()) {
    rollback();
    return s;
  }
  open_ = false;
  pending_ = 0;
  next_id_ = 0;  // another writer may record before our next transaction
  return Status::ok();
}

void RowWriter::rollback() {
  if (!open_) return;
  open_ = false;
  pending_ = 0;
  next_id_ = 0;
  // SQLite may have rolled back already (an I/O error does): then there is nothing to do.
  if (sqlite3_get_autocommit(db_)) return;
  if (ready(&rollback_, "ROLLBACK").is_ok()) (void)step(rollback_, "rolling back", 0, 0);
}

Status RowWriter::reserve_session_id(int64_t* id) {
  if (!open_) return Status::invalid(path_ + ": a session id is reserved in a transaction");
  if (next_id_ == 0) {
    Status s = ready(&max_id_, "SELECT coalesce(max(session_id), 0) FROM sessions");
    if (!s.is_ok()) return s;
    int rc = max_id_.step();
    int64_t max = rc == SQLITE_ROW ? max_id_.col_int(0) : 0;
    sqlite3_reset(max_id_.get());
    if (rc != SQLITE_ROW) return sqlite_status(db_, rc, path_ + ": reading the last session id");
    if (max == INT64_MAX) return Status::invalid(path_ + ": no session id is left");
    next_id_ = max + 1;
  }
  *id = next_id_++;
  return Status::ok();
}

Status RowWriter::insert_session(int64_t id, const std::string& seed, const std::string& label,
                                 const std::string& engine_version, const std::string& created_at,
                                 const uint8_t* header, std::size_t header_size, int64_t requests,
                                 int64_t events, uint64_t digest, bool complete) {
  Status s = ready(&session_,
                   "INSERT INTO sessions (session_id, seed, label, engine_version, created_at, "
                   "status, request_count, event_count, digest, header) VALUES (?, ?, ?, ?, ?, ?, "
                   "?, ?, ?, ?)");
  if (!s.is_ok()) return s;
  char hex[17];
  write_conn_id(digest, hex);  // 16 lower-case hex digits, as digest_string()
  session_.bind_int(1, id);
  session_.bind_text(2, seed);
  if (label.empty())
    session_.bind_null(3);
  else
    session_.bind_text(3, label);
  session_.bind_text(4, engine_version);
  session_.bind_text(5, created_at);
  session_.bind_text(6, complete ? "complete" : "incomplete");
  session_.bind_int(7, requests);
  session_.bind_int(8, events);
  session_.bind_text(9, hex);
  session_.bind_blob(10, header, header_size);
  s = step(session_, "writing the session row", id, 0);
  if (!s.is_ok()) return s;
  ++pending_;
  return Status::ok();
}

Status RowWriter::insert_request(int64_t session, uint32_t seq, const RequestColumns& columns,
                                 const uint8_t* payload, std::size_t size, const LogColumns* log) {
  Stmt& st = log ? log_request_ : request_;
  if (!st.get()) {
    Status s = ready(&st, request_insert(log != nullptr).c_str());
    if (!s.is_ok()) return s;
  }
  st.bind_int(1, session);
  st.bind_int(2, seq);
  st.bind_blob(3, payload, size);
  bind_columns(st, 4, columns.value, kRequestColumnCount);
  if (log) bind_log(st, 4 + static_cast<int>(kRequestColumnCount), *log);
  Status s = step(st, "recording a request", session, seq);
  if (!s.is_ok()) return s;
  ++pending_;
  return Status::ok();
}

Status RowWriter::insert_event(int64_t session, uint32_t seq, uint32_t request_seq,
                               const EventColumns& columns, const uint8_t* payload,
                               std::size_t size, const LogColumns* log) {
  Stmt& st = log ? log_event_ : event_;
  if (!st.get()) {
    Status s = ready(&st, event_insert(log != nullptr).c_str());
    if (!s.is_ok()) return s;
  }
  st.bind_int(1, session);
  st.bind_int(2, seq);
  st.bind_int(3, request_seq);
  st.bind_blob(4, payload, size);
  bind_columns(st, 5, columns.value, kEventColumnCount);
  if (log) bind_log(st, 5 + static_cast<int>(kEventColumnCount), *log);
  Status s = step(st, "recording an event", session, seq);
  if (!s.is_ok()) return s;
  ++pending_;
  return Status::ok();
}

Status RowWriter::update_session(int64_t session, int64_t requests, int64_t events, uint64_t digest,
                                 bool complete) {
  Status s = ready(&update_,
                   "UPDATE sessions SET request_count = ?, event_count = ?, digest = ?, status = ? "
                   "WHERE session_id = ?");
  if (!s.is_ok()) return s;
  char hex[17];
  write_conn_id(digest, hex);  // 16 lower-case hex digits, as digest_string()
  update_.bind_int(1, requests);
  update_.bind_int(2, events);
  update_.bind_text(3, hex);
  update_.bind_text(4, complete ? "complete" : "incomplete");
  update_.bind_int(5, session);
  return step(update_, "updating the counts", session, 0);
}

Status RowWriter::insert_log_file(int64_t session, const LogFileRow& f) {
  Status s = ready(&file_,
                   "INSERT INTO log_files (session_id, source_file, lines, messages, "
                   "backup_copies, unreadable, unusable, truncated, anonymized) VALUES (?, ?, ?, "
                   "?, ?, ?, ?, ?, ?)");
  if (!s.is_ok()) return s;
  file_.bind_int(1, session);
  file_.bind_text(2, *f.source_file);
  file_.bind_int(3, f.lines);
  file_.bind_int(4, f.messages);
  file_.bind_int(5, f.backup_copies);
  file_.bind_int(6, f.unreadable);
  file_.bind_int(7, f.unusable);
  file_.bind_int(8, f.truncated ? 1 : 0);
  file_.bind_int(9, f.anonymized ? 1 : 0);
  return step(file_, "recording the log file", session, 0);
}

Status RowWriter::insert_other_row(int64_t session, uint32_t seq, const LogColumns& log,
                                   const char* conn_id, const char* this_dn) {
  Status s =
      ready(&other_,
            "INSERT INTO log_other (session_id, seq, line, time, call_uuid, message, conn_id, "
            "this_dn, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!s.is_ok()) return s;
  other_.bind_int(1, session);
  other_.bind_int(2, seq);
  other_.bind_int(3, log.line);
  other_.bind_text(4, log.time);
  other_.bind_text(5, log.call_uuid);
  other_.bind_text(6, log.message);
  other_.bind_text(7, conn_id);
  other_.bind_text(8, this_dn);
  other_.bind_blob(9, log.payload, log.size);
  s = step(other_, "recording a log row", session, seq);
  if (!s.is_ok()) return s;
  ++pending_;
  return Status::ok();
}

}  // namespace callbench
