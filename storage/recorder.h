// Recorder writes one session into a journal as it is played: the session row first
// (status 'incomplete', committed at once), then request and event rows in batched
// transactions that end on stimulus boundaries, each batch also updating the session's
// counts and chained digest, and at the end status 'complete'. A process killed at any
// point leaves every earlier session intact and this one 'incomplete' with a consistent
// prefix whose digest matches. Not thread-safe.
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
  // Called after each commit with the session id and the events committed so far.
  std::function<void(int64_t session_id, int64_t events)> on_commit;
};

class Recorder {
 public:
  // Borrows `journal` (opened for writing) for the recorder's lifetime.
  explicit Recorder(Journal* journal, RecorderOptions options = {});
  ~Recorder();  // an unfinished session's open batch is rolled back: it stays incomplete
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  Status begin(const SessionConfig& config, const std::string& label, const std::string& created_at);
  // One stimulus, what became of it, and the events it caused (in order).
  Status record(const Stimulus& s, const ApplyResult& result, const Event* events, std::size_t n);
  Status finish();

  int64_t session_id() const { return session_id_; }

 private:
  Status prepare();
  Status commit(bool complete);

  Journal* journal_;
  RecorderOptions options_;
  std::unique_ptr<SessionCodec> codec_;
  Journal::Statement insert_request_, insert_event_, update_session_, begin_, commit_, rollback_;
  int64_t session_id_ = 0;
  bool in_batch_ = false;
  bool open_ = false;
  std::size_t batch_rows_ = 0;
  uint32_t request_seq_ = 0;
  int64_t event_count_ = 0;
  uint64_t digest_ = 0;
  std::vector<uint64_t> conn_ids_;  // by CallId: the ConnID events gave the call
  Payload payload_;                 // reused encode buffer
};

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_RECORDER_H_
