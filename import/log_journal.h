// Recording an imported log (or JSON-lines stream) into a journal as one session: the
// sessions, requests and events rows every session has, plus, for a log, its
// log_files row, the log columns of each event and request row, and a log_other row per
// message outside the model (storage/log_store.h). One transaction: the file is in the
// journal whole or not at all.
#ifndef CALLBENCH_IMPORT_LOG_JOURNAL_H_
#define CALLBENCH_IMPORT_LOG_JOURNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "import/tserver_log.h"
#include "storage/journal.h"

namespace callbench {

// The canonical LogRow payload of one row (deterministic: same row, same bytes).
void encode_log_row(const LogRowInfo& row, std::vector<uint8_t>* out);

// Records `log` as a new session; its id in *session_id. `log.has_rows` false (a
// JSON-lines stream): no log rows.
Status write_imported(Journal& journal, const ImportedLog& log, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_LOG_JOURNAL_H_
