// RowWriter: the one place that writes a session's rows into a journal (the sessions
// row, its requests and events rows, and for an imported log its log columns, log_files
// row and 'other' log rows). The recorder (played sessions) and the importer (observed
// sessions) both write through it, so a row has one shape whoever wrote it.
//
// One per journal connection (Journal::writer()): its INSERTs are prepared once and
// reused for every row of every session; binding a row allocates nothing. It owns the
// connection's write transaction: begin() opens one (BEGIN IMMEDIATE) unless one is open,
// commit() ends it. Several sessions may share a transaction (`callbench run` commits
// every --journal-batch rows, at a stimulus boundary), so a recording makes about one
// commit per batch instead of two per session. What a transaction holds is consistent
// at every commit: the writer of a session updates its counts and digest before.
#ifndef CALLBENCH_STORAGE_ROW_WRITER_H_
#define CALLBENCH_STORAGE_ROW_WRITER_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "storage/columns.h"
#include "storage/sqlite_util.h"

namespace callbench {

// The log columns of an imported event or request row (storage/log_store.h): the log's
// line, time, CallUUID, and the canonical LogRow payload with every attribute outside
// the model. Borrowed: valid for the insert call.
struct LogColumns {
  uint32_t line = 0;
  const char* time = nullptr;       // NULL when the log gave none
  const char* call_uuid = nullptr;  // NULL when none
  const char* message = nullptr;    // the message name (checked against the payload)
  const uint8_t* payload = nullptr;
  std::size_t size = 0;
};

// An imported log file's log_files row.
struct LogFileRow {
  const std::string* source_file = nullptr;
  int64_t lines = 0, messages = 0, backup_copies = 0, unreadable = 0, unusable = 0;
  bool truncated = false, anonymized = false;
};

class RowWriter {
 public:
  RowWriter(sqlite3* db, const std::string& path) : db_(db), path_(path) {}
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  // The write transaction. begin() opens one unless one is open; commit() commits the
  // open one (none open: nothing to do); rollback() drops it.
  Status begin();
  Status commit();
  void rollback();
  bool in_transaction() const { return open_; }
  // Rows written since the open transaction began.
  std::size_t pending_rows() const { return pending_; }

  // The id of a new session in the open transaction: one more than the journal's
  // highest (what SQLite would give it), and one more for each session reserved since in
  // this transaction. Its rows may be written before its sessions row, which must be
  // written before the transaction commits (the recorder does so at every commit).
  Status reserve_session_id(int64_t* id);
  // The sessions row of a reserved id, with its counts, digest and status.
  Status insert_session(int64_t id, const std::string& seed, const std::string& label,
                        const std::string& engine_version, const std::string& created_at,
                        const uint8_t* header, std::size_t header_size, int64_t requests,
                        int64_t events, uint64_t digest, bool complete);
  // One requests / events row: the key columns, the decoded columns, the payload, and for
  // an imported log (`log` not null) the log columns.
  Status insert_request(int64_t session, uint32_t seq, const RequestColumns& columns,
                        const uint8_t* payload, std::size_t size, const LogColumns* log = nullptr);
  Status insert_event(int64_t session, uint32_t seq, uint32_t request_seq,
                      const EventColumns& columns, const uint8_t* payload, std::size_t size,
                      const LogColumns* log = nullptr);
  // The session's counts, chained digest and status.
  Status update_session(int64_t session, int64_t requests, int64_t events, uint64_t digest,
                        bool complete);

  // An imported log's log_files row.
  Status insert_log_file(int64_t session, const LogFileRow& file);
  // An imported log's 'other' message (outside the model), 1.. per session.
  Status insert_other_row(int64_t session, uint32_t seq, const LogColumns& log, const char* conn_id,
                          const char* this_dn);

 private:
  Status ready(Stmt* st, const char* sql_name);
  Status step(Stmt& st, const char* doing, int64_t session, int64_t seq);

  sqlite3* db_;
  std::string path_;
  bool open_ = false;
  std::size_t pending_ = 0;
  int64_t next_id_ = 0;  // 0: not read yet in this transaction
  Stmt begin_, commit_, rollback_, session_, update_, max_id_;
  Stmt request_, event_, log_request_, log_event_, other_, file_;
};

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_ROW_WRITER_H_
