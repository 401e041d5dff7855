// record_session(): plays a session through a fresh engine and records it, stimulus by
// stimulus, into a journal. The write side of record and replay.
#ifndef CALLBENCH_REPLAY_RECORD_H_
#define CALLBENCH_REPLAY_RECORD_H_

#include <string>

#include "core/player.h"
#include "storage/journal.h"
#include "storage/recorder.h"

namespace callbench {

struct Recorded {
  int64_t session_id = 0;
  Played played;
};

// REQUIRES: validate_session(session) is empty.
Status record_session(Journal* journal, const Session& session, const std::string& label,
                      const std::string& created_at, const RecorderOptions& options, Recorded* out);

}  // namespace callbench

#endif  // CALLBENCH_REPLAY_RECORD_H_
