#include "storage/sql_guard.h"

#include <csignal>
#include <cstring>
#include <vector>

namespace callbench {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

// Lower limits than SQLite's defaults, after the values its security page suggests;
// raised where a journal query needs more (json_object() pairs, views, nested ANDs).
struct Limit {
  int id;
  int value;
};
constexpr Limit kLimits[] = {
    {SQLITE_LIMIT_LENGTH, 1000000},  // a header payload is at most 64 KiB
    {SQLITE_LIMIT_SQL_LENGTH, 100000},  {SQLITE_LIMIT_COLUMN, 100},
    {SQLITE_LIMIT_EXPR_DEPTH, 100},     {SQLITE_LIMIT_COMPOUND_SELECT, 20},
    {SQLITE_LIMIT_VDBE_OP, 100000},     {SQLITE_LIMIT_FUNCTION_ARG, 32},
    {SQLITE_LIMIT_ATTACHED, 0},         {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100},
    {SQLITE_LIMIT_VARIABLE_NUMBER, 10}, {SQLITE_LIMIT_TRIGGER_DEPTH, 10},
};
// VM instructions between two looks at the clock.
constexpr int kProgressInstructions = 1000;

// Functions no reader needs that reach outside the database or the process.
constexpr const char* kDeniedFunctions[] = {"fts3_tokenizer", "load_extension", "readfile",
                                            "writefile", "edit"};

// PRAGMAs that only describe the schema or check the file; anything else (and any with a value to
// set other than a table name) is refused.
constexpr const char* kAllowedPragmas[] = {"table_info",       "table_xinfo",     "table_list",
                                           "index_list",       "index_info",      "index_xinfo",
                                           "foreign_key_list", "integrity_check", "quick_check"};
constexpr const char* kAllowedReadPragmas[] = {"user_version", "application_id", "schema_version",
                                               "page_size",    "page_count",     "journal_mode",
                                               "encoding",     "temp_store"};

bool equals_any(const char* s, const char* const* list, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (s && sqlite3_stricmp(s, list[i]) == 0) return true;
  }
  return false;
}

}  // namespace

Status SqlGuard::open(const std::string& path, std::chrono::milliseconds timeout,
                      std::unique_ptr<SqlGuard>* out) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  if (!s.is_ok()) return s;
  sqlite3* db = j->db();
  std::unique_ptr<SqlGuard> g(new SqlGuard(std::move(j)));
  g->timeout_ = timeout;
  struct {
    int op;
    int on;
  } configs[] = {
      {SQLITE_DBCONFIG_DEFENSIVE, 1},
      {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
      {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
      {SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0},
      {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0},
      {SQLITE_DBCONFIG_ENABLE_VIEW, 1},
  };
  for (const auto& c : configs) {
    int now = -1;
    int rc = sqlite3_db_config(db, c.op, c.on, &now);
    if (rc != SQLITE_OK || now != c.on)
      return sqlite_status(db, rc, path + ": securing the SQL connection");
  }
  for (const Limit& l : kLimits) sqlite3_limit(db, l.id, l.value);
  // Sorts, temporary b-trees and materialized views stay in memory, under the heap
  // limit: untrusted SQL writes no spill file (SQLITE_TMPDIR), and a query that needs
  // more memory fails with SQLITE_NOMEM instead of filling a disk or the machine's memory.
  s = exec_sql(db, "PRAGMA temp_store = MEMORY", path + ": securing the SQL connection");
  if (!s.is_ok()) return s;
  sqlite3_hard_heap_limit64(kHeapLimitBytes);
  s = register_sql_functions(db);
  if (!s.is_ok()) return s;
  // The allowed PRAGMAs' table-valued forms (SELECT * FROM pragma_user_version): SQLite
  // declares such a table once per connection, the first time a statement names it, as
  // a schema change the authorizer would refuse. Declared here, before the authorizer,
  // they read like any table; the authorizer still checks each one's PRAGMA and
  // arguments when it runs, and every other pragma_* table stays refused.
  std::vector<const char*> table_pragmas(std::begin(kAllowedPragmas), std::end(kAllowedPragmas));
  table_pragmas.insert(table_pragmas.end(), std::begin(kAllowedReadPragmas),
                       std::end(kAllowedReadPragmas));
  for (const char* name : table_pragmas) {
    Stmt declare;
    s = declare.prepare(db, std::string("SELECT * FROM pragma_") + name);
    if (!s.is_ok()) return Status::io(path + ": securing the SQL connection: " + s.message());
  }
  int rc = sqlite3_set_authorizer(db, &SqlGuard::authorize, g.get());
  if (rc != SQLITE_OK) return sqlite_status(db, rc, path + ": installing the SQL authorizer");
  sqlite3_progress_handler(db, kProgressInstructions, &SqlGuard::progress, g.get());
  g_stop_requested = 0;
  *out = std::move(g);
  return Status::ok();
}

SqlGuard::~SqlGuard() {
  if (journal_ && sqlite3_get_autocommit(journal_->db()) == 0) {
    internal_ = true;
    (void)sqlite3_exec(journal_->db(), "COMMIT", nullptr, nullptr, nullptr);
  }
  if (journal_) {
    sqlite3_progress_handler(journal_->db(), 0, nullptr, nullptr);
    sqlite3_set_authorizer(journal_->db(), nullptr, nullptr);
  }
}

Status SqlGuard::verify_journal() {
  Journal& j = *journal_;
  // One read transaction, left open for the statements that follow: verification and
  // the query see the same snapshot, even while a writer records (a session it is
  // adding is consistent in every committed transaction).
  internal_ = true;
  Status s = exec_sql(j.db(), "BEGIN", j.path() + ": starting to read");
  if (s.is_ok()) s = j.check_orphans();
  std::vector<SessionInfo> all;
  if (s.is_ok()) s = j.sessions(&all);
  for (std::size_t i = 0; s.is_ok() && i < all.size(); ++i) {
    LoadedSession ls;
    std::vector<Event> events;
    s = j.read_session(all[i].id, &ls, &events);
  }
  internal_ = false;
  return s;
}

void SqlGuard::stop() { g_stop_requested = 1; }

bool SqlGuard::stop_requested() { return g_stop_requested != 0; }

void SqlGuard::start_clock() {
  stop_ = Stop::kNone;
  deadline_ = std::chrono::steady_clock::now() + timeout_;
}

SqlGuard::Stop SqlGuard::stopped() const { return stop_; }

int SqlGuard::progress(void* self) {
  auto* g = static_cast<SqlGuard*>(self);
  if (g_stop_requested) {
    g->stop_ = Stop::kInterrupted;
    return 1;
  }
  if (g->timeout_.count() > 0 && std::chrono::steady_clock::now() >= g->deadline_) {
    g->stop_ = Stop::kTimeout;
    return 1;
  }
  return 0;
}

int SqlGuard::authorize(void* self, int action, const char* a, const char* b, const char* /*db*/,
                        const char* /*trigger*/) {
  auto* g = static_cast<SqlGuard*>(self);
  if (g->internal_) return SQLITE_OK;  // the guard's own verification (trusted SQL)
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      if (equals_any(b, kDeniedFunctions, std::size(kDeniedFunctions))) {
        g->denied_ = std::string("the function ") + b + "()";
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      if (equals_any(a, kAllowedPragmas, std::size(kAllowedPragmas))) return SQLITE_OK;
      if (b == nullptr && equals_any(a, kAllowedReadPragmas, std::size(kAllowedReadPragmas)))
        return SQLITE_OK;
      g->denied_ = std::string("PRAGMA ") + (a ? a : "?");
      return SQLITE_DENY;
    default:
      g->denied_.clear();
      return SQLITE_DENY;
  }
}

Status SqlGuard::prepare(const char** tail, sqlite3_stmt** out) {
  *out = nullptr;
  denied_.clear();
  sqlite3* db = journal_->db();
  const char* start = *tail;
  int rc = sqlite3_prepare_v2(db, start, -1, out, tail);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    if (!denied_.empty()) msg += " (" + denied_ + " is not allowed)";
    if ((rc & 0xff) == SQLITE_AUTH || msg.find("not authorized") != std::string::npos) {
      msg += ": callbench sql only reads (SELECT, WITH, and PRAGMAs that describe the schema)";
    }
    return Status::invalid("SQL error: " + msg);
  }
  if (*out && !sqlite3_stmt_readonly(*out)) {
    sqlite3_finalize(*out);
    *out = nullptr;
    std::string text(start, static_cast<std::size_t>(*tail - start));
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    return Status::invalid("SQL error: a statement that writes is not allowed (" + text +
                           "): callbench sql only reads");
  }
  return Status::ok();
}

}  // namespace callbench
