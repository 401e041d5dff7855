// SqlGuard: a connection to a journal for SQL that someone else wrote (`callbench sql`
// runs queries a bug report's reader types on a journal from anywhere). It follows
// SQLite's "Defense Against the Dark Arts" for untrusted SQL and untrusted files:
//   - the file is opened read-only, with no URI names, private cache;
//   - SQLITE_DBCONFIG_DEFENSIVE on, TRUSTED_SCHEMA off, load_extension() and the
//     two-argument fts3_tokenizer() off;
//   - an authorizer that allows reading only: SELECT, reading columns, functions
//     (never fts3_tokenizer(), load_extension() or the like), recursive CTEs, and a few
//     schema-inspecting PRAGMAs; no ATTACH, no VACUUM, no writes, not even to temp;
//   - every statement must be read-only (sqlite3_stmt_readonly) before it runs;
//   - lower limits (string length, SQL length, columns, expression depth, attached
//     databases 0, ...); temporary storage in memory (no spill files) under a heap limit;
//   - a progress handler that stops the statement at a deadline or when asked to
//     (Ctrl-C): the statement ends with SQLITE_INTERRUPT and a reason().
// decode() and the journal's views keep working. Not thread-safe; stop() alone may be
// called from a signal handler.
#ifndef CALLBENCH_STORAGE_SQL_GUARD_H_
#define CALLBENCH_STORAGE_SQL_GUARD_H_

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"
#include "storage/journal.h"

namespace callbench {

class SqlGuard {
 public:
  enum class Stop { kNone, kTimeout, kInterrupted };

  // Opens `path` (a callbench journal) for untrusted SQL. `timeout` bounds each
  // statement's run time (0: no bound).
  static Status open(const std::string& path, std::chrono::milliseconds timeout,
                     std::unique_ptr<SqlGuard>* out);
  ~SqlGuard();
  SqlGuard(const SqlGuard&) = delete;
  SqlGuard& operator=(const SqlGuard&) = delete;

  // SQLite's heap for the whole process (sqlite3_hard_heap_limit64): sorts and
  // temporary tables stay in memory (temp_store=MEMORY), so a query that needs more
  // fails with SQLITE_NOMEM.
  static constexpr sqlite3_int64 kHeapLimitBytes = 512ll * 1024 * 1024;

  sqlite3* db() const { return journal_->db(); }
  Journal& journal() const { return *journal_; }
  // Verifies every session of the journal as every other reader does
  // (Journal::read_session), and that no row belongs to no session, in a read
  // transaction that the statements run afterwards share. Runs under the deadline and
  // Ctrl-C like a statement (start_clock() first; stopped() says why).
  Status verify_journal();
  // Prepares the next statement of `*tail` and checks that it only reads. *out is
  // nullptr when only white space or a comment was left.
  Status prepare(const char** tail, sqlite3_stmt** out);
  // Starts the deadline for the statement about to run.
  void start_clock();
  // Why the last statement stopped early, if it did.
  Stop stopped() const;
  // Asks the running statement to stop (async-signal-safe).
  static void stop();
  // Whether stop() was called since open().
  static bool stop_requested();

 private:
  explicit SqlGuard(std::unique_ptr<Journal> journal) : journal_(std::move(journal)) {}
  static int progress(void* self);
  static int authorize(void* self, int action, const char* a, const char* b, const char* db,
                       const char* trigger);

  std::unique_ptr<Journal> journal_;
  std::chrono::milliseconds timeout_{0};
  std::chrono::steady_clock::time_point deadline_{};
  Stop stop_ = Stop::kNone;
  std::string denied_;     // what the authorizer refused last
  bool internal_ = false;  // the guard's own SQL is being prepared or run
};

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_SQL_GUARD_H_
