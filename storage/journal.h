// Journal: one SQLite file holding many recorded sessions (DESIGN.md, "Journals are
// append-only and crash-safe"). Each session is a sessions row with its header
// payload, one requests row per stimulus and one events row per event, each with its
// canonical payload and decoded columns that hold exactly what the payload holds.
//
// The file is in WAL mode while a writer has it open, so readers (the sqlite3 shell,
// another callbench) query while it records; the last writer to close switches it back
// to rollback mode, so that readers need no -shm, leave no file beside it and work on
// read-only mounts. A reader never leaves a -wal, -shm or -journal it did not find:
// where SQLite could read only by writing beside the file (a killed writer's -wal
// without its -shm, a hot rollback journal), a reader that may write there finishes
// that writer's work first, and one that may not reads a private copy with the work
// finished (journal_open.cc). A new journal appears whole (built beside it, then linked into
// place). A session is written in batched transactions (Recorder) and
// marked complete at the end, so a killed writer leaves every earlier session intact
// and its own 'incomplete', with a consistent prefix. The schema version lives in
// PRAGMA user_version and the file is marked by PRAGMA application_id; opening a file
// of another version, or one that is not a callbench journal, is a clear error.
//
// Everything read back is untrusted: rows are checked (contiguous seqs, limits),
// payloads decoded with the codec's limits, and decoded columns compared with the
// payload; any difference is a Status naming the session and seq.
#ifndef CALLBENCH_STORAGE_JOURNAL_H_
#define CALLBENCH_STORAGE_JOURNAL_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "storage/codec.h"
#include "storage/columns.h"
#include "storage/row_writer.h"
#include "storage/sqlite_util.h"

namespace callbench {

inline constexpr int kJournalSchemaVersion = 1;
inline constexpr int32_t kJournalApplicationId = 0x43424a4e;  // "CBJN"
// How long a connection waits for another's lock (SQLite busy timeout), in milliseconds.
inline constexpr int kJournalBusyTimeoutMs = 10000;

struct SessionInfo {
  int64_t id = 0;
  std::string seed;  // decimal: SQLite integers are signed, seeds are 64-bit unsigned
  std::string label;
  std::string engine_version;
  std::string created_at;
  bool complete = false;
  std::string status;  // as stored: 'complete' or 'incomplete' in a valid journal
  int64_t request_count = 0;
  int64_t event_count = 0;
  std::string digest;  // 16 hex digits
};

// A session read back: its info, the Session to replay, and per request its payload
// and what the engine did with it as recorded.
struct LoadedSession {
  SessionInfo info;
  Session session;
  std::shared_ptr<const SessionCodec> codec;  // for session.config
  std::string recorded_engine;
  ModelInfo recorded_model;  // the model that produced it (header); builtin when none
  // Request i's journaled payload: request_bytes[request_spans[i].first ...], of
  // request_spans[i].second bytes (one buffer, not one allocation per request).
  std::vector<uint8_t> request_bytes;
  std::vector<std::pair<std::size_t, std::size_t>> request_spans;
  std::vector<IgnoreReason> ignored;  // per request
  // Per request, its conn_id column (0 for NULL), the one column not in its payload:
  // load_events() checks it against the call's events.
  std::vector<uint64_t> request_conn_ids;
};

// One event row as read, for streaming (replay). `payload` points into SQLite's row
// buffer: valid until the stream's next call to next().
struct EventRow {
  uint32_t seq = 0;
  uint32_t request_seq = 0;
  const uint8_t* payload = nullptr;
  std::size_t size = 0;
};

class Journal {
 public:
  enum class Mode {
    kRead,   // the file must exist and be a callbench journal
    kWrite,  // created with the schema when missing or empty: atomically (a whole
             // empty journal appears, or nothing), and safely when several processes
             // create it at once; writers wait their turn (busy timeout)
  };
  static Status open(const std::string& path, Mode mode, std::unique_ptr<Journal>* out);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }

  // The connection's one row writer and its write transaction (storage/row_writer.h).
  // Closing the journal commits a transaction the writer left open between sessions
  // (commit() first to see its status); one left open mid-session is rolled back.
  RowWriter& writer();
  // Commits the writer's open transaction, if any.
  Status commit() { return writer_ ? writer_->commit() : Status::ok(); }
  // Whether a session is being written (its rows are in the open transaction): set by
  // its writer (Recorder) so that closing rolls it back instead of committing it.
  void set_session_in_progress(bool v) { session_in_progress_ = v; }

  // A prepared statement from the journal's cache, leased for one use at a time: reset
  // and unbound when the lease ends. Preparing is most of the cost of a small session,
  // so every statement the journal runs per session comes from here. A statement that
  // is already leased is prepared afresh for the second lease.
  class Statement {
   public:
    Statement() = default;
    Statement(Statement&& other) noexcept { *this = std::move(other); }
    Statement& operator=(Statement&& other) noexcept;
    ~Statement() { release(); }
    Stmt* operator->() const { return stmt_; }
    Stmt& operator*() const { return *stmt_; }

   private:
    friend class Journal;
    void release();
    Stmt* stmt_ = nullptr;
    bool* in_use_ = nullptr;
    std::unique_ptr<Stmt> own_;
  };
  Status prepare(const std::string& sql, Statement* out);

  Status sessions(std::vector<SessionInfo>* out);
  // The ids alone, in order (what replay --all needs: reading each row's texts into a
  // SessionInfo cost a fifth of replaying a journal of small sessions).
  Status session_ids(std::vector<int64_t>* out);
  Status session(int64_t id, SessionInfo* out);  // kNotFound when there is no such session
  // The one session of a journal that holds exactly one; else kInvalid naming the count.
  Status only_session(int64_t* id);

  // The one verification path: every command that reads a session (replay, show,
  // check, export, and sql for every session before its query) reads it through here.
  // The header and every request and event payload decode within the codec's limits
  // and are canonical (exactly what their fields encode to); the decoded columns equal
  // the payloads; the label is NULL or a valid_label() and created_at printable text;
  // seqs are contiguous; the counts and the chained digest equal the session row's;
  // and no row of the journal belongs to no session. A mismatch is kCorrupt naming
  // session, seq and column.
  Status read_session(int64_t id, LoadedSession* out, std::vector<Event>* events);
  // No request or event row whose session_id names no session (checked once).
  Status check_orphans();

  // The parts of read_session, for the fuzz target that reads damaged journals.
  // Header and requests, decoded and checked: contiguous seqs, payloads valid and, with
  // kColumns, the decoded columns equal to the payloads. Replay, which verifies the
  // payloads byte for byte, reads payloads only (kPayloads).
  enum class Check { kColumns, kPayloads };
  Status load_session(int64_t id, LoadedSession* out, Check check = Check::kColumns);
  // Every event of a loaded session, decoded and checked, in seq order, with the
  // counts and digest.
  Status load_events(const LoadedSession& s, std::vector<Event>* out);

  // Streams a session's event rows (seq, request_seq, payload) in seq order, for
  // replay, which verifies payloads; the decoded columns are checked by load_events.
  class EventStream {
   public:
    // true with *row filled, false at the end; errors in *status.
    bool next(EventRow* row, Status* status);

   private:
    friend class Journal;
    Statement stmt_;
    int64_t session_ = 0;
    std::size_t rows_ = 0;
  };
  Status stream_events(int64_t id, EventStream* out);

  // PRAGMA integrity_check: "ok" or SQLite's findings.
  Status integrity_check(std::string* result);

 private:
  Journal(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status check_format();

  struct Cached {
    Stmt stmt;
    bool in_use = false;
  };
  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Cached>, std::less<>> cache_;
  std::unique_ptr<RowWriter> writer_;
  bool session_in_progress_ = false;
  bool orphans_checked_ = false;
  Mode mode_ = Mode::kRead;
};

// Registers the SQL function decode(payload) on a connection: the payload (a header,
// request or event) as its JSON form; NULL for NULL; an SQL error for bytes that are
// not a valid payload.
Status register_sql_functions(sqlite3* db);

// Writes one session of `source` into a new one-session journal at `out_path` (the
// bug-report file), after checking that the session reads back valid. The file appears
// whole or not at all: it is written under a temporary name and renamed. An existing
// `out_path` is an error unless `overwrite`.
Status export_session(Journal& source, int64_t session_id, const std::string& out_path,
                      bool overwrite);

// "2026-11-24T20:46:32Z": the only wall-clock value a journal holds.
std::string utc_now();

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_JOURNAL_H_
