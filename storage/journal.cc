#include "storage/journal.h"

#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/limits.h"
#include "core/names.h"
#include "storage/log_store.h"

namespace callbench {
namespace {

std::string quote(const std::string& s) { return "'" + printable(s, 64) + "'"; }

}  // namespace

// ---- sqlite_util ------------------------------------------------------------------

Status sqlite_status(sqlite3* db, int rc, const std::string& doing) {
  std::string msg = doing + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Status::corrupt(msg);
  return Status::io(msg);
}

Status Stmt::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  db_ = db;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db, rc, "preparing SQL");
  return Status::ok();
}

Status Stmt::run(const std::string& doing) {
  int rc = step();
  reset();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sqlite_status(db_, rc, doing);
  return Status::ok();
}

Status exec_sql(sqlite3* db, const char* sql, const std::string& doing) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::ok();
  std::string msg = doing + ": " + (err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Status::corrupt(msg);
  return Status::io(msg);
}

Status Journal::prepare(const std::string& sql, Statement* out) {
  out->release();
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto cached = std::make_unique<Cached>();
    Status s = cached->stmt.prepare(db_, sql);
    // Our own SQL fails to prepare only on a file whose schema is not a journal's.
    if (!s.is_ok()) return Status::corrupt(path_ + ": " + s.message());
    it = cache_.emplace(sql, std::move(cached)).first;
  }
  Cached& c = *it->second;
  if (c.in_use) {
    out->own_ = std::make_unique<Stmt>();
    Status s = out->own_->prepare(db_, sql);
    if (!s.is_ok()) return s;
    out->stmt_ = out->own_.get();
    return Status::ok();
  }
  c.in_use = true;
  out->stmt_ = &c.stmt;
  out->in_use_ = &c.in_use;
  return Status::ok();
}

Journal::Statement& Journal::Statement::operator=(Statement&& other) noexcept {
  if (this == &other) return *this;
  release();
  stmt_ = other.stmt_;
  in_use_ = other.in_use_;
  own_ = std::move(other.own_);
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
  return *this;
}

void Journal::Statement::release() {
  if (stmt_) stmt_->reset();
  if (in_use_) *in_use_ = false;
  stmt_ = nullptr;
  in_use_ = nullptr;
  own_.reset();
}

Status Journal::integrity_check(std::string* result) {
  Stmt st;
  Status s = st.prepare(db_, "PRAGMA integrity_check");
  if (!s.is_ok()) return s;
  result->clear();
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    if (!result->empty()) *result += "\n";
    *result += std::string(st.col_text(0));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db_, rc, path_ + ": integrity check");
  return Status::ok();
}

// ---- Sessions -----------------------------------------------------------------------

namespace {
const char* const kSessionColumns =
    "SELECT session_id, seed, label, engine_version, created_at, status, request_count, "
    "event_count, digest FROM sessions";

SessionInfo session_from(const Stmt& st) {
  SessionInfo s;
  s.id = st.col_int(0);
  s.seed = std::string(st.col_text(1));
  s.label = std::string(st.col_text(2));
  s.engine_version = std::string(st.col_text(3));
  s.created_at = std::string(st.col_text(4));
  s.status = std::string(st.col_text(5));
  s.complete = s.status == "complete";
  s.request_count = st.col_int(6);
  s.event_count = st.col_int(7);
  s.digest = std::string(st.col_text(8));
  return s;
}
}  // namespace

Status Journal::sessions(std::vector<SessionInfo>* out) {
  Statement lease;
  Status s = prepare(std::string(kSessionColumns) + " ORDER BY session_id", &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  out->clear();
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    if (out->size() >= limits::kMaxSessionsListed)
      return Status::corrupt(path_ + ": too many sessions");
    out->push_back(session_from(st));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db_, rc, path_ + ": listing sessions");
  return Status::ok();
}

Status Journal::session_ids(std::vector<int64_t>* out) {
  Statement lease;
  Status s = prepare("SELECT session_id FROM sessions ORDER BY session_id", &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  out->clear();
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    if (out->size() >= limits::kMaxSessionsListed)
      return Status::corrupt(path_ + ": too many sessions");
    out->push_back(st.col_int(0));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db_, rc, path_ + ": listing sessions");
  return Status::ok();
}

Status Journal::session(int64_t id, SessionInfo* out) {
  Statement lease;
  Status s = prepare(std::string(kSessionColumns) + " WHERE session_id = ?", &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  st.bind_int(1, id);
  int rc = st.step();
  if (rc == SQLITE_DONE) return Status::not_found(path_ + ": no session " + std::to_string(id));
  if (rc != SQLITE_ROW)
    return sqlite_status(db_, rc, path_ + ": reading session " + std::to_string(id));
  *out = session_from(st);
  return Status::ok();
}

Status Journal::only_session(int64_t* id) {
  std::vector<SessionInfo> all;
  Status s = sessions(&all);
  if (!s.is_ok()) return s;
  if (all.size() != 1) {
    return Status::invalid(path_ + " holds " + std::to_string(all.size()) +
                           " sessions: name one with --session N");
  }
  *id = all[0].id;
  return Status::ok();
}

// The decoded columns of a requests row (from result column 1) against its payload.
static Status check_request_columns(const Stmt& st, const RecordedRequest& rr,
                                    const SessionConfig& config) {
  RequestColumns c;
  request_columns(rr.stimulus, rr.ignored, 0, config, &c);
  const char* column = first_differing_column(st, 1, kRequestColumns, c.value, kRequestColumnCount,
                                              kRequestConnIdColumn);
  if (column) return Status::corrupt(std::string("column ") + column + " differs from the payload");
  return Status::ok();
}

Status Journal::load_session(int64_t id, LoadedSession* out, Check check) {
  std::string where = path_ + " session " + std::to_string(id);
  LoadedSession ls;
  Status s = session(id, &ls.info);
  if (!s.is_ok()) return s;
  if (!ls.info.complete && ls.info.status != "incomplete") {
    return Status::corrupt(where + ": column status " + quote(ls.info.status) +
                           " is neither 'complete' nor 'incomplete'");
  }
  {
    Statement lease;
    s = prepare(std::string(kSessionRowSelect) + " WHERE session_id = ?", &lease);
    if (!s.is_ok()) return s;
    Stmt& st = *lease;
    st.bind_int(1, id);
    int rc = st.step();
    if (rc != SQLITE_ROW) return sqlite_status(db_, rc, where + ": reading the header");
    // Each column holds its storage class (storage/columns.h).
    if (const TypedColumn* t = first_mistyped(st, 0, kSessionRowTypes))
      return Status::corrupt(where + ": " + mistyped_text(st, 0, *t));
    // The texts every printer shows: a label is NULL or follows the one rule for labels
    // (core/names.h), so that no printer gets one that could change what a line means.
    if (!st.col_null(2) &&
        (sqlite3_column_type(st.get(), 2) != SQLITE_TEXT || !valid_label(st.col_text(2)))) {
      return Status::corrupt(where + ": column label " + quote(std::string(st.col_text(2))) +
                             " is not a session label (" + kLabelRule + ")");
    }
    if (sqlite3_column_type(st.get(), 4) != SQLITE_TEXT || !valid_label(st.col_text(4))) {
      return Status::corrupt(
          where + ": column created_at " + quote(std::string(st.col_text(4))) +
          " is not a time stamp (1 to 200 bytes of text with no control characters)");
    }
    HeaderFlags flags;
    s = decode_header(st.col_blob(9), st.col_bytes(9), &ls.session.config, &ls.recorded_engine,
                      &ls.recorded_model, &flags);
    ls.session.observed = flags.observed;
    ls.session.profile_known = flags.profile_known;
    if (!s.is_ok()) return Status::corrupt(where + ": header: " + s.message());
    if (ls.recorded_engine != ls.info.engine_version) {
      return Status::corrupt(where + ": column engine_version " + quote(ls.info.engine_version) +
                             " differs from the header's " + quote(ls.recorded_engine));
    }
    if (std::to_string(ls.session.config.seed) != ls.info.seed) {
      return Status::corrupt(where + ": column seed " + quote(ls.info.seed) +
                             " differs from the header's " +
                             std::to_string(ls.session.config.seed));
    }
  }
  {
    auto codec = std::make_shared<SessionCodec>(ls.session.config);
    codec->set_observed(ls.session.observed);
    ls.codec = std::move(codec);
  }
  const SessionCodec& codec = *ls.codec;
  const bool columns = check == Check::kColumns;
  Statement lease;
  s = prepare(
      columns ? "SELECT seq, " + column_list(kRequestColumns) +
                    ", payload FROM requests WHERE session_id = ? ORDER BY seq"
              : std::string("SELECT seq, payload FROM requests WHERE session_id = ? ORDER BY seq"),
      &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  const int payload_col = columns ? 1 + static_cast<int>(kRequestColumnCount) : 1;
  st.bind_int(1, id);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto expected = static_cast<int64_t>(ls.session.stimuli.size() + 1);
    if (expected > static_cast<int64_t>(limits::kMaxStimuli))
      return Status::corrupt(where + ": too many requests");
    auto at = [&] { return where + " request " + std::to_string(expected); };
    const TypedColumn types[] = {kRequestRowTypes[0], {payload_col, "payload", SQLITE_BLOB}};
    if (const TypedColumn* t = first_mistyped(st, 0, types))
      return Status::corrupt(at() + ": " + mistyped_text(st, 0, *t));
    int64_t seq = st.col_int(0);
    if (seq != expected) {
      return Status::corrupt(where + ": request seq " + std::to_string(expected) +
                             " is missing (next is " + std::to_string(seq) + ")");
    }
    RecordedRequest rr;
    s = codec.decode_request(st.col_blob(payload_col), st.col_bytes(payload_col), &rr);
    if (!s.is_ok()) return Status::corrupt(at() + ": " + s.message());
    if (rr.seq != seq)
      return Status::corrupt(at() + ": payload says seq " + std::to_string(rr.seq));
    if (columns) {
      Status c = check_request_columns(st, rr, ls.session.config);
      if (!c.is_ok()) return Status::corrupt(at() + ": " + c.message());
    }
    if (columns) {
      const int conn_col = 1 + static_cast<int>(kRequestConnIdColumn);
      uint64_t conn = 0;
      if (!st.col_null(conn_col)) {
        // The type first: sqlite3_column_text converts a BLOB or number to TEXT.
        const bool is_text = sqlite3_column_type(st.get(), conn_col) == SQLITE_TEXT;
        auto text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), conn_col));
        std::optional<uint64_t> parsed;
        if (is_text && text) {
          parsed = parse_conn_id(
              std::string_view(text, static_cast<std::size_t>(st.col_bytes(conn_col))));
        }
        if (!parsed || *parsed == 0)
          return Status::corrupt(at() + ": column conn_id is not a ConnID");
        conn = *parsed;
      }
      ls.request_conn_ids.push_back(conn);
    }
    ls.session.stimuli.push_back(rr.stimulus);
    ls.ignored.push_back(rr.ignored);
    ls.request_spans.emplace_back(ls.request_bytes.size(), st.col_bytes(payload_col));
    ls.request_bytes.insert(ls.request_bytes.end(), st.col_blob(payload_col),
                            st.col_blob(payload_col) + st.col_bytes(payload_col));
  }
  if (rc != SQLITE_DONE) return sqlite_status(db_, rc, where + ": reading requests");
  std::string why = validate_session(ls.session);
  if (!why.empty()) return Status::corrupt(where + ": " + why);
  if (ls.info.complete && !ls.session.observed) {
    // A complete session creates every call its header names: else its printed
    // scenario (which names a call where it is created) would parse back to another.
    std::vector<bool> created(ls.session.config.call_names.size(), false);
    for (const Stimulus& x : ls.session.stimuli) {
      if (shape_of(x.kind).creates_call) created[x.call] = true;
    }
    for (std::size_t i = 0; i < created.size(); ++i) {
      if (!created[i]) {
        return Status::corrupt(where + ": header: call " +
                               printable(ls.session.config.call_names[i], 40) +
                               " is named but never created");
      }
    }
  }
  // The recorder updates the counts in the transaction that adds the rows, so they hold
  // for an incomplete session too.
  if (static_cast<int64_t>(ls.session.stimuli.size()) != ls.info.request_count) {
    return Status::corrupt(where + ": " + std::to_string(ls.session.stimuli.size()) +
                           " request rows, but the session records " +
                           std::to_string(ls.info.request_count));
  }
  *out = std::move(ls);
  return Status::ok();
}

// ---- Events -------------------------------------------------------------------------

namespace {

// seq, request_seq, the decoded columns (from result column 2), then the payload.
const int kEventPayloadColumn = 2 + static_cast<int>(kEventColumnCount);
std::string event_select() {
  return "SELECT seq, request_seq, " + column_list(kEventColumns) + ", payload FROM events";
}

}  // namespace

Status Journal::load_events(const LoadedSession& ls, std::vector<Event>* out) {
  std::string where = path_ + " session " + std::to_string(ls.info.id);
  const SessionConfig& config = ls.session.config;
  const SessionCodec& codec = *ls.codec;
  Statement lease;
  Status s = prepare(event_select() + " WHERE session_id = ? ORDER BY seq", &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  st.bind_int(1, ls.info.id);
  out->clear();
  uint64_t digest = 0;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto expected = static_cast<int64_t>(out->size() + 1);
    if (out->size() >= limits::kMaxEventsPerSession)
      return Status::corrupt(where + ": too many events");
    auto at = [&] { return where + " event " + std::to_string(expected); };
    if (const TypedColumn* t = first_mistyped(st, 0, kEventRowTypes))
      return Status::corrupt(at() + ": " + mistyped_text(st, 0, *t));
    int64_t seq = st.col_int(0);
    if (seq != expected) {
      return Status::corrupt(where + ": event seq " + std::to_string(expected) +
                             " is missing (next is " + std::to_string(seq) + ")");
    }
    Event e;
    s = codec.decode_event(st.col_blob(kEventPayloadColumn), st.col_bytes(kEventPayloadColumn), &e);
    if (!s.is_ok()) return Status::corrupt(at() + ": " + s.message());
    if (e.seq != seq || static_cast<int64_t>(e.request_seq) != st.col_int(1)) {
      return Status::corrupt(at() + ": columns seq/request_seq differ from the payload");
    }
    // An observed session's events name their request or none (0), in any order.
    if (e.request_seq > ls.session.stimuli.size() ||
        (!ls.session.observed && !out->empty() && e.request_seq < out->back().request_seq)) {
      return Status::corrupt(at() + ": request_seq " + std::to_string(e.request_seq) +
                             " is out of order");
    }
    EventColumns c;
    event_columns(e, config, &c);
    const char* column =
        first_differing_column(st, 2, kEventColumns, c.value, kEventColumnCount, kEventColumnCount);
    if (column) {
      return Status::corrupt(at() + ": column " + column + " differs from the payload");
    }
    digest =
        chain_digest(digest, st.col_blob(kEventPayloadColumn), st.col_bytes(kEventPayloadColumn));
    out->push_back(e);
  }
  if (rc != SQLITE_DONE) return sqlite_status(db_, rc, where + ": reading events");
  if (!ls.request_conn_ids.empty()) {
    // A request's conn_id column is its call's ConnID once the call has one, counting
    // the events the request itself caused (as the recorder writes it).
    std::vector<uint64_t> conn(config.call_names.size(), 0);
    std::size_t next = 0;
    for (std::size_t i = 0; i < ls.session.stimuli.size(); ++i) {
      for (; next < out->size() && (*out)[next].request_seq <= i + 1; ++next) {
        const Event& e = (*out)[next];
        if (e.call != kNoCall && e.has(Attr::kConnId)) conn[e.call] = e.conn_id;
      }
      const Stimulus& x = ls.session.stimuli[i];
      uint64_t expected = shape_of(x.kind).has_call ? conn[x.call] : 0;
      if (ls.request_conn_ids[i] != expected) {
        return Status::corrupt(where + " request " + std::to_string(i + 1) +
                               ": column conn_id differs from its call's events");
      }
    }
  }
  if (static_cast<int64_t>(out->size()) != ls.info.event_count) {
    return Status::corrupt(where + ": " + std::to_string(out->size()) +
                           " event rows, but the session records " +
                           std::to_string(ls.info.event_count) + " (column event_count)");
  }
  if (digest_string(digest) != ls.info.digest) {
    return Status::corrupt(where + ": its events hash to digest " + digest_string(digest) +
                           ", but the session records " + quote(ls.info.digest) +
                           " (column digest; a row was altered, added or deleted)");
  }
  return Status::ok();
}

Status Journal::check_orphans() {
  if (orphans_checked_) return Status::ok();
  for (const char* table : {"requests", "events"}) {
    Stmt st;
    // Each distinct session_id of the table, found by seeking its primary key (a
    // recursive skip scan: one seek per session, not a read of every row), that names
    // no session; with its first seq.
    std::string t = table;
    std::string sql = "WITH RECURSIVE ids(id) AS (SELECT (SELECT min(session_id) FROM " + t +
                      ") UNION ALL SELECT (SELECT min(session_id) FROM " + t +
                      " WHERE session_id > id) FROM ids WHERE id IS NOT NULL) "
                      "SELECT id, (SELECT min(seq) FROM " +
                      t +
                      " WHERE session_id = id), quote(id) FROM ids WHERE id IS NOT "
                      "NULL AND id NOT IN (SELECT session_id FROM sessions) LIMIT 1";
    Status s = st.prepare(db_, sql);
    if (!s.is_ok()) return Status::corrupt(path_ + ": " + s.message());
    int rc = st.step();
    if (rc == SQLITE_ROW) {
      // A session_id that is not an integer is named as it is stored (5.5, '5x', X'05'):
      // read as an integer it could name another, existing session.
      std::string id = sqlite3_column_type(st.get(), 0) == SQLITE_INTEGER
                           ? "session " + std::to_string(st.col_int(0))
                           : "with session_id " + printable(st.col_text(2), 64) + " (" +
                                 storage_class_name(sqlite3_column_type(st.get(), 0)) + ")";
      return Status::corrupt(path_ + ": " + table + " row " + id + " seq " +
                             std::string(st.col_text(1)) +
                             " belongs to no session (column session_id)");
    }
    if (rc != SQLITE_DONE)
      return sqlite_status(db_, rc, path_ + ": checking " + table + " for orphan rows");
  }
  if (Status s = check_log_tables(*this); !s.is_ok()) return s;  // storage/log_store.cc
  orphans_checked_ = true;
  return Status::ok();
}

Status Journal::read_session(int64_t id, LoadedSession* out, std::vector<Event>* events) {
  Status s = check_orphans();
  if (!s.is_ok()) return s;
  s = load_session(id, out, Check::kColumns);
  if (!s.is_ok()) return s;
  s = load_events(*out, events);
  if (!s.is_ok() || !out->session.observed) return s;
  return check_log_rows(*this, *out, events->size());  // storage/log_store.cc
}

Status Journal::stream_events(int64_t id, EventStream* out) {
  out->session_ = id;
  out->rows_ = 0;
  Status s =
      prepare("SELECT seq, request_seq, payload FROM events WHERE session_id = ? ORDER BY seq",
              &out->stmt_);
  if (!s.is_ok()) return s;
  out->stmt_->bind_int(1, id);
  return Status::ok();
}

bool Journal::EventStream::next(EventRow* row, Status* status) {
  Stmt& stmt = *stmt_;
  int rc = stmt.step();
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) {
    sqlite3* db = sqlite3_db_handle(stmt.get());
    const char* file = sqlite3_db_filename(db, "main");
    *status = sqlite_status(db, rc,
                            std::string(file ? file : "the journal") + " session " +
                                std::to_string(session_) + ": reading event " +
                                std::to_string(rows_ + 1));
    return false;
  }
  if (++rows_ > limits::kMaxEventsPerSession) {
    *status = Status::corrupt("session " + std::to_string(session_) + ": too many events");
    return false;
  }
  int64_t seq = stmt.col_int(0), request_seq = stmt.col_int(1);
  if (seq <= 0 || seq > UINT32_MAX || request_seq <= 0 || request_seq > UINT32_MAX) {
    *status = Status::corrupt("session " + std::to_string(session_) + ": event row with seq " +
                              std::to_string(seq) + " request_seq " + std::to_string(request_seq));
    return false;
  }
  row->seq = static_cast<uint32_t>(seq);
  row->request_seq = static_cast<uint32_t>(request_seq);
  row->payload = stmt.col_blob(2);
  row->size = stmt.col_bytes(2);
  return true;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace callbench
