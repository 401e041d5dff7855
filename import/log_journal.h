// Recording an imported log (or JSON-lines stream) into a journal as one session: the
// sessions, requests and events rows every session has, plus, for a log, its
// log_files row, the log columns of each event and request row, and a log_other row per
// message outside the model (storage/log_store.h).
//
// Two steps, so that an import can run them on two threads (import/importer.h):
// prepare_imported does the CPU work (every payload encoded, every decoded column
// filled) and write_prepared only binds and steps SQLite's prepared INSERTs.
#ifndef CALLBENCH_IMPORT_LOG_JOURNAL_H_
#define CALLBENCH_IMPORT_LOG_JOURNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "import/tserver_log.h"
#include "storage/codec.h"
#include "storage/columns.h"
#include "storage/journal.h"

namespace callbench {

// The canonical LogRow payload of one row (deterministic: same row, same bytes).
void encode_log_row(const LogRowInfo& row, std::vector<uint8_t>* out);

// An imported log ready for the journal. It borrows the ImportedLog it was prepared
// from (its decoded columns point into the log's names): that log must stay where it
// is, unchanged, until the PreparedLog is written or dropped.
struct PreparedLog {
  struct Bytes {
    std::size_t offset = 0, size = 0;  // in `bytes`
  };
  struct Row {
    Bytes payload;  // canonical Request / Event record
    Bytes log;      // canonical LogRow (size 0: a JSON-lines stream has none)
  };
  const ImportedLog* log = nullptr;
  Payload header;       // canonical SessionHeader
  uint64_t digest = 0;  // chained over the event payloads
  std::vector<uint8_t> bytes;
  std::vector<Row> requests, events, others;
  std::unique_ptr<RequestColumns[]> request_columns;  // one per request
  std::unique_ptr<EventColumns[]> event_columns;      // one per event
  const uint8_t* at(Bytes b) const { return bytes.data() + b.offset; }
};

// Encodes every payload of `log` and fills every decoded column. Errors: a message
// whose attributes exceed kMaxLogRowPayloadBytes (naming FILE:LINE).
Status prepare_imported(const ImportedLog& log, PreparedLog* out);

// Writes a prepared log as a new session (its id in *session_id) inside the journal
// writer's open transaction (RowWriter::begin), the log tables made (ensure_log_tables);
// the caller commits or rolls back.
Status write_prepared(Journal& journal, const PreparedLog& prepared, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id);

// Both steps, in a transaction of the file's own: the file is in the journal whole or
// not at all. `log.has_rows` false (a JSON-lines stream): no log rows.
Status write_imported(Journal& journal, const ImportedLog& log, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_LOG_JOURNAL_H_
