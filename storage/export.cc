// decode() for SQL, and exporting one session as a bug-report journal.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/columns.h"
#include "storage/journal.h"
#include "storage/log_store.h"

namespace callbench {
namespace {

void decode_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_error(ctx, "decode(): the argument is not a payload BLOB", -1);
    return;
  }
  auto data = static_cast<const uint8_t*>(sqlite3_value_blob(argv[0]));
  auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  std::string json;
  Status s = payload_json(data, size, &json);
  if (!s.is_ok()) {
    std::string msg = "decode(): " + s.message();
    sqlite3_result_error(ctx, msg.c_str(), static_cast<int>(msg.size()));
    return;
  }
  sqlite3_result_text(ctx, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
}

// Copies the rows `select` returns (bound to the session) into `insert`, column by column.
Status copy_rows(sqlite3* from, sqlite3* to, const std::string& select, const std::string& insert,
                 int64_t id, const std::string& what) {
  Stmt src, dst;
  Status s = src.prepare(from, select);
  if (s.is_ok()) s = dst.prepare(to, insert);
  if (!s.is_ok()) return s;
  src.bind_int(1, id);
  int rc;
  while ((rc = src.step()) == SQLITE_ROW) {
    int n = sqlite3_column_count(src.get());
    for (int i = 0; i < n; ++i)
      sqlite3_bind_value(dst.get(), i + 1, sqlite3_column_value(src.get(), i));
    s = dst.run("writing " + what);
    if (!s.is_ok()) return s;
  }
  if (rc != SQLITE_DONE) return sqlite_status(from, rc, "reading " + what);
  return Status::ok();
}

// The columns of `table` in `db` (PRAGMA table_info), empty when there is no such table.
Status table_columns(sqlite3* db, const std::string& table, std::vector<std::string>* out) {
  out->clear();
  Stmt st;
  Status s = st.prepare(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  if (!s.is_ok()) return s;
  sqlite3_bind_text(st.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out->emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
  if (rc != SQLITE_DONE) return sqlite_status(db, rc, "reading the columns of " + table);
  return Status::ok();
}

// The log tables of an imported session (storage/log_store.h: log_files, the log
// columns of its events and requests, log_other, and any further log_ table with a
// session_id): created in the bug report as the import
// creates them, then the session's rows copied by the columns both sides have, so the
// exported session keeps its file, lines, times and every attribute outside the model.
Status copy_log_tables(sqlite3* from, sqlite3* to, int64_t id) {
  Stmt list;
  Status s = list.prepare(from,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE "
                          "'log\\_%' ESCAPE '\\' ORDER BY name");
  if (!s.is_ok()) return s;
  std::vector<std::string> tables;
  int rc;
  while ((rc = list.step()) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list.get(), 0)));
  if (rc != SQLITE_DONE) return sqlite_status(from, rc, "listing the log tables");
  if (tables.empty()) return Status::ok();  // a journal nothing was imported into
  s = ensure_log_tables(to);
  if (!s.is_ok()) return s;
  for (const std::string& t : tables) {
    // Copied below by kind, from either layout into this one.
    if (t == "log_rows" || t == "log_other") continue;
    std::vector<std::string> src, dst, both;
    s = table_columns(from, t, &src);
    if (s.is_ok()) s = table_columns(to, t, &dst);
    if (!s.is_ok()) return s;
    if (std::find(src.begin(), src.end(), "session_id") == src.end()) continue;
    if (dst.empty()) continue;  // a table this version does not know
    for (const std::string& c : src)
      if (std::find(dst.begin(), dst.end(), c) != dst.end()) both.push_back(c);
    std::string cols, marks;
    for (const std::string& c : both) {
      cols += (cols.empty() ? "\"" : ", \"") + c + "\"";
      marks += marks.empty() ? "?" : ", ?";
    }
    s = copy_rows(from, to, "SELECT " + cols + " FROM \"" + t + "\" WHERE session_id = ?",
                  "INSERT INTO \"" + t + "\" (" + cols + ") VALUES (" + marks + ")", id, t);
    if (!s.is_ok()) return s;
  }
  // Every message's log columns through log_rows (a view of the events', requests' and
  // log_other's in this layout, a table in a journal imported into by an earlier
  // version): onto the exported events and requests rows, the others into log_other.
  for (const char* kind : {"event", "request"}) {
    std::string table = std::string(kind) + "s";
    s = copy_rows(from, to,
                  std::string("SELECT line, time, call_uuid, payload, session_id, seq FROM "
                              "log_rows WHERE session_id = ? AND kind = '") +
                      kind + "' ORDER BY seq",
                  "UPDATE " + table +
                      " SET line = ?, time = ?, call_uuid = ?, log_payload = ? WHERE session_id "
                      "= ? AND seq = ?",
                  id, std::string(kind) + " log columns");
    if (!s.is_ok()) return s;
  }
  return copy_rows(from, to,
                   "SELECT session_id, seq, line, time, call_uuid, message, conn_id, this_dn, "
                   "payload FROM log_rows WHERE session_id = ? AND kind = 'other' ORDER BY seq",
                   "INSERT INTO log_other (session_id, seq, line, time, call_uuid, message, "
                   "conn_id, this_dn, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   id, "log rows");
}

}  // namespace

Status register_sql_functions(sqlite3* db) {
  int rc = sqlite3_create_function_v2(db, "decode", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                      decode_function, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db, rc, "registering decode()");
  return register_log_sql_functions(db);  // log_attr(): storage/log_store.h
}

Status export_session(Journal& source, int64_t id, const std::string& out_path, bool overwrite) {
  struct stat st, src;
  if (out_path.empty()) return Status::invalid("--out: the path is empty");
  // Neither the journal nor a file SQLite keeps beside it (its -wal, -shm, -journal), by
  // the path they resolve to: writing there would corrupt the journal being read.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code e1, e2;
    std::filesystem::path a = std::filesystem::weakly_canonical(out_path, e1);
    std::filesystem::path b = std::filesystem::weakly_canonical(source.path() + suffix, e2);
    if (!e1 && !e2 && a == b) {
      return Status::invalid(
          out_path + ": is " +
          (*suffix ? std::string("a file SQLite keeps beside ") : std::string()) +
          "the journal being exported (" + source.path() + "); choose another --out");
    }
  }
  if (::stat(out_path.c_str(), &st) == 0) {
    // Compared by identity, not by spelling: ./j.db, a symlink or a hard link to the
    // source is the source, and --force must never replace it with the bug report.
    if (::stat(source.path().c_str(), &src) == 0 && st.st_dev == src.st_dev &&
        st.st_ino == src.st_ino) {
      return Status::invalid(out_path + ": is the journal being exported (" + source.path() +
                             "); choose another --out");
    }
    if (S_ISDIR(st.st_mode))
      return Status::invalid(out_path + ": is a directory; --out names the file to write");
    if (!overwrite)
      return Status::invalid(out_path + ": already exists (use --force to overwrite it)");
  }
  // Only a session that reads back valid becomes a bug report.
  LoadedSession ls;
  std::vector<Event> events;
  Status s = source.read_session(id, &ls, &events);
  if (!s.is_ok()) return s;

  std::string tmp = out_path + ".tmp-" + std::to_string(::getpid());
  auto cleanup = [&] {
    std::remove(tmp.c_str());
    std::remove((tmp + "-wal").c_str());
    std::remove((tmp + "-shm").c_str());
    std::remove((tmp + "-journal").c_str());
  };
  cleanup();
  {
    std::unique_ptr<Journal> out;
    s = Journal::open(tmp, Journal::Mode::kWrite, &out);
    if (s.is_ok()) s = exec_sql(out->db(), "BEGIN", "export");
    const std::string sid = " WHERE session_id = ?";
    if (s.is_ok()) {
      s = copy_rows(
          source.db(), out->db(),
          "SELECT session_id, seed, label, engine_version, created_at, status, request_count, "
          "event_count, digest, header FROM sessions" +
              sid,
          "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?)", id, "the session");
    }
    if (s.is_ok()) {
      s = copy_rows(source.db(), out->db(),
                    "SELECT session_id, seq, payload, " + column_list(kRequestColumns) +
                        " FROM requests" + sid + " ORDER BY seq",
                    "INSERT INTO requests (session_id, seq, payload, " +
                        column_list(kRequestColumns) + ") VALUES (?, ?, ?" +
                        placeholders(kRequestColumnCount) + ")",
                    id, "requests");
    }
    if (s.is_ok()) {
      s = copy_rows(source.db(), out->db(),
                    "SELECT session_id, seq, request_seq, payload, " + column_list(kEventColumns) +
                        " FROM events" + sid + " ORDER BY seq",
                    "INSERT INTO events (session_id, seq, request_seq, payload, " +
                        column_list(kEventColumns) + ") VALUES (?, ?, ?, ?" +
                        placeholders(kEventColumnCount) + ")",
                    id, "events");
    }
    if (s.is_ok()) s = copy_log_tables(source.db(), out->db(), id);
    // One self-contained file: leave WAL mode so no -wal/-shm travels with it.
    if (s.is_ok()) s = exec_sql(out->db(), "COMMIT; PRAGMA journal_mode=DELETE;", "export");
  }
  if (!s.is_ok()) {
    cleanup();
    if (s.code() == Status::Code::kInvalid) return Status::invalid(out_path + ": " + s.message());
    return Status(s.code() == Status::Code::kCorrupt
                      ? Status::corrupt(out_path + ": " + s.message())
                      : Status::io(out_path + ": " + s.message()));
  }
  if (std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    cleanup();
    return Status::io(out_path + ": cannot move the exported journal into place");
  }
  return Status::ok();
}

}  // namespace callbench
