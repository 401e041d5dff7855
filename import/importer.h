// `callbench import`'s work on a list of files (T-Server / SIP Server logs and JSON-lines
// streams), each file one observed session.
//
// Two threads: a worker reads each file (import/tserver_log.h, import/jsonl.h), converts
// it into an observed session and prepares its rows (import/log_journal.h) while the
// calling thread writes the file before it into the journal. At most two prepared files
// wait, so memory holds about three files whatever their number.
//
// All files are one transaction: the import is in the journal whole or not at all (a
// file that cannot be read, or an I/O failure, leaves the journal as it was). Readers see
// the journal as it was until the import commits; another writer waits for the commit
// (busy timeout, kJournalBusyTimeoutMs) and fails with "database is locked" past it.
// The WAL grows to about the size of the import's rows until the commit's checkpoint.
//
// Deterministic: pseudonyms (--anonymize) are given on the worker in file order, so the
// same files give the same payload bytes.
#ifndef CALLBENCH_IMPORT_IMPORTER_H_
#define CALLBENCH_IMPORT_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "import/tserver_log.h"
#include "storage/journal.h"

namespace callbench {

struct ImportSettings {
  ImportOptions options;   // --dn, --anonymize
  bool strict = false;     // --strict: the first unreadable line or unimportable message fails
  std::string label;       // every session's label; empty: each file's path
  std::string created_at;  // the sessions' created_at (UTC)
};

// Reads one file's text into an imported log: JSON lines when its first non-blank byte
// is '{', else a T-Server log. Errors (exit 2): a file with no T-Server message that is
// not JSON lines; with --strict, a truncated last message, an unreadable line or a
// message the model cannot hold (each naming FILE:LINE).
Status read_imported_log(const std::string& path, std::string_view text,
                         const ImportSettings& settings, Pseudonyms* names, ImportedLog* out);

// File `index`'s text (the CLI reads the file; a benchmark hands it from memory).
using LoadLogText = std::function<Status(std::size_t index, std::string* text)>;
// Opens the journal (for writing) and gives it in *journal, owned by the caller.
using OpenJournal = std::function<Status(Journal** journal)>;
// Called on the calling thread after each file's rows are written (not yet committed),
// in file order, with its new session id.
using ImportedFile = std::function<void(const ImportedLog& log, int64_t session_id)>;

// Imports paths[0..n) (texts from `load`) in one transaction into the journal `open`
// gives, opened once the first file is read (when the first file cannot be read, no
// journal is opened, hence none created). On an error nothing is committed; the error
// names the file (and line). Out of memory is an error (Status::io), not an abort.
Status import_logs(const OpenJournal& open, const std::vector<std::string>& paths,
                   const LoadLogText& load, const ImportSettings& settings,
                   const ImportedFile& recorded);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_IMPORTER_H_
