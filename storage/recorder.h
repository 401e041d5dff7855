// Recorder writes one session into a journal as it is played, through the journal's
// row writer (storage/row_writer.h): its request and event rows in the writer's
// transaction under a reserved session id, and its sessions row, with the counts and
// digest so far, at its first commit or its end (updated at later commits): one write of
// the sessions row for a session that fits in a batch. The transaction commits when it
// holds `batch_rows` rows, at a stimulus boundary, each commit first writing the
// session's counts and chained digest; at the end the session is 'complete' and, unless
// `share_transaction`, committed: one transaction per session. With `share_transaction`
// the next session continues the same transaction (batched sessions, `callbench run`),
// and the journal's commit() (or closing it) commits the last batch.
// A process killed at any point leaves every committed session intact, and the one in
// progress, if a commit holds any of it, 'incomplete' with a consistent prefix whose
// digest matches; what no commit holds was never in the journal. Not thread-safe.
#ifndef CALLBENCH_STORAGE_RECORDER_H_
#define CALLBENCH_STORAGE_RECORDER_H_

#include <functional>
#include <memory>
#include <string>

#include "core/model.h"
#include "storage/codec.h"
#include "storage/journal.h"

namespace callbench {

struct RecorderOptions {
  // Rows (requests + events) after which the open batch commits, at the next
  // stimulus boundary.
  std::size_t batch_rows = 4096;
  // Let the next session continue this one's transaction (commit every batch_rows
  // only): the caller commits the last batch (Journal::commit(), or closing it).
  bool share_transaction = false;
  // Called after each commit with the session id and the events committed so far.
  std::function<void(int64_t session_id, int64_t events)> on_commit;
};

class Recorder {
 public:
  // Borrows `journal` (opened for writing) for the recorder's lifetime.
  explicit Recorder(Journal* journal, RecorderOptions options = {});
  // An unfinished session's open batch is rolled back (its writer failed): what the last
  // commit holds stays, the session 'incomplete' or absent.
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // `model`: the call model playing it, recorded in the header (null: the engine).
  Status begin(const SessionConfig& config, const std::string& label, const std::string& created_at,
               const ModelInfo* model = nullptr);
  // One stimulus, what became of it, and the events it caused (in order).
  Status record(const Stimulus& s, const ApplyResult& result, const Event* events, std::size_t n);
  Status finish();
  // Commits what was recorded and ends the session as 'incomplete' (its model failed):
  // the prefix stays, consistent, and replays up to its last event.
  Status abandon();

  int64_t session_id() const { return session_id_; }

 private:
  Status commit(bool complete);

  Journal* journal_;
  RowWriter* writer_;
  RecorderOptions options_;
  std::unique_ptr<SessionCodec> codec_;
  int64_t session_id_ = 0;
  bool open_ = false;
  bool row_written_ = false;  // its sessions row is in the journal (or the open batch)
  Payload header_;
  std::string seed_, label_, created_at_;
  uint32_t request_seq_ = 0;
  int64_t event_count_ = 0;
  uint64_t digest_ = 0;
  std::vector<uint64_t> conn_ids_;  // by CallId: the ConnID events gave the call
  Payload payload_;                 // reused encode buffer
};

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_RECORDER_H_
