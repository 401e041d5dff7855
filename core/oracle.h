// The oracle: judges a session's event stream against the call-model document. It
// reads only the session (topology, stimuli) and the events, never the engine: if it
// shared the engine's state machine it would repeat the engine's bugs (DESIGN.md).
//
// Two kinds of knowledge, both transcribed from the document and TLIB-FACTS.md:
// - the documented flows as data (oracle_flow_table.cc, oracle_match.cc, oracle_verdict.cc): for
// each flow and interruption
//   point, the events each party gets, row by row, with the attributes each must carry
//   (mandatory values, *OPT, *DIAL, documented alternatives). A call whose events
//   follow a documented flow must carry its attributes;
// - generic invariants (oracle_rules.cc) that hold for any stimulus sequence, each a
//   named rule with a one-line description.
// A call whose events follow no documented flow (the fuzzer explores many) is judged by
// the generic invariants alone.
#ifndef CALLBENCH_CORE_ORACLE_H_
#define CALLBENCH_CORE_ORACLE_H_

#include <string>
#include <vector>

#include "core/model.h"

namespace callbench {

struct Rule {
  const char* name;         // "party-order"
  const char* description;  // one line
};
// Every rule the oracle checks, in a fixed order (JUnit test cases, reports).
const std::vector<Rule>& oracle_rules();

struct Violation {
  std::string rule;                  // a name from oracle_rules()
  uint32_t request_seq = 0;          // the stimulus during which it showed (0: end of session)
  std::vector<uint32_t> event_seqs;  // the events involved, first offending first
  EventType first_event = EventType::kError;  // kind of the first offending event
  bool has_event = false;                     // false when the violation is a missing event
  std::string state;    // the flow state it happened in ("queued", "ringing", ...)
  std::string message;  // one line, with names
  // What makes two findings the same bug: the rule, the kind of the first offending
  // event and the flow state. "party-order/EventRinging/released"
  std::string identity() const;
};

// A call's place in the document: which documented flow and interruption point its
// events followed ("Internal/Inbound Call to ACD", "***"), or none.
struct CallFlow {
  CallId call = kNoCall;
  int point = -1;          // index into documented_flow_points(); -1: no documented flow
  const char* flow = "";   // the document's title: "Internal/Inbound Call to ACD"
  const char* stars = "";  // "normal", or the interruption point: "***"
  // Points of other flows the same events follow just as well ("multi_acd *" for
  // "acd *": a call released while queued at its first queue only is both).
  std::vector<int> also;
  // Its events are the beginning of `flow` and nothing contradicts it: the session ended
  // (or the call waits) before the flow did.
  bool in_progress = false;
  // The call was under way at the stream's first event (judge_tails): its events are a
  // tail of `flow` from row `from_row` (1..; 0: no documented flow has them as its tail,
  // the stream shows only the call's conversation or end).
  bool under_way = false;
  std::size_t from_row = 0;
  bool documented() const { return point >= 0; }
  // "acd ***": the key of coverage tables; "undocumented".
  const std::string& name() const;
  // For people: "follows 'Internal/Inbound Call to ACD' (interruption point ***)", "is still
  // under way in '...'", or "goes beyond the documented flows".
  std::string summary() const;
};

struct Verdict {
  std::vector<Violation> violations;
  std::vector<CallFlow> flows;  // one per call that has events
  bool ok() const { return violations.empty(); }
  // Multi-line report: one line per violation (rule, seq, events, message).
  std::string report(const SessionConfig& config) const;
};

// REQUIRES: validate_session(session) is empty; `events` are in seq order.
Verdict judge(const Session& session, const std::vector<Event>& events);

// Calls an observed stream shows from their middle (a log cut at its first line), by
// CallId: the first event the stream shows of the call is not one a call starts with (the
// caller's EventDialing, or the first arrival at its destination from a party the stream
// never shows: EventRinging, EventQueued or EventRouteRequest not reached through a
// queue). All false for a session with stimuli. (core/oracle_tail.cc)
std::vector<bool> calls_under_way(const Session& session, const std::vector<Event>& events);

// Judges again, in *verdict (judge()'s on the same stream), the calls under way
// (`joined`): what only their missing beginning explains is not reported (every rule that
// follows a call's state), what their events show is: the per-event attribute rules, and
// the events as a tail of a documented flow or interruption point (its rows from some row
// on, the stream possibly starting between two events of that row). The call's CallFlow
// names the flow, point and row; a tail of no documented flow (rule documented-flow) or
// one whose attributes differ from the flow's (documented-attributes) is a violation at
// its event. A tail of only conversation and release events (the document's flows end at
// the establishment) names no flow and breaks nothing but per-event rules.
void judge_tails(const Session& session, const std::vector<Event>& events,
                 const std::vector<bool>& joined, Verdict* verdict);

// Every documented flow and interruption point, as CallFlow::name() keys, in document
// order: the rows of the campaign's flow-coverage table.
const std::vector<std::string>& documented_flow_points();

}  // namespace callbench

#endif  // CALLBENCH_CORE_ORACLE_H_
