// --compare builtin: a model's events against the built-in engine's for the same
// session, request by request, event by event, attribute by attribute. ConnIDs are
// matched by call (each implementation makes its own): a ConnID agrees when the
// model gives one call the same ConnID throughout and different calls different ones,
// exactly when the engine does. The first difference is reported the way a replay
// divergence is (replay/replayer.h): the request, the event seq, expected (builtin)
// against actual (the model), the attribute that differs.
#ifndef CALLBENCH_MODELS_COMPARE_H_
#define CALLBENCH_MODELS_COMPARE_H_

#include <string>
#include <vector>

#include "core/engine.h"
#include "core/model.h"

namespace callbench {

struct Difference {
  bool found = false;
  uint32_t request_seq = 0;  // the request whose answer differs (1..)
  // What differs, for a campaign finding's identity: "EventRinging.OtherDN",
  // "missing.EventEstablished", "extra.EventReleased", "outcome.answer".
  std::string what;
  std::string report;  // several lines
};

// `model_outcomes` may be shorter than the session (a model that failed): the
// comparison stops there.
Difference compare_events(const Session& session, const std::vector<Event>& builtin_events,
                          const std::vector<ApplyResult>& builtin_outcomes,
                          const std::vector<Event>& model_events,
                          const std::vector<ApplyResult>& model_outcomes,
                          const std::string& model_name);

}  // namespace callbench

#endif  // CALLBENCH_MODELS_COMPARE_H_
