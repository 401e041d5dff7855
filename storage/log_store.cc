// Imported logs' rows in the journal (storage/log_store.h).
#include "storage/log_store.h"

#include <capnp/serialize.h>

#include <cstring>

#include "core/names.h"
#include "storage/columns.h"
#include "storage/journal.capnp.h"
#include "storage/journal.h"

namespace callbench {
namespace {

namespace cp = ::capnp;

// The log tables, in the layout of this version: each imported event and request keeps
// its log columns on its own row (line, time, call_uuid, log_payload; NULL in played
// sessions), so a message is one row write; messages outside the model are log_other
// rows; the view log_rows shows every message of a log, one row each, as the table of
// that name did before (journals imported by earlier versions still have that table:
// migrate() moves them to this layout on their next import).
const char* const kLogFiles = R"sql(
CREATE TABLE IF NOT EXISTS log_files (
  session_id    INTEGER PRIMARY KEY REFERENCES sessions (session_id),
  source_file   TEXT NOT NULL,     -- the imported file, as given
  lines         INTEGER NOT NULL,  -- its lines
  messages      INTEGER NOT NULL,  -- message blocks read (events, requests, others)
  backup_copies INTEGER NOT NULL,  -- [BSYNC] copies skipped (not new messages)
  unreadable    INTEGER NOT NULL,  -- lines read as no part of the log (reported)
  unusable      INTEGER NOT NULL,  -- messages the model cannot hold (kept as 'other' rows)
  truncated     INTEGER NOT NULL,  -- 1 when the last message was cut short
  anonymized    INTEGER NOT NULL   -- 1 with --anonymize
);
)sql";

const char* const kLogOther = R"sql(
CREATE TABLE IF NOT EXISTS log_other (
  session_id INTEGER NOT NULL REFERENCES sessions (session_id),
  seq        INTEGER NOT NULL,   -- 1.. among the session's other messages
  line       INTEGER NOT NULL,   -- the log's line of the message header
  time       TEXT,               -- 2015-05-29T12:21:16.438
  call_uuid  TEXT,
  message    TEXT NOT NULL,      -- RequestAttachUserData, EventACK, ...
  conn_id    TEXT,               -- the ConnID it names
  this_dn    TEXT,               -- the ThisDN it names
  payload    BLOB NOT NULL,      -- canonical Record: LogRow (every attribute)
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
)sql";

// The log columns events and requests gain on a journal's first import.
const char* const kLogColumns[][2] = {
    {"line", "INTEGER"},     // imported rows: the log's line of the message header
    {"time", "TEXT"},        // 2015-05-29T12:21:16.438
    {"call_uuid", "TEXT"},   // AttributeCallUUID
    {"log_payload", "BLOB"}  // canonical Record: LogRow (every attribute outside the model)
};

std::string log_views() {
  std::string event_cols =
      "e.session_id, e.seq, e.request_seq, e.payload, " + column_list(kEventColumns, "e.");
  std::string request_cols =
      "r.session_id, r.seq, r.payload, " + column_list(kRequestColumns, "r.");
  return R"sql(
CREATE VIEW IF NOT EXISTS log_events AS
  SELECT )sql" +
         event_cols + R"sql(, e.time, e.call_uuid, e.line, f.source_file,
         e.log_payload
  FROM events e JOIN log_files f ON f.session_id = e.session_id;
CREATE VIEW IF NOT EXISTS log_requests AS
  SELECT )sql" +
         request_cols + R"sql(, r.time, r.call_uuid, r.line, f.source_file,
         r.log_payload
  FROM requests r JOIN log_files f ON f.session_id = r.session_id;
-- Every message of an imported log, one row each: events, requests (their message is
-- the request's T-Lib name as the log writes it: TMakeCall is RequestMakeCall) and the
-- messages outside the model.
CREATE VIEW IF NOT EXISTS log_rows AS
  SELECT session_id, 'event' AS kind, seq, line, time, call_uuid, event AS message,
         NULL AS conn_id, NULL AS this_dn, log_payload AS payload
  FROM events WHERE log_payload IS NOT NULL
  UNION ALL
  SELECT session_id, 'request', seq, line, time, call_uuid, 'Request' || substr(tlib, 2),
         NULL, NULL, log_payload
  FROM requests WHERE log_payload IS NOT NULL
  UNION ALL
  SELECT session_id, 'other', seq, line, time, call_uuid, message, conn_id, this_dn, payload
  FROM log_other;
)sql";
}

std::string_view view(cp::Text::Reader t) { return std::string_view(t.cStr(), t.size()); }

// Reads one LogRow from untrusted bytes into `fn` (bounded, canonical).
template <typename Fn>
Status read_log_row(const uint8_t* data, std::size_t size, Fn&& fn) {
  if (size == 0 || size % sizeof(cp::word) != 0)
    return Status::corrupt("log row payload of " + std::to_string(size) +
                           " bytes is not whole 8-byte words");
  if (size > kMaxLogRowPayloadBytes) return Status::corrupt("log row payload exceeds the limit");
  thread_local std::vector<uint64_t> aligned;
  aligned.resize(size / sizeof(cp::word));
  std::memcpy(aligned.data(), data, size);
  kj::ArrayPtr<const cp::word> segment(reinterpret_cast<const cp::word*>(aligned.data()),
                                       aligned.size());
  cp::ReaderOptions options;
  options.traversalLimitInWords = 4 * aligned.size() + 16;
  options.nestingLimit = 24;
  try {
    cp::SegmentArrayMessageReader reader(kj::arrayPtr(&segment, 1), options);
    if (!reader.isCanonical()) return Status::corrupt("log row payload is not in canonical form");
    auto rec = reader.getRoot<schema::Record>();
    if (!rec.isLog()) return Status::corrupt("payload is not a log row");
    return fn(rec.getLog());
  } catch (const kj::Exception& e) {
    return Status::corrupt(std::string("log row payload: ") + e.getDescription().cStr());
  }
}

bool text_equals(const Stmt& st, int col, std::string_view want) {
  if (st.col_null(col)) return want.empty();
  return st.col_text(col) == want;
}

// An attribute by path "Name.key.key" in a list.
bool find_attr(cp::List<schema::LogAttribute>::Reader list, std::string_view path, std::string* out,
               int depth) {
  if (depth > 16) return false;
  std::size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  for (auto a : list) {
    if (view(a.getName()) != head) continue;
    if (dot == std::string_view::npos) {
      *out = std::string(view(a.getValue()));
      return true;
    }
    if (a.getNested() && find_attr(a.getList(), path.substr(dot + 1), out, depth + 1)) return true;
  }
  return false;
}

void log_attr_function(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  auto data = static_cast<const uint8_t*>(sqlite3_value_blob(argv[0]));
  auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  auto path_p = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  std::string path = path_p ? path_p : "";
  std::string value;
  bool found = false;
  Status s = read_log_row(data, size, [&](schema::LogRow::Reader r) {
    if (path == "CallUUID") {
      value = std::string(view(r.getCallUuid()));
      found = r.hasCallUuid();
    } else {
      found = find_attr(r.getAttributes(), path, &value, 0);
    }
    return Status::ok();
  });
  if (!s.is_ok()) {
    sqlite3_result_error(ctx, s.message().c_str(), -1);
    return;
  }
  if (!found)
    sqlite3_result_null(ctx);
  else
    sqlite3_result_text(ctx, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

bool table_exists(Journal& j, const char* name) {
  Journal::Statement lease;
  if (!j.prepare("SELECT 1 FROM sqlite_master WHERE name = ?", &lease).is_ok()) return false;
  lease->bind_text(1, name);
  return lease->step() == SQLITE_ROW;
}

}  // namespace

bool log_columns_present(sqlite3* db) {
  Stmt st;
  return st.prepare(db, "SELECT log_payload FROM events LIMIT 0").is_ok() &&
         st.prepare(db, "SELECT log_payload FROM requests LIMIT 0").is_ok();
}

// "table", "view" or "" (no such object).
std::string object_type(sqlite3* db, const char* name) {
  Stmt st;
  if (!st.prepare(db, "SELECT type FROM sqlite_schema WHERE name = ?").is_ok()) return "";
  st.bind_text(1, name);
  return st.step() == SQLITE_ROW ? std::string(st.col_text(0)) : std::string();
}

Status ensure_log_tables(sqlite3* db) {
  std::string sql;
  if (!log_columns_present(db)) {
    for (const char* table : {"events", "requests"}) {
      for (const auto& column : kLogColumns) {
        sql += std::string("ALTER TABLE ") + table + " ADD COLUMN " + column[0] + " " + column[1] +
               ";\n";
      }
    }
  }
  sql += kLogFiles;
  sql += kLogOther;
  if (object_type(db, "log_rows") == "table") {
    // A journal imported into by an earlier version: its log rows of events and
    // requests move onto those rows, the others into log_other.
    sql += R"sql(
UPDATE events SET (line, time, call_uuid, log_payload) =
  (SELECT line, time, call_uuid, payload FROM log_rows l
   WHERE l.session_id = events.session_id AND l.kind = 'event' AND l.seq = events.seq)
  WHERE session_id IN (SELECT session_id FROM log_files);
UPDATE requests SET (line, time, call_uuid, log_payload) =
  (SELECT line, time, call_uuid, payload FROM log_rows l
   WHERE l.session_id = requests.session_id AND l.kind = 'request' AND l.seq = requests.seq)
  WHERE session_id IN (SELECT session_id FROM log_files);
INSERT INTO log_other SELECT session_id, seq, line, time, call_uuid, message, conn_id, this_dn,
  payload FROM log_rows WHERE kind = 'other';
DROP VIEW IF EXISTS log_events;
DROP VIEW IF EXISTS log_requests;
DROP TABLE log_rows;
)sql";
  }
  sql += log_views();
  return exec_sql(db, sql.c_str(), "creating the log tables");
}

Status register_log_sql_functions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "log_attr", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                      nullptr, log_attr_function, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db, rc, "registering log_attr()");
  return Status::ok();
}

Status log_source_file(Journal& journal, int64_t session, std::string* file) {
  file->clear();
  if (!table_exists(journal, "log_files")) return Status::ok();
  Journal::Statement lease;
  Status s = journal.prepare("SELECT source_file FROM log_files WHERE session_id = ?", &lease);
  if (!s.is_ok()) return s;
  lease->bind_int(1, session);
  int rc = lease->step();
  if (rc == SQLITE_ROW)
    *file = std::string(lease->col_text(0));
  else if (rc != SQLITE_DONE)
    return sqlite_status(journal.db(), rc, journal.path() + ": reading log_files");
  return Status::ok();
}

Status load_log_rows(Journal& journal, int64_t session, const char* kind,
                     std::vector<LogRowRef>* out) {
  out->clear();
  if (!table_exists(journal, "log_rows")) return Status::ok();
  Journal::Statement lease;
  Status s = journal.prepare(
      "SELECT line, time, message, call_uuid FROM log_rows WHERE session_id = ? AND kind = ? ORDER "
      "BY seq",
      &lease);
  if (!s.is_ok()) return s;
  lease->bind_int(1, session);
  lease->bind_text(2, kind);
  int rc;
  while ((rc = lease->step()) == SQLITE_ROW) {
    LogRowRef r;
    r.line = static_cast<uint32_t>(lease->col_int(0));
    r.time = std::string(lease->col_text(1));
    r.message = std::string(lease->col_text(2));
    r.call_uuid = std::string(lease->col_text(3));
    out->push_back(std::move(r));
  }
  if (rc != SQLITE_DONE)
    return sqlite_status(journal.db(), rc, journal.path() + ": reading log_rows");
  return Status::ok();
}

Status load_log_payloads(Journal& journal, int64_t session,
                         std::vector<std::vector<uint8_t>>* out) {
  out->clear();
  if (!table_exists(journal, "log_rows")) return Status::ok();
  Journal::Statement lease;
  Status s = journal.prepare("SELECT payload FROM log_rows WHERE session_id = ? ORDER BY kind, seq",
                             &lease);
  if (!s.is_ok()) return s;
  lease->bind_int(1, session);
  int rc;
  while ((rc = lease->step()) == SQLITE_ROW) {
    const uint8_t* p = lease->col_blob(0);
    out->emplace_back(p, p + lease->col_bytes(0));
  }
  if (rc != SQLITE_DONE)
    return sqlite_status(journal.db(), rc, journal.path() + ": reading log_rows");
  return Status::ok();
}

Status check_log_rows(Journal& journal, const LoadedSession& ls, std::size_t events) {
  std::string where = journal.path() + " session " + std::to_string(ls.info.id);
  std::string file;
  Status s = log_source_file(journal, ls.info.id, &file);
  if (!s.is_ok()) return s;
  if (file.empty()) return Status::ok();  // an observed session from JSON lines: no log rows
  Journal::Statement lease;
  s = journal.prepare(
      "SELECT kind, seq, line, time, call_uuid, message, payload FROM log_rows WHERE session_id = "
      "? "
      "ORDER BY kind, seq",
      &lease);
  if (!s.is_ok()) return s;
  Stmt& st = *lease;
  st.bind_int(1, ls.info.id);
  std::size_t counts[3] = {0, 0, 0};  // event, other, request (the ORDER BY's order)
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    std::string_view kind = st.col_text(0);
    int k = kind == "event" ? 0 : kind == "other" ? 1 : kind == "request" ? 2 : -1;
    if (k < 0) return Status::corrupt(where + ": log row of kind '" + printable(kind, 20) + "'");
    auto expected = static_cast<int64_t>(++counts[k]);
    std::string at = where + " log row " + std::string(kind) + " " + std::to_string(expected);
    if (st.col_int(1) != expected)
      return Status::corrupt(at + " is missing (next is " + std::to_string(st.col_int(1)) + ")");
    s = read_log_row(st.col_blob(6), st.col_bytes(6), [&](schema::LogRow::Reader r) {
      if (st.col_int(2) != static_cast<int64_t>(r.getLine()))
        return Status::corrupt("column line differs from the payload");
      if (!text_equals(st, 3, view(r.getTime())))
        return Status::corrupt("column time differs from the payload");
      if (!text_equals(st, 4, view(r.getCallUuid())))
        return Status::corrupt("column call_uuid differs from the payload");
      if (!text_equals(st, 5, view(r.getMessage())))
        return Status::corrupt("column message differs from the payload");
      return Status::ok();
    });
    if (!s.is_ok()) return Status::corrupt(at + ": " + s.message());
  }
  if (rc != SQLITE_DONE) return sqlite_status(journal.db(), rc, where + ": reading log rows");
  if (counts[0] != events)
    return Status::corrupt(where + ": " + std::to_string(counts[0]) + " event log rows for " +
                           std::to_string(events) + " events");
  if (counts[2] != ls.session.stimuli.size())
    return Status::corrupt(where + ": " + std::to_string(counts[2]) + " request log rows for " +
                           std::to_string(ls.session.stimuli.size()) + " requests");
  return Status::ok();
}

}  // namespace callbench
