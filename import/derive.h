// A call of an observed session (an imported log) as a scenario that explains it: the
// client requests the log shows plus the switch stimuli its events imply (arrival,
// distribution, queueing, default routing, parking and pickup, far-end answer, busy and
// release; a destination busy on another call as a second call that rings it), with the
// log's FILE:LINE in comments; and the comparison of what the engine then produces with
// what the log shows, event by event and attribute by attribute.
//
// The engine is reached through play_derived() only, so another call model (issue 9's
// --model) can take its place there.
#ifndef CALLBENCH_IMPORT_DERIVE_H_
#define CALLBENCH_IMPORT_DERIVE_H_

#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace callbench {

// Where each row of the observed session is in its log (0: unknown).
struct RowLines {
  std::string file;
  std::vector<uint32_t> event_lines;    // by event (seq - 1)
  std::vector<uint32_t> request_lines;  // by stimulus
};

struct DerivedCall {
  CallId call = kNoCall;            // in the observed session
  Session session;                  // one call, "c1"; the observed topology
  std::vector<std::string> notes;   // by stimulus: where in the log it comes from
  std::vector<Event> log_events;    // the call's events as the log shows them
  std::vector<uint32_t> log_lines;  // by log event
};

// Derives call `call`; an error when the log shows too little of it (no event).
Status derive_call(const Session& observed, const std::vector<Event>& events, const RowLines& lines,
                   CallId call, DerivedCall* out);

// The derived scenario's text (parses back; comments name the log's lines).
std::string print_derived(const DerivedCall& d, const std::string& call_name);

// Plays a derived session on the engine (the one place the model is called).
std::vector<Event> play_derived(const Session& session);

// Compares the log's events of the call with the model's events of its call "c1" (a
// second call the scenario uses to keep a destination busy is not compared): empty when
// equal (ConnID values and sequence numbers aside), else the first divergence, log against model,
// attribute by attribute, naming the log's FILE:LINE.
std::string first_divergence(const DerivedCall& d, const std::vector<Event>& model,
                             const std::string& file);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_DERIVE_H_
