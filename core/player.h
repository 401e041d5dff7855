// play(): runs a whole session through a fresh engine. The one way every edge (the
// command line, tests, replay) turns a Session into its events.
#ifndef CALLBENCH_CORE_PLAYER_H_
#define CALLBENCH_CORE_PLAYER_H_

#include <vector>

#include "core/engine.h"
#include "core/model.h"

namespace callbench {

struct Played {
  std::vector<Event> events;          // in order; Event::request_seq is 1-based
  std::vector<ApplyResult> outcomes;  // one per stimulus
};

// REQUIRES: validate_session(session) is empty (decoders of untrusted input check it).
Played play(const Session& session);

}  // namespace callbench

#endif  // CALLBENCH_CORE_PLAYER_H_
