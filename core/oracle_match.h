// Matching one call's events against one documented flow (core/oracle_flow_table.h):
// the call's events (EventError aside) are consumed row by row, the parties bound from
// the stimuli or their first mention, each attribute checked against the row. Internal
// to the oracle; core/oracle_verdict.cc ranks the results.
#ifndef CALLBENCH_CORE_ORACLE_MATCH_H_
#define CALLBENCH_CORE_ORACLE_MATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/oracle.h"
#include "core/oracle_flow_table.h"

namespace callbench::oracle {

struct Binding {
  std::array<DnId, 4> dn{kNoDn, kNoDn, kNoDn, kNoDn};
};

// What the session tells of one call beyond its events: the parties the stimuli name and
// how it was routed.
struct CallFacts {
  DnId caller = kNoDn, dialed = kNoDn;
  std::array<DnId, 4> bound_by{kNoDn, kNoDn, kNoDn, kNoDn};  // by Pattern::binds value
  bool by_request = false;     // its EventRouteUsed answers a TRouteCall
  bool route_pending = false;  // the caller hung up while a TRouteCall was pending
  // The call's beginning is not in the stream (core/oracle_tail.cc): a party the facts
  // leave unknown (kNoDn caller or dialed DN) binds where it first shows.
  bool tail = false;
  // An observed stream's last event (not an EventError), by seq: only a call whose last
  // event it is may end inside a row (MatchResult::partial). 0: none may.
  uint32_t stream_end_seq = 0;
};

// The first attribute of a match that differs from its row, kept as what the text is
// made of (MatchResult::bad_text writes it only for the match a violation reports).
struct BadAttr {
  const Event* event = nullptr;    // null: every attribute as the row says
  const AttrSpec* spec = nullptr;  // a listed attribute; null: an unlisted one
  Attr attr = Attr::kConnId;       // the unlisted attribute
  const char* wrong = nullptr;     // what is wrong with the unlisted one
  int must = 1;                    // the listed one: must be present (1), absent (0), either
  bool present = false;            // the listed one is present
  Binding binding;                 // the parties bound when it was checked
  std::size_t row = 0;             // 0-based row of the pattern matched
};

struct MatchResult {
  std::size_t consumed = 0;  // events matched
  std::size_t rows = 0;      // rows matched
  bool complete = false;     // every row matched
  // An observed stream (a log) ended inside the next row: the call's last events, the
  // stream's last events too (CallFacts::stream_end_seq), are a beginning of that row, in
  // any order, the rest of the row not yet logged (issue 10: "a call still ringing or
  // talking at its last line is judged on what the log shows"). Those events are
  // consumed; the row is not counted in `rows`, so the flow is not complete.
  bool partial = false;
  bool attrs_ok = true;
  std::size_t limit = SIZE_MAX;  // rows from here are beyond the document for this call
  uint16_t seen = 0;             // unknown profile: bit 2i+v, option i seen with value v
  Binding binding;               // the parties' DNs at the end
  BadAttr bad;                   // the first attribute that differs
  uint32_t bad_seq = 0;
  EventType bad_type = EventType::kError;
};

struct Search {
  const Pattern* pattern = nullptr;
  const Row* row = nullptr;
  std::size_t pos = 0, m = 0;
  std::vector<const Item*> items;  // at most 64 (a row of the document has a handful)
  uint64_t required = 0;           // bit i: items[i] must get an event
  uint64_t used = 0;               // bit i: items[i] got one of the events pos..pos+k-1
  std::size_t missing = 0;         // required items not used yet
  std::vector<int> choice;
  bool found = false;
  bool best_ok = false;  // found, with every attribute as the row says (best_bad empty)
  Binding best_binding;
  uint16_t best_seen = 0;
  BadAttr best_bad;
  uint32_t best_seq = 0;
  EventType best_type = EventType::kError;
};

// The matcher's state between two rows of a flow: where the next row starts, the parties
// bound so far, and what the rows before it showed.
struct RowState {
  std::size_t pos = 0;
  Binding binding;
  uint16_t seen = 0;
  bool attrs_ok = true;
  BadAttr bad;
  uint32_t bad_seq = 0;
  EventType bad_type = EventType::kError;
};

// An interruption point's rows begin with the first `after` rows of its normal flow
// (core/oracle_flow_table.cc), with the same parties and bindings: matched against the
// same call's events with the same facts, those rows give the same result. A call's
// normal flow is matched before its points (patterns() order), so the normal's match
// keeps its state after each row here and its points start from there.
struct NormalPrefix {
  const Pattern* normal = nullptr;  // whose match this is; null: none for this call
  std::vector<RowState> after_row;  // [k]: the state after k rows (k = 0..rows)
  std::size_t rows = 0;             // whole rows the normal's match took
  RowState end;                     // its state where it stopped
  bool partial = false;             // it stopped inside a row (MatchResult::partial)
  std::size_t limit = SIZE_MAX;     // its MatchResult::limit
};

struct MatchBuffers {
  Search search;
  std::vector<MatchResult> results;
  std::vector<int> ranks;
  NormalPrefix prefix;
};

// Matches `events` (one call's, EventError aside, in seq order) against `p`. `buffers`
// is reused between calls (no allocation once warm). With `share_prefix`, the caller
// matches every candidate of one call with the same events and facts, in patterns()
// order, and cleared buffers->prefix.normal before the call's first: a point then
// starts where its normal's match was after the rows they share.
MatchResult match_flow(const Session& session, MatchBuffers* buffers, const Pattern& p,
                       const std::vector<const Event*>& events, const CallFacts& facts,
                       bool share_prefix = false);

// "row 2: EventRinging #4 at 7002: OtherDN is 7003, the document says A (7001)": what
// differs in a match whose attributes differ (!r.attrs_ok), for people.
std::string bad_text(const MatchResult& r, const SessionConfig& config);

// The "documented-attributes" violation of a match whose attributes differ (!r.attrs_ok):
// the offending event r.bad_seq with the request that caused it (found in `events`), its
// type, and the flow's key and point; `message` is the whole text. One shape for a call
// judged from its start (oracle_verdict.cc) and one judged as a tail (oracle_tail.cc).
Violation attributes_violation(const std::vector<const Event*>& events, const MatchResult& r,
                               const Pattern& p, std::string message);

}  // namespace callbench::oracle

#endif  // CALLBENCH_CORE_ORACLE_MATCH_H_
