// Thin RAII over the SQLite C API: a prepared statement that finalizes itself, and
// errors as Status values naming what was being done.
#ifndef CALLBENCH_STORAGE_SQLITE_UTIL_H_
#define CALLBENCH_STORAGE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace callbench {

// SQLite's message for the last error on db, as a Status. Corruption and "not a
// database" are kCorrupt; everything else kIo.
Status sqlite_status(sqlite3* db, int rc, const std::string& doing);

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  ~Stmt() { sqlite3_finalize(stmt_); }

  Status prepare(sqlite3* db, std::string_view sql);
  sqlite3_stmt* get() const { return stmt_; }

  // Binding by 1-based index. Text and blobs must outlive the next step().
  void bind_int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_text(int i, const char* s) {
    if (s)
      sqlite3_bind_text(stmt_, i, s, -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(stmt_, i);
  }
  void bind_text(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void bind_blob(int i, const void* p, std::size_t n) {
    sqlite3_bind_blob(stmt_, i, p, static_cast<int>(n), SQLITE_STATIC);
  }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Steps a statement that returns no rows; resets it.
  Status run(const std::string& doing);

  int64_t col_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool col_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string_view col_text(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string_view();
  }
  const uint8_t* col_blob(int i) const {
    return static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, i));
  }
  std::size_t col_bytes(int i) const {
    return static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i));
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL with no results (several statements allowed).
Status exec_sql(sqlite3* db, const char* sql, const std::string& doing);

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_SQLITE_UTIL_H_
