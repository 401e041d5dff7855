// The rows an imported log keeps beside its session (issue 10): per file a log_files
// row (the source file and its counts), per event, request and message outside the
// model a log_rows row (kind, seq, the log's line, time, CallUUID, message name, and a
// canonical LogRow payload holding every attribute the model has no field for), and
// the views log_events / log_requests joining them to events and requests for SQL.
// The tables appear on the first import into a journal (older journals lack them until
// then). Journal::read_session checks an observed session's log rows here: payloads
// decode within limits, are canonical, and equal their columns; counts match.
#ifndef CALLBENCH_STORAGE_LOG_STORE_H_
#define CALLBENCH_STORAGE_LOG_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace callbench {

class Journal;
struct LoadedSession;

// A LogRow payload (canonical Cap'n Proto) is at most this large: a message with
// many kilobytes of user data still fits.
inline constexpr std::size_t kMaxLogRowPayloadBytes = 1 << 20;

// Creates the log tables and views when missing.
Status ensure_log_tables(sqlite3* db);

// The columns of one log row as read back.
struct LogRowRef {
  uint32_t line = 0;
  std::string time;
  std::string message;
  std::string call_uuid;
};

// The source file an observed session was imported from ("" when it has no log_files
// row: a JSON-lines stream or a played session), and its rows of `kind` ('event',
// 'request', 'other') in seq order.
Status log_source_file(Journal& journal, int64_t session, std::string* file);
Status load_log_rows(Journal& journal, int64_t session, const char* kind,
                     std::vector<LogRowRef>* out);

// The payload bytes of every log row of a session, in (kind, seq) order, for the
// determinism check of replay.
Status load_log_payloads(Journal& journal, int64_t session, std::vector<std::vector<uint8_t>>* out);

// Read_session's check of an observed session's log rows (when it has a log_files row).
Status check_log_rows(Journal& journal, const LoadedSession& session, std::size_t events);

// log_attr(payload, 'Name' or 'Name.key.key'): an attribute's value from a LogRow
// payload, NULL when absent; registered with decode() on every connection.
Status register_log_sql_functions(sqlite3* db);

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_LOG_STORE_H_
