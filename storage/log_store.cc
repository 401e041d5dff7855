// Imported logs' rows in the journal (storage/log_store.h).
#include "storage/log_store.h"

#include <capnp/serialize.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "core/model.h"
#include "core/names.h"
#include "storage/codec.h"
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

bool log_columns_present(sqlite3* db);
std::string object_type(sqlite3* db, const char* name);

// A journal imported into by an earlier version and not since: a log_rows table and no
// log columns on events and requests (the next import migrates it).
bool legacy_layout(sqlite3* db) {
  return object_type(db, "log_rows") == "table" && !log_columns_present(db);
}

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
  if (!table_exists(journal, "log_files")) return Status::ok();
  Journal::Statement lease;
  Status s;
  const std::string k = kind;
  if (legacy_layout(journal.db())) {
    s = journal.prepare(
        "SELECT line, time, message, call_uuid FROM log_rows WHERE session_id = ? AND kind = ? "
        "ORDER BY seq",
        &lease);
  } else {
    // The tables themselves, not the view (which a reader of the file could redefine).
    s = journal.prepare(
        k == "event" ? "SELECT line, time, event, call_uuid FROM events WHERE session_id = ? AND "
                       "log_payload IS NOT NULL AND ? IS NOT NULL ORDER BY seq"
        : k == "request"
            ? "SELECT line, time, 'Request' || substr(tlib, 2), call_uuid FROM requests WHERE "
              "session_id = ? AND log_payload IS NOT NULL AND ? IS NOT NULL ORDER BY seq"
            : "SELECT line, time, message, call_uuid FROM log_other WHERE session_id = ? AND ? "
              "IS NOT NULL ORDER BY seq",
        &lease);
  }
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
  if (!table_exists(journal, "log_files")) return Status::ok();
  Journal::Statement lease;
  // In (kind, seq) order: event, other, request; from the tables, not the view.
  Status s = journal.prepare(
      legacy_layout(journal.db())
          ? "SELECT payload FROM log_rows WHERE session_id = ? ORDER BY kind, seq"
          : "SELECT payload FROM (SELECT 1 AS k, seq, log_payload AS payload FROM events WHERE "
            "session_id = ?1 AND log_payload IS NOT NULL UNION ALL SELECT 2, seq, payload FROM "
            "log_other WHERE session_id = ?1 UNION ALL SELECT 3, seq, log_payload FROM requests "
            "WHERE session_id = ?1 AND log_payload IS NOT NULL) ORDER BY k, seq",
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

namespace {

// The layout of journals imported into by an earlier version and not since (a log_rows
// table): their rows checked as that version did.
Status check_legacy_log_rows(Journal& journal, const LoadedSession& ls, std::size_t events) {
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

}  // namespace

namespace {

int col_type(const Stmt& st, int col) { return sqlite3_column_type(st.get(), col); }

// A TEXT column holding exactly what the payload holds: NULL when the payload has no
// such field (import writes NULL, never ''), else text (not a blob) of the same bytes.
bool text_column_is(const Stmt& st, int col, bool present, std::string_view want) {
  if (!present) return col_type(st, col) == SQLITE_NULL;
  if (col_type(st, col) != SQLITE_TEXT) return false;
  std::string_view have = st.col_text(col);
  return have.size() == want.size() && std::memcmp(have.data(), want.data(), want.size()) == 0;
}

// What import writes in a log_other row's conn_id and this_dn (import/log_session.cc):
// the first ConnID among its attributes that reads as one, in lower case, and the first
// non-empty ThisDN; "" for none (NULL).
void other_row_names(schema::LogRow::Reader r, std::string* conn_id, std::string* this_dn) {
  conn_id->clear();
  this_dn->clear();
  for (auto a : r.getAttributes()) {
    std::string_view name = view(a.getName());
    if (name == "ConnID" && conn_id->empty()) {
      if (std::optional<uint64_t> c = parse_conn_id_any_case(view(a.getValue())))
        *conn_id = conn_id_string(*c);
    }
    if (name == "ThisDN" && this_dn->empty()) *this_dn = std::string(view(a.getValue()));
  }
}

// A message import may have taken into the model (an event type it knows or one of its
// requests): kept as a log_other row only when the model could not hold it, with no
// conn_id or this_dn, or when the log wrote it as another kind of message, with them.
bool maybe_model_message(std::string_view name) {
  if (parse_event_name(name)) return true;
  for (const char* r : {"RequestMakeCall", "RequestAnswerCall", "RequestReleaseCall",
                        "RequestHoldCall", "RequestRetrieveCall", "RequestRouteCall"}) {
    if (name == r) return true;
  }
  return false;
}

// One log table's rows of a session in seq order: result columns seq, message, line,
// time, call_uuid, payload (and for log_other conn_id, this_dn).
struct RowScan {
  const char* kind;            // "event", "request", "other"
  const char* payload_column;  // "log_payload" or "payload"
  bool other = false;
  std::size_t rows = 0;
  uint32_t last_line = 0;
};

Status check_row(const Stmt& st, RowScan& scan, const std::string& where,
                 std::vector<uint32_t>* lines) {
  auto expected = static_cast<int64_t>(++scan.rows);
  std::string at = where + " log row " + scan.kind + " " + std::to_string(expected);
  if (col_type(st, 0) != SQLITE_INTEGER)
    return Status::corrupt(at + ": column seq holds " + storage_class_name(col_type(st, 0)) +
                           ", not INTEGER");
  if (st.col_int(0) != expected)
    return Status::corrupt(at + " is missing (next is " + std::to_string(st.col_int(0)) + ")");
  if (col_type(st, 5) != SQLITE_BLOB) {
    return Status::corrupt(at + ": column " + scan.payload_column + " holds " +
                           storage_class_name(col_type(st, 5)) +
                           ", not BLOB (every row of an imported log keeps its LogRow payload)");
  }
  Status s = read_log_row(st.col_blob(5), st.col_bytes(5), [&](schema::LogRow::Reader r) {
    if (col_type(st, 2) != SQLITE_INTEGER || st.col_int(2) != static_cast<int64_t>(r.getLine()))
      return Status::corrupt("column line differs from the payload");
    if (!text_column_is(st, 3, r.hasTime(), view(r.getTime())))
      return Status::corrupt("column time differs from the payload");
    if (!text_column_is(st, 4, r.hasCallUuid(), view(r.getCallUuid())))
      return Status::corrupt("column call_uuid differs from the payload");
    if (!r.hasMessage() || !text_column_is(st, 1, true, view(r.getMessage())))
      return Status::corrupt(std::string(scan.other ? "column message" : "its message") +
                             " differs from the payload");
    if (r.getLine() == 0) return Status::corrupt("payload line 0 is no line of a log");
    if (r.getLine() <= scan.last_line) {
      return Status::corrupt("line " + std::to_string(r.getLine()) + " is not after line " +
                             std::to_string(scan.last_line) + " of the row before (column line)");
    }
    scan.last_line = r.getLine();
    lines->push_back(r.getLine());
    if (scan.other) {
      std::string conn_id, this_dn;
      other_row_names(r, &conn_id, &this_dn);
      // Kept from the model (NULL names) or outside it (its names).
      bool unnamed_ok = maybe_model_message(view(r.getMessage()));
      auto names_ok = [&](int col, const std::string& want) {
        const bool null = col_type(st, col) == SQLITE_NULL;
        return (unnamed_ok && null) || text_column_is(st, col, !want.empty(), want);
      };
      if (!names_ok(6, conn_id)) return Status::corrupt("column conn_id differs from the payload");
      if (!names_ok(7, this_dn)) return Status::corrupt("column this_dn differs from the payload");
    }
    return Status::ok();
  });
  if (!s.is_ok()) return Status::corrupt(at + ": " + s.message());
  return Status::ok();
}

Status scan_rows(Journal& journal, const std::string& sql, int64_t session, RowScan& scan,
                 const std::string& where, std::vector<uint32_t>* lines) {
  Journal::Statement lease;
  Status s = journal.prepare(sql, &lease);
  if (!s.is_ok()) return s;
  lease->bind_int(1, session);
  int rc;
  while ((rc = lease->step()) == SQLITE_ROW) {
    s = check_row(*lease, scan, where, lines);
    if (!s.is_ok()) return s;
  }
  if (rc != SQLITE_DONE)
    return sqlite_status(journal.db(), rc, where + ": reading the " + scan.kind + " log rows");
  return Status::ok();
}

// The log_files columns, in the table's order.
const char* const kLogFileCounts[] = {"lines",    "messages",  "backup_copies", "unreadable",
                                      "unusable", "truncated", "anonymized"};

}  // namespace

Status check_log_rows(Journal& journal, const LoadedSession& ls, std::size_t events) {
  if (legacy_layout(journal.db())) return check_legacy_log_rows(journal, ls, events);
  // Without the log tables, or without a log_files row (a JSON-lines stream): no log
  // row may name the session, which check_log_tables (once per journal) made sure of.
  if (object_type(journal.db(), "log_files") != "table") return Status::ok();
  const std::string where = journal.path() + " session " + std::to_string(ls.info.id);
  const std::string at_file = where + " log_files row";
  int64_t counts[7] = {};
  {
    Journal::Statement lease;
    Status s = journal.prepare(
        "SELECT source_file, lines, messages, backup_copies, unreadable, unusable, truncated, "
        "anonymized FROM log_files WHERE session_id = ?",
        &lease);
    if (!s.is_ok()) return s;
    const Stmt& st = *lease;
    lease->bind_int(1, ls.info.id);
    int rc = lease->step();
    if (rc == SQLITE_DONE) return Status::ok();
    if (rc != SQLITE_ROW) return sqlite_status(journal.db(), rc, at_file + ": reading it");
    // The type first: reading a value as text converts it.
    const int file_type = col_type(st, 0);
    std::string_view file = st.col_text(0);
    if (file_type != SQLITE_TEXT || file.empty() || file.find('\0') != std::string_view::npos) {
      return Status::corrupt(
          at_file + ": column source_file " +
          (file_type == SQLITE_TEXT
               ? std::string("names no file")
               : "holds " + std::string(storage_class_name(file_type)) + ", not TEXT") +
          ", not the imported file's name");
    }
    for (int i = 0; i < 7; ++i) {
      const std::string column = std::string("column ") + kLogFileCounts[i];
      if (col_type(st, i + 1) != SQLITE_INTEGER)
        return Status::corrupt(at_file + ": " + column + " holds " +
                               storage_class_name(col_type(st, i + 1)) + ", not INTEGER");
      counts[i] = st.col_int(i + 1);
      if (counts[i] < 0 || (i >= 5 && counts[i] > 1)) {
        return Status::corrupt(at_file + ": " + column + " " + std::to_string(counts[i]) +
                               (i >= 5 ? " is neither 0 nor 1" : " is negative"));
      }
    }
  }
  std::vector<uint32_t> lines;
  RowScan event_scan{"event", "log_payload"}, request_scan{"request", "log_payload"},
      other_scan{"other", "payload", true};
  Status s = scan_rows(
      journal,
      "SELECT seq, event, line, time, call_uuid, log_payload FROM events WHERE session_id = ? "
      "ORDER BY seq",
      ls.info.id, event_scan, where, &lines);
  if (s.is_ok()) {
    s = scan_rows(journal,
                  "SELECT seq, 'Request' || substr(tlib, 2), line, time, call_uuid, log_payload "
                  "FROM requests WHERE session_id = ? ORDER BY seq",
                  ls.info.id, request_scan, where, &lines);
  }
  if (s.is_ok()) {
    s = scan_rows(journal,
                  "SELECT seq, message, line, time, call_uuid, payload, conn_id, this_dn FROM "
                  "log_other WHERE session_id = ? ORDER BY seq",
                  ls.info.id, other_scan, where, &lines);
  }
  if (!s.is_ok()) return s;
  if (event_scan.rows != events)
    return Status::corrupt(where + ": " + std::to_string(event_scan.rows) + " event log rows for " +
                           std::to_string(events) + " events");
  if (request_scan.rows != ls.session.stimuli.size())
    return Status::corrupt(where + ": " + std::to_string(request_scan.rows) +
                           " request log rows for " + std::to_string(ls.session.stimuli.size()) +
                           " requests");
  // Two messages never start on one line.
  std::sort(lines.begin(), lines.end());
  auto twice = std::adjacent_find(lines.begin(), lines.end());
  if (twice != lines.end())
    return Status::corrupt(where + ": two log rows name line " + std::to_string(*twice) +
                           " (column line)");
  // log_files' counts as import writes them: every message read is a row; the unusable
  // ones are among the others; every message, backup copy, unreadable line and the cut
  // last message take lines of their own, and the cut message comes after every row.
  const int64_t lines_count = counts[0], messages = counts[1], backups = counts[2],
                unreadable = counts[3], unusable = counts[4], truncated = counts[5];
  const auto rows = static_cast<int64_t>(lines.size());
  if (messages != rows) {
    return Status::corrupt(at_file + ": column messages " + std::to_string(messages) +
                           " differs from its " + std::to_string(rows) + " log rows");
  }
  if (unusable > static_cast<int64_t>(other_scan.rows)) {
    return Status::corrupt(at_file + ": column unusable " + std::to_string(unusable) +
                           " exceeds its " + std::to_string(other_scan.rows) +
                           " rows outside the model (log_other)");
  }
  const int64_t last = lines.empty() ? 0 : lines.back();
  if (lines_count < last + truncated) {
    return Status::corrupt(at_file + ": column lines " + std::to_string(lines_count) +
                           " is less than line " + std::to_string(last) + " of its last row" +
                           (truncated ? " and the cut message after it" : ""));
  }
  if (lines_count < messages + backups + unreadable + truncated) {
    return Status::corrupt(at_file + ": column lines " + std::to_string(lines_count) +
                           " is less than its messages, backup copies, unreadable lines and cut "
                           "message take (" +
                           std::to_string(messages + backups + unreadable + truncated) + ")");
  }
  return Status::ok();
}

Status check_log_tables(Journal& journal) {
  sqlite3* db = journal.db();
  const std::string& path = journal.path();
  const std::string files = object_type(db, "log_files"), other = object_type(db, "log_other");
  const bool columns = log_columns_present(db);
  const std::string rows = object_type(db, "log_rows");
  const bool legacy = rows == "table" && !columns;
  if (files.empty() && other.empty() && !columns && rows.empty())
    return Status::ok();  // never imported into
  if (rows == "table" && columns)
    return Status::corrupt(path +
                           ": a log_rows table beside the log columns of events and requests (an "
                           "import moves its rows onto them)");
  if (files != "table" || (!legacy && (other != "table" || !columns))) {
    return Status::corrupt(
        path + ": the log tables are incomplete (" +
        (files != "table"
             ? std::string("log_files is ") + (files.empty() ? "missing" : "a " + files)
         : other != "table"
             ? std::string("log_other is ") + (other.empty() ? "missing" : "a " + other)
             : std::string("events or requests lack the log columns")) +
        ")");
  }
  // Every log_files row is an imported session's.
  {
    Journal::Statement lease;
    Status s = journal.prepare(
        "SELECT l.session_id, s.session_id IS NULL, s.header FROM log_files l LEFT JOIN sessions "
        "s ON s.session_id = l.session_id ORDER BY l.session_id",
        &lease);
    if (!s.is_ok()) return s;
    int rc;
    while ((rc = lease->step()) == SQLITE_ROW) {
      std::string id = std::to_string(lease->col_int(0));
      if (lease->col_int(1) != 0)
        return Status::corrupt(path + ": log_files row session " + id +
                               " belongs to no session (column session_id)");
      SessionConfig config;
      std::string engine;
      ModelInfo model;
      HeaderFlags flags;
      // A header that does not decode is read_session's to name.
      if (decode_header(lease->col_blob(2), lease->col_bytes(2), &config, &engine, &model, &flags)
              .is_ok() &&
          !flags.observed) {
        return Status::corrupt(path + ": log_files row session " + id +
                               " names a session that is not an imported log (column session_id)");
      }
    }
    if (rc != SQLITE_DONE) return sqlite_status(db, rc, path + ": reading log_files");
  }
  if (legacy) return Status::ok();
  // Every log_other row belongs to a session with a log_files row, by an integer id.
  {
    Journal::Statement lease;
    Status s = journal.prepare(
        "SELECT quote(session_id), session_id, quote(seq) FROM log_other WHERE "
        "typeof(session_id) != 'integer' OR session_id NOT IN (SELECT session_id FROM log_files) "
        "LIMIT 1",
        &lease);
    if (!s.is_ok()) return s;
    int rc = lease->step();
    if (rc == SQLITE_ROW) {
      // Named as Journal::check_orphans names a row: a non-integer id as it is stored.
      const int type = col_type(*lease, 1);
      std::string id = type == SQLITE_INTEGER
                           ? "session " + printable(lease->col_text(0), 40)
                           : "with session_id " + printable(lease->col_text(0), 40) + " (" +
                                 storage_class_name(type) + ")";
      return Status::corrupt(
          path + ": log_other row " + id + " seq " + printable(lease->col_text(2), 40) +
          (type == SQLITE_INTEGER ? " belongs to no imported session" : " belongs to no session") +
          " (column session_id)");
    }
    if (rc != SQLITE_DONE) return sqlite_status(db, rc, path + ": checking log_other");
  }
  // No events or requests row of a session without a log_files row (played, or a
  // JSON-lines stream) holds log columns.
  for (const char* table : {"events", "requests"}) {
    Journal::Statement lease;
    Status s = journal.prepare(
        std::string("SELECT session_id, seq, line IS NOT NULL, time IS NOT NULL, call_uuid IS NOT "
                    "NULL FROM ") +
            table +
            " WHERE (line IS NOT NULL OR time IS NOT NULL OR call_uuid IS NOT NULL OR log_payload "
            "IS NOT NULL) AND session_id NOT IN (SELECT session_id FROM log_files) LIMIT 1",
        &lease);
    if (!s.is_ok()) return s;
    int rc = lease->step();
    if (rc == SQLITE_ROW) {
      const char* column = lease->col_int(2)   ? "line"
                           : lease->col_int(3) ? "time"
                           : lease->col_int(4) ? "call_uuid"
                                               : "log_payload";
      return Status::corrupt(path + " session " + std::to_string(lease->col_int(0)) + " " +
                             (table[0] == 'e' ? "event " : "request ") +
                             std::to_string(lease->col_int(1)) + ": column " + column +
                             " is set, but the session is no imported log (it has no log_files "
                             "row): it must be NULL");
    }
    if (rc != SQLITE_DONE) return sqlite_status(db, rc, path + ": checking " + table);
  }
  return Status::ok();
}

}  // namespace callbench
