// The oracle's working state, shared by its two files (oracle_rules.cc: the generic
// invariants; oracle_verdict.cc: the documented flows). Not part of the public surface.
#ifndef CALLBENCH_CORE_ORACLE_INTERNAL_H_
#define CALLBENCH_CORE_ORACLE_INTERNAL_H_

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "core/oracle.h"

namespace callbench::oracle {

// shape_of (core/model.h), read here from a copy made once: the rules ask it several
// times per stimulus, and shape_of is out of line.
inline const StimulusShape& shape(StimulusKind k) {
  static const auto table = [] {
    std::array<StimulusShape, kStimulusKindCount> t{};
    for (int i = 0; i < kStimulusKindCount; ++i)
      t[static_cast<std::size_t>(i)] = shape_of(static_cast<StimulusKind>(i));
    return t;
  }();
  auto i = static_cast<std::size_t>(k);
  return table[i < table.size() ? i : static_cast<std::size_t>(StimulusKind::kPause)];
}
inline bool client_request(const Stimulus& s) { return shape(s.kind).client_request; }

struct CallFacts;
struct Pattern;
struct MatchResult;

// One DN's part in one call, as its events show it (see oracle_rules.cc).
struct PartyState {
  enum S : uint8_t { kNone, kDialing, kRinging, kTalking, kQueued, kRouting, kRouted, kDone };
  S s = kNone;
  bool held = false;
  bool busy = false;         // the caller heard a busy destination
  bool established = false;  // the caller's call was answered
  bool reached = false;      // the caller got EventNetworkReached
  bool released = false;
  // Its last EventEstablished/EventRinging's ThisDNRole and ThisQueue (retrieved-repeats).
  bool has_last = false;
  uint16_t last_present = 0;
  DnRole last_role = DnRole::kUnknown;
  DnId last_queue = kNoDn;
};
const char* state_name(PartyState::S s);

// What the oracle knows of one call.
struct CallView {
  DnId caller = kNoDn;  // the creating stimulus's first DN
  DnId dialed = kNoDn;  // and its second
  bool caller_monitored = false;
  bool has_conn_id = false;
  uint64_t conn_id = 0;
  std::vector<std::pair<DnId, PartyState>> parties;
  std::vector<DnId> queues;     // queues the call waited at
  DnId via_queue = kNoDn;       // the queue that distributed it, if the last hand-on was a queue's
  DnId last_delivered = kNoDn;  // the last DN it rang at
  uint32_t route_pending = 0;   // an accepted TRouteCall not yet answered
  bool outside_destination = false;  // it went out to an external DN (or may have)
  bool acd = false;                  // it was queued at an ACD or routing queue
  DnId sent_to = kNoDn;              // where the last stimulus that moved it sent it
  bool transit = false;              // sent, not yet delivered (pending-steps)
  uint32_t route_ref = 0;            // an accepted TRouteCall not yet carried out
  DnId route_point = kNoDn;          // and the routing point that sent it
  bool reported_left = false;        // left-behind reported once
  // An event of the call came since left_behind last looked: its parties' states are
  // what left-behind reads, and only an event changes them, so a call without one since
  // is judged as it was then (left_behind skips it).
  bool changed = false;
  std::size_t left_at_end = SIZE_MAX;  // that violation's index, when found at the stream's end
  DnId parked_at = kNoDn;              // the extension it was parked on
  DnId caller_other = kNoDn;           // whom the caller's call is with, once answered or busy

  // Back to a fresh call, keeping the vectors' storage.
  void reset() {
    auto keep_parties = std::move(parties);
    auto keep_queues = std::move(queues);
    *this = CallView{};
    parties = std::move(keep_parties);
    queues = std::move(keep_queues);
    parties.clear();
    queues.clear();
  }
};

// Storage the oracle reuses from one judgement to the next (one per thread), so a
// fuzzing process judges its programs without allocating once warm.
struct Scratch {
  std::vector<CallView> calls;
  std::vector<bool> extension_overloaded;
  std::vector<uint16_t> active;
  std::vector<std::vector<const Event*>> by_call;
  std::vector<const Event*> answer;
  std::vector<int> count;
  std::vector<std::pair<uint32_t, uint32_t>> by_ref;
  std::vector<std::size_t> first_of;
  std::vector<CallId> live;     // calls with a party, ascending
  std::vector<CallId> changed;  // calls with CallView::changed set, in no order
};

class Judge {
 public:
  Judge(const Session& session, const std::vector<Event>& events, Scratch* scratch);
  Verdict run();

 private:
  // oracle_rules.cc
  void stimulus(std::size_t index, const Event* begin, const Event* end);
  void attribute_rules(const Event& e);
  void call_event(const Event& e);
  void party_order(const Event& e, PartyState& p);
  void answers();
  void stimulus_rules(std::size_t index, const Event* begin, const Event* end);
  void event_rules(uint32_t seq, const Event* begin, const Event* end);
  void event_values(const Event& e, const CallView& v);
  void left_behind(uint32_t seq, bool at_end);
  void pending_steps(uint32_t seq);
  const char* must_accept(const Stimulus& s) const;
  bool active_on_a_call(DnId dn) const;
  std::string party_state_text(const Stimulus& s) const;
  const Stimulus* route_request(uint32_t reference_id, uint32_t up_to_seq) const;
  // oracle_verdict.cc
  void flows();
  CallFacts call_facts(CallId c, const std::vector<const Event*>& events) const;
  bool departure(CallId c, const std::vector<const Event*>& events, const Pattern& p,
                 const MatchResult& r);

  PartyState& party(CallId call, DnId dn);
  // Every state change of a party goes through here: it keeps active_ (calls each DN
  // dials, rings or talks on) for rules one-call-per-extension and request-accepted.
  void move_party(PartyState& p, DnId dn, PartyState::S to);
  const PartyState* find_party(CallId call, DnId dn) const;
  void violate(const char* rule, uint32_t request_seq, const Event* e, const std::string& state,
               const std::string& message, std::vector<uint32_t> more = {});
  std::string describe(const Event& e) const;
  std::string dn(DnId id) const;
  std::string call(CallId id) const;
  DnKind kind(DnId id) const;
  const char* kind_name(DnId dn) const;

  const Session& session_;
  const std::vector<Event>& events_;
  Scratch& scratch_;
  std::vector<CallView>& calls_;
  std::vector<bool>& extension_overloaded_;
  std::vector<uint16_t>& active_;  // per DN
  bool paused_ = false;
  uint16_t seen_ = 0;  // unknown profile: bit 2i+v, option i seen with value v (generic rules)
  Verdict out_;
};

}  // namespace callbench::oracle

#endif  // CALLBENCH_CORE_ORACLE_INTERNAL_H_
