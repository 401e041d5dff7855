// record_session(): plays a session through a fresh engine and records it, stimulus by
// stimulus, into a journal. The write side of record and replay.
#ifndef CALLBENCH_REPLAY_RECORD_H_
#define CALLBENCH_REPLAY_RECORD_H_

#include <string>

#include "core/call_model.h"
#include "core/player.h"
#include "storage/journal.h"
#include "storage/recorder.h"

namespace callbench {

struct Recorded {
  int64_t session_id = 0;
  Played played;
  // With a model: its failure (the session is recorded up to it and left 'incomplete').
  Status model_status;
};

// REQUIRES: validate_session(session) is empty. `model`: the call model to play it on
// (recorded in the header); null: a fresh built-in engine. A model's failure is not
// an error of the recording: out->model_status says it, and what the model produced
// before is recorded, the session left 'incomplete'.
Status record_session(Journal* journal, const Session& session, const std::string& label,
                      const std::string& created_at, const RecorderOptions& options, Recorded* out,
                      CallModel* model = nullptr);

}  // namespace callbench

#endif  // CALLBENCH_REPLAY_RECORD_H_
