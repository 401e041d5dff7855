// Opening and creating journals: the format check, atomic creation beside the file,
// reading in read-only places, and leaving the file in rollback mode when the last
// writer closes (journal.h).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "storage/journal.h"

namespace callbench {
namespace {

// Version 1 of the journal schema. Tables hold the decoded columns of every payload
// for SQL; the payload is the truth and replay reads only it.
// The decoded columns of requests and events come from storage/columns.h.
std::string schema_sql() {
  return R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  session_id     INTEGER PRIMARY KEY,
  seed           TEXT NOT NULL,     -- decimal, 64-bit unsigned
  label          TEXT,
  engine_version TEXT NOT NULL,
  created_at     TEXT NOT NULL,     -- UTC; the only wall-clock value; never replayed
  status         TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
  request_count  INTEGER NOT NULL,
  event_count    INTEGER NOT NULL,
  digest         TEXT NOT NULL,     -- chained over the event payloads, in seq order
  header         BLOB NOT NULL      -- canonical Record: SessionHeader
);
CREATE TABLE IF NOT EXISTS requests (
  session_id   INTEGER NOT NULL REFERENCES sessions (session_id),
  seq          INTEGER NOT NULL,    -- 1.. in the session
  payload      BLOB NOT NULL,       -- canonical Record: Request (first, so reads reach it fast)
)sql" + column_declarations(kRequestColumns, kRequestColumnCount) +
         R"sql(  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  session_id          INTEGER NOT NULL REFERENCES sessions (session_id),
  seq                 INTEGER NOT NULL,  -- AttributeEventSequenceNumber, 1..
  request_seq         INTEGER NOT NULL,  -- the request that caused it
  payload             BLOB NOT NULL,     -- canonical Record: Event (early, so reads reach it fast)
)sql" + column_declarations(kEventColumns, kEventColumnCount) +
         R"sql(  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

-- Each event with the request that caused it.
CREATE VIEW IF NOT EXISTS event_causes AS
  SELECT e.session_id, e.seq, e.event, e.this_dn, e.call, e.conn_id, e.call_state,
         e.reference_id, e.error_code, r.seq AS request_seq, r.request, r.tlib,
         r.this_dn AS request_dn
  FROM events e JOIN requests r ON r.session_id = e.session_id AND r.seq = e.request_seq;

-- Each client request with its answer: the first event carrying its ReferenceID.
CREATE VIEW IF NOT EXISTS request_answers AS
  SELECT r.session_id, r.seq AS request_seq, r.request, r.tlib, r.this_dn, r.call,
         r.reference_id,
         (SELECT e.seq FROM events e WHERE e.session_id = r.session_id
            AND e.reference_id = r.reference_id AND e.seq >= (SELECT min(seq) FROM events x
              WHERE x.session_id = r.session_id AND x.request_seq >= r.seq)
            ORDER BY e.seq LIMIT 1) AS answer_seq
  FROM requests r WHERE r.reference_id IS NOT NULL;
)sql";
}

}  // namespace

// ---- Opening ----------------------------------------------------------------------

namespace {

// The directory part of a path ("." for a bare name), and the file name.
std::string dir_of(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
std::string base_of(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// True when the file's SQLite header says WAL mode (bytes 18 and 19 are 2).
bool header_says_wal(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char b[2] = {0, 0};
  bool wal = ::pread(fd, b, 2, 18) == 2 && b[0] == 2 && b[1] == 2;
  ::close(fd);
  return wal;
}

// A URI naming `path`, for sqlite3_open_v2 with SQLITE_OPEN_URI.
std::string file_uri(const std::string& path, const char* query) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
}

void remove_with_sidecars(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

// Builds a whole empty journal (schema, application_id, user_version) in a temporary
// file beside `path`, then moves it into place atomically: a reader sees no journal or
// a whole one, never a half-created file, and a creator killed or out of disk space
// leaves no journal behind. Creators racing for the same new journal all succeed: the
// first link wins, the others find a whole journal there and use it. A 0-byte file
// at `path` (left by an older callbench, or `touch`) is replaced under a lock.
// Removes what creators of `path` killed mid-creation left: their temporary files,
// once old enough that no live creator can still be using them (creation takes
// milliseconds; a minute is far beyond it).
void remove_stale_temporaries(const std::string& path) {
  std::string prefix = "." + base_of(path) + ".creating-";
  DIR* d = ::opendir(dir_of(path).c_str());
  if (!d) return;
  std::time_t now = std::time(nullptr);
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string full = dir_of(path) + "/" + name;
    struct stat st;
    if (::lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > 60)
      ::unlink(full.c_str());
  }
  ::closedir(d);
}

Status create_atomically(const std::string& path, const std::string& schema_sql) {
  remove_stale_temporaries(path);
  std::string tmpl = dir_of(path) + "/." + base_of(path) + ".creating-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
    return Status::invalid(path + ": cannot create the journal: its directory " + dir_of(path) +
                           " does not exist");
  }
  if (fd < 0) return Status::io(path + ": cannot create the journal: " + std::strerror(errno));
  // mkstemp makes the file 0600; a journal is shared like any file the user creates.
  mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  std::string tmp(name.data());
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(tmp.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  Status s =
      rc == SQLITE_OK ? Status::ok() : sqlite_status(db, rc, path + ": cannot create the journal");
  if (s.is_ok()) s = exec_sql(db, schema_sql.c_str(), path + ": creating the journal");
  rc = sqlite3_close(db);
  if (s.is_ok() && rc != SQLITE_OK)
    s = Status::io(path + ": creating the journal: " + sqlite3_errstr(rc));
  if (s.is_ok()) {
    int dfd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (dfd < 0 || ::fsync(dfd) != 0)
      s = Status::io(path + ": creating the journal: " + std::strerror(errno));
    if (dfd >= 0) ::close(dfd);
  }
  if (!s.is_ok()) {
    remove_with_sidecars(tmp);
    if (s.code() != Status::Code::kIo) return Status::io(s.message());
    return s;
  }
  int rc_link = ::link(tmp.c_str(), path.c_str());
  if (rc_link != 0 && (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)) {
    // A file system without hard links: the same atomic, no-replace move.
    rc_link = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  }
  if (rc_link != 0 && errno == EEXIST) {
    // Another creator was first; an empty file holding the name is replaced, under its
    // lock so that two creators cannot both replace it (the second finds it whole).
    int efd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (efd >= 0) {
      ::flock(efd, LOCK_EX);
      struct stat locked, now;
      bool empty = ::fstat(efd, &locked) == 0 && ::stat(path.c_str(), &now) == 0 &&
                   locked.st_ino == now.st_ino && locked.st_dev == now.st_dev && now.st_size == 0;
      // Whatever an older creator left beside the empty file (a hot rollback journal
      // of the empty database) must not be rolled back into the new one.
      if (empty) {
        for (const char* suffix : {"-journal", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
      }
      if (empty && ::rename(tmp.c_str(), path.c_str()) != 0) {
        s = Status::io(path + ": cannot replace the empty file: " + std::strerror(errno));
      }
      ::close(efd);
    }
  } else if (rc_link != 0) {
    s = Status::io(path + ": cannot create the journal: " + std::strerror(errno));
  }
  remove_with_sidecars(tmp);
  return s;
}

}  // namespace

namespace {

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// Finishes the work of a writer that left the file in WAL mode, or with a rollback
// journal, as SQLite itself would on the next write: a connection that may write
// checkpoints the -wal into the file (or rolls the -journal back) and switches the file
// to rollback mode, which removes -wal and -shm. Only where this process may write
// both the file and its directory; it fails harmlessly (busy) when a writer is active,
// whose -wal and -shm a reader then uses as they are.
void finish_writer(const std::string& path) {
  sqlite3* rw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &rw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) ==
          SQLITE_OK &&
      sqlite3_db_readonly(rw, "main") == 0) {
    sqlite3_busy_timeout(rw, 2000);
    // Reading the schema rolls a hot journal back; the PRAGMA checkpoints a WAL.
    (void)sqlite3_exec(rw, "PRAGMA journal_mode=DELETE; SELECT count(*) FROM sqlite_schema",
                       nullptr, nullptr, nullptr);
  }
  sqlite3_close(rw);
}

// How a reader opens the file so that SQLite creates nothing beside it (journal.h).
struct ReadPlan {
  std::string name;      // what sqlite3_open_v2 opens
  int flags = 0;         // SQLITE_OPEN_URI when `name` is one
  std::string copy_dir;  // a private directory holding a copy, removed after opening
};

// A private copy of the journal and what a killed writer left beside it (-wal or
// -journal), in a new directory under $TMPDIR, with the writer's work finished there:
// for a reader in a read-only place, where SQLite could recover that only by writing
// beside the journal.
Status private_copy(const std::string& path, ReadPlan* plan) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/callbench-read-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  auto fail = [&](const std::string& doing) {
    return Status::io(
        path + ": the writer that left " + doing +
        " was killed before it finished, and this directory is read-only, so reading it needs a "
        "private copy with the writer's work finished, which failed: " +
        std::strerror(errno));
  };
  if (!::mkdtemp(name.data())) return fail(base_of(path) + "-wal or -journal beside it");
  plan->copy_dir = name.data();
  std::string copy = plan->copy_dir + "/journal.db";
  for (const char* suffix : {"", "-wal", "-journal"}) {
    std::string from = path + suffix;
    if (*suffix && !exists(from)) continue;
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    int outfd =
        in < 0 ? -1
               : ::open((copy + suffix).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = in >= 0 && outfd >= 0;
    char buf[1 << 16];
    ssize_t n = 0;
    while (ok && (n = ::read(in, buf, sizeof buf)) > 0) {
      for (ssize_t done = 0; ok && done < n;) {
        ssize_t w = ::write(outfd, buf + done, static_cast<std::size_t>(n - done));
        ok = w > 0;
        done += w > 0 ? w : 0;
      }
    }
    ok = ok && n == 0;
    int saved = errno;
    if (in >= 0) ::close(in);
    if (outfd >= 0 && ::close(outfd) != 0) ok = false;
    if (!ok) {
      errno = saved;
      return fail(base_of(from));
    }
  }
  finish_writer(copy);
  plan->name = copy;
  return Status::ok();
}

void remove_copy(const ReadPlan& plan) {
  if (plan.copy_dir.empty()) return;
  remove_with_sidecars(plan.copy_dir + "/journal.db");
  ::rmdir(plan.copy_dir.c_str());
}

// Which way a reader opens `path`. A read-only connection leaves nothing beside a
// file in rollback mode, nor beside one in WAL mode whose -wal and -shm exist (SQLite
// uses them as found, read-only if it must). Otherwise SQLite would create a -shm (and
// a -wal) and leave them, or fail where it cannot: then a reader that may write there
// finishes the last writer's work first (finish_writer), and one that may not reads a
// file in WAL mode with no -wal as immutable (no writer is active: it would have one)
// and anything else (a -wal with no -shm) through a private copy.
Status plan_read(const std::string& path, bool after_failure, ReadPlan* plan) {
  plan->name = path;
  bool may_write = ::access(dir_of(path).c_str(), W_OK) == 0 && ::access(path.c_str(), W_OK) == 0;
  bool wal = header_says_wal(path) || exists(path + "-wal");
  bool would_create = wal && !exists(path + "-shm");
  if (!would_create && !after_failure) return Status::ok();
  if (may_write) {
    finish_writer(path);
    return Status::ok();
  }
  if (!after_failure && header_says_wal(path) && !exists(path + "-wal")) {
    plan->name = file_uri(path, "immutable=1");
    plan->flags = SQLITE_OPEN_URI;
    return Status::ok();
  }
  return private_copy(path, plan);
}

// SQLite's answers that mean "reading this needs writing beside it".
bool needs_writing(int extended) {
  int primary = extended & 0xff;
  return primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN ||
         extended == SQLITE_IOERR_LOCK || extended == SQLITE_IOERR_SHMOPEN ||
         extended == SQLITE_IOERR_SHMSIZE || extended == SQLITE_IOERR_SHMMAP;
}

}  // namespace

Status Journal::open(const std::string& path, Mode mode, std::unique_ptr<Journal>* out) {
  if (path.empty()) return Status::invalid("the journal path is empty");
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && mode == Mode::kRead) return Status::not_found(path + ": no such journal file");
  if (exists && S_ISDIR(st.st_mode))
    return Status::invalid(path + ": is a directory, not a journal");
  if (mode == Mode::kWrite && (!exists || st.st_size == 0)) {
    std::string sql = "PRAGMA page_size = 16384;\nBEGIN;\n" + schema_sql() +
                      "PRAGMA application_id = " + std::to_string(kJournalApplicationId) + ";\n" +
                      "PRAGMA user_version = " + std::to_string(kJournalSchemaVersion) +
                      ";\nCOMMIT;";
    Status s = create_atomically(path, sql);
    if (!s.is_ok()) return s;
  }
  if (mode == Mode::kWrite) {
    // A writer needs the file and, for its -wal and -shm, the directory: say which one
    // it cannot write (SQLite would open the file read-only and fail later, vaguely).
    for (const std::string& what : {path, dir_of(path)}) {
      if (::access(what.c_str(), W_OK) != 0) {
        return Status::io(
            path + ": cannot record into it: " + (what == path ? "the file " : "its directory ") +
            what + " is not writable (" + std::strerror(errno) + ")");
      }
    }
  }
  std::unique_ptr<Journal> j;
  Status s;
  for (int attempt = 0; attempt < 2; ++attempt) {
    ReadPlan plan;
    plan.name = path;
    if (mode == Mode::kRead) {
      s = plan_read(path, attempt > 0, &plan);
      if (!s.is_ok()) {
        remove_copy(plan);
        return s;
      }
    }
    int flags = (mode == Mode::kRead ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | plan.flags;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(plan.name.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    j.reset(new Journal(path, db));
    j->mode_ = mode;
    if (rc != SQLITE_OK) {
      remove_copy(plan);
      return sqlite_status(db, rc, path + ": cannot open");
    }
    sqlite3_busy_timeout(db, kJournalBusyTimeoutMs);
    sqlite3_extended_result_codes(db, 1);
    s = j->check_format();
    // The copy is open (and in rollback mode): its files can go now, so that nothing
    // is left behind even if this process is killed.
    remove_copy(plan);
    if (s.is_ok() || mode != Mode::kRead || !needs_writing(sqlite3_extended_errcode(db))) break;
    // SQLite could not read without writing beside the file: once more, with the
    // writer's work finished first (here or in a private copy).
    int code = sqlite3_extended_errcode(db);
    j.reset();
    if (attempt == 1) {
      return Status::invalid(
          path + ": cannot be read without writing beside it (" + sqlite3_errstr(code) +
          "): a writer's work is unfinished there; run a writer (callbench run --journal) on it "
          "where its directory is writable");
    }
  }
  if (!s.is_ok()) return s;
  sqlite3* db = j->db();
  if (mode == Mode::kWrite) {
    // Switching to WAL needs the file to itself for a moment: another writer may be
    // switching it back to rollback mode as it closes, which SQLite reports as busy
    // without calling the busy handler. Writers wait their turn here too.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      s = exec_sql(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
                   path + ": setting pragmas");
      int code = sqlite3_extended_errcode(db) & 0xff;
      if (s.is_ok() || (code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() > give_up) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!s.is_ok()) return s;
  }
  *out = std::move(j);
  return Status::ok();
}

RowWriter& Journal::writer() {
  if (!writer_) writer_ = std::make_unique<RowWriter>(db_, path_);
  return *writer_;
}

Journal::~Journal() {
  if (writer_) {
    // Sessions that ended in the open transaction are committed; a session cut short
    // (its writer failed) is rolled back with it, leaving the last commit.
    if (session_in_progress_)
      writer_->rollback();
    else
      (void)writer_->commit();
    writer_.reset();
  }
  cache_.clear();  // finalize every cached statement before closing
  // A writer leaves the file in rollback mode when it is the last to use it, so that
  // readers (read-only, in WAL mode they would need a -shm) find a single file and
  // leave nothing beside it. With another connection open it stays in WAL mode: the
  // switch needs the file to itself, and is not worth waiting for.
  if (db_ && mode_ == Mode::kWrite) {
    sqlite3_busy_timeout(db_, 0);
    (void)sqlite3_exec(db_, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  sqlite3_close_v2(db_);
}

Status Journal::check_format() {
  Stmt st;
  Status s = st.prepare(db_, "PRAGMA application_id");
  if (!s.is_ok())
    return Status::corrupt(path_ + " is not a callbench journal (" + s.message() + ")");
  int rc = st.step();
  if (rc != SQLITE_ROW) {
    Status e = sqlite_status(db_, rc, "reading its application_id");
    return Status::corrupt(path_ + " is not a callbench journal: " + e.message());
  }
  int64_t app = st.col_int(0);
  if (app != kJournalApplicationId) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "application_id 0x%llx, a journal has 0x%x",
                  static_cast<unsigned long long>(app),
                  static_cast<unsigned>(kJournalApplicationId));
    return Status::corrupt(path_ + " is a SQLite database but not a callbench journal (" + buf +
                           ")");
  }
  // Every table a reader needs is there (a file that lost one is not a whole journal).
  for (const char* table : {"sessions", "requests", "events"}) {
    Stmt t;
    s = t.prepare(db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    if (!s.is_ok())
      return Status::corrupt(path_ + " is not a callbench journal (" + s.message() + ")");
    t.bind_text(1, table);
    int trc = t.step();
    if (trc == SQLITE_DONE) {
      return Status::corrupt(path_ + " is not a whole callbench journal: it has no table '" +
                             table + "'");
    }
    if (trc != SQLITE_ROW) return sqlite_status(db_, trc, path_ + ": reading its schema");
  }
  Stmt v;
  s = v.prepare(db_, "PRAGMA user_version");
  if (!s.is_ok() || v.step() != SQLITE_ROW)
    return Status::corrupt(path_ + ": cannot read its schema version");
  int64_t version = v.col_int(0);
  if (version != kJournalSchemaVersion) {
    return Status::invalid(path_ + " has journal schema version " + std::to_string(version) +
                           "; this callbench reads version " +
                           std::to_string(kJournalSchemaVersion));
  }
  return Status::ok();
}

}  // namespace callbench
