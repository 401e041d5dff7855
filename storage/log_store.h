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

// Read_session's check of an observed session's log rows (when it has a log_files row):
// every row of events, requests and log_other is there, in seq order, with its LogRow
// payload (a blob that decodes within limits, canonical); its columns hold exactly
// what the payload holds, with the payload's type (line an integer; time and call_uuid
// NULL when the payload has none, else text, never '' or a blob; message, and
// log_other's conn_id and this_dn as import derives them); lines increase within a
// table and no two rows name one line; and the log_files row's columns are integers
// that agree with the rows (messages their count, unusable at most the log_other rows,
// lines at least the last row's line and the lines the counts take).
Status check_log_rows(Journal& journal, const LoadedSession& session, std::size_t events);

// Journal::check_orphans' check of the log tables, once per journal: they are whole
// (log_files, log_other and the log columns of events and requests, or none of them);
// every log_files row names an imported (observed) session, every log_other row one
// with a log_files row, by an integer id; and no events or requests row of another
// session holds log columns. check_log_rows then checks each imported session's rows.
Status check_log_tables(Journal& journal);

// log_attr(payload, 'Name' or 'Name.key.key'): an attribute's value from a LogRow
// payload, NULL when absent; registered with decode() on every connection.
Status register_log_sql_functions(sqlite3* db);

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_LOG_STORE_H_
