// callbench import's pipeline (import/importer.h).
#include "import/importer.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/names.h"
#include "import/jsonl.h"
#include "import/log_journal.h"
#include "storage/log_store.h"

namespace callbench {
namespace {

std::string where(const std::string& file, uint32_t line) {
  return printable(file, 200) + ":" + std::to_string(line);
}

// A JSON-lines stream as an imported session (no log rows).
Status import_jsonl(const std::string& path, std::string_view text, const ImportOptions& options,
                    Pseudonyms* names, ImportedLog* out) {
  JsonlStream stream;
  Status s = read_jsonl_text(text, path, &stream);
  if (!s.is_ok()) return s;
  *out = ImportedLog();
  out->source = path;
  out->has_rows = false;
  out->session = std::move(stream.session);
  out->events = std::move(stream.events);
  for (Dn& d : out->session.config.topology.dns) {
    auto it = options.dn_kinds.find(d.name);
    if (it != options.dn_kinds.end()) d.kind = it->second;
    if (options.anonymize) d.name = names->dn(d.name);
  }
  std::string why = validate_session(out->session);
  if (!why.empty()) return Status::invalid(path + ": " + why);
  return Status::ok();
}

// One file on its way: the log and its prepared rows (which point into the log, so
// both stay on the heap, unmoved, until written).
struct Unit {
  ImportedLog log;
  PreparedLog prepared;
};

// The worker's output: units in file order, at most kMaxWaiting ready, or the error
// that ended the reading.
class Queue {
 public:
  static constexpr std::size_t kMaxWaiting = 2;

  // Worker: waits for room; false when the writer gave up.
  bool push(std::unique_ptr<Unit> u) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return ready_.size() < kMaxWaiting || cancelled_; });
    if (cancelled_) return false;
    ready_.push_back(std::move(u));
    filled_.notify_one();
    return true;
  }
  void finish(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    error_ = std::move(s);
    filled_.notify_one();
  }
  // Writer: the next unit; nullptr at the end (then *error says how it ended).
  std::unique_ptr<Unit> pop(Status* error) {
    std::unique_lock<std::mutex> lock(mu_);
    filled_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) {
      *error = error_;
      return nullptr;
    }
    std::unique_ptr<Unit> u = std::move(ready_.front());
    ready_.pop_front();
    room_.notify_one();
    return u;
  }
  // Writer: a written unit, handed back so that the worker frees it (freeing a log's
  // many strings takes as long as writing some of its rows).
  void spend(std::unique_ptr<Unit> u) {
    std::lock_guard<std::mutex> lock(mu_);
    spent_.push_back(std::move(u));
  }
  // Worker: the written units, to free.
  std::vector<std::unique_ptr<Unit>> take_spent() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(spent_, {});
  }
  void cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    room_.notify_all();
  }
  bool cancelled() {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }

 private:
  std::mutex mu_;
  std::condition_variable room_, filled_;
  std::deque<std::unique_ptr<Unit>> ready_;
  std::vector<std::unique_ptr<Unit>> spent_;
  bool done_ = false, cancelled_ = false;
  Status error_ = Status::ok();
};

}  // namespace

Status read_imported_log(const std::string& path, std::string_view text,
                         const ImportSettings& settings, Pseudonyms* names, ImportedLog* out) {
  // A UTF-8 byte order mark (editors on Windows add one) is not part of the first line.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (looks_like_jsonl(text)) return import_jsonl(path, text, settings.options, names, out);
  LogFile file;
  Status s = read_tserver_log_text(text, path, &file);
  if (!s.is_ok()) return s;
  if (file.messages.empty() && !file.truncated) {
    std::string first = file.samples.empty()
                            ? std::string()
                            : " (first unreadable line " + where(path, file.samples[0].line) +
                                  ": " + file.samples[0].what + ")";
    return Status::invalid(printable(path, 200) +
                           ": holds no T-Server message and is not JSON lines" + first);
  }
  if (settings.strict && file.truncated) {
    return Status::invalid(where(path, file.truncated_line) + ": the last message (" +
                           printable(file.truncated_message, 60) +
                           ") is cut short (--strict: every line must be read)");
  }
  if (settings.strict && !file.samples.empty()) {
    return Status::invalid(where(path, file.samples[0].line) + ": " + file.samples[0].what +
                           " (--strict: every line must be read)");
  }
  s = log_to_session(std::move(file), settings.options, names, out);
  if (!s.is_ok()) return s;
  if (settings.strict && !out->unusable.empty()) {
    return Status::invalid(where(path, out->unusable[0].line) + ": " + out->unusable[0].what +
                           " (--strict: every message must be imported)");
  }
  return Status::ok();
}

Status import_logs(const OpenJournal& open, const std::vector<std::string>& paths,
                   const LoadLogText& load, const ImportSettings& settings,
                   const ImportedFile& recorded) {
  Queue queue;
  std::thread worker([&] {
    Pseudonyms names;
    std::string text;
    std::size_t i = 0;
    try {
      for (; i < paths.size(); ++i) {
        if (queue.cancelled()) return queue.finish(Status::ok());
        queue.take_spent();  // freed here, off the writing thread
        auto unit = std::make_unique<Unit>();
        Status s = load(i, &text);
        if (s.is_ok()) s = read_imported_log(paths[i], text, settings, &names, &unit->log);
        if (s.is_ok()) s = prepare_imported(unit->log, &unit->prepared);
        if (!s.is_ok()) return queue.finish(s);
        if (!queue.push(std::move(unit))) return queue.finish(Status::ok());
      }
    } catch (const std::bad_alloc&) {
      return queue.finish(Status::io(printable(paths[i], 200) + ": out of memory reading it"));
    } catch (const std::exception& e) {
      return queue.finish(Status::io(printable(paths[i], 200) + ": " + e.what()));
    }
    queue.finish(Status::ok());
  });
  // The writer: the journal opened once the first file is ready (a first file that cannot
  // be read leaves no journal behind), then one transaction for every file.
  Journal* journal = nullptr;
  Status s = Status::ok();
  try {
    while (s.is_ok()) {
      Status ended = Status::ok();
      std::unique_ptr<Unit> unit = queue.pop(&ended);
      if (!unit) {
        s = ended;
        break;
      }
      if (!journal) {
        s = open(&journal);
        if (s.is_ok()) s = journal->writer().commit();
        if (s.is_ok()) s = journal->writer().begin();
        if (s.is_ok()) s = ensure_log_tables(journal->db());
        if (!s.is_ok()) break;
      }
      int64_t id = 0;
      const std::string& label = settings.label.empty() ? unit->log.source : settings.label;
      s = write_prepared(*journal, unit->prepared, label, settings.created_at,
                         settings.options.anonymize, &id);
      if (s.is_ok() && recorded) recorded(unit->log, id);
      queue.spend(std::move(unit));
    }
  } catch (const std::bad_alloc&) {
    s = Status::io("out of memory writing the import");
  }
  if (!s.is_ok()) queue.cancel();
  worker.join();
  if (journal) {
    if (s.is_ok())
      s = journal->writer().commit();
    else
      journal->writer().rollback();
  }
  return s;
}

}  // namespace callbench
