// Engine simulates one switch and its T-Server: it turns stimuli into the T-Lib
// events of the call-model document. It never reads a clock, the environment or an
// unseeded random source: the same config, seed and stimuli give the same events, in
// any process. It never allocates per event or per call (a fixed call table; events
// are appended to the caller's vector, which keeps its capacity). Any sequence of
// valid stimuli is valid input: a request the state does not allow answers EventError
// and changes nothing; a switch stimulus that does not apply is ignored, with a
// reason. Not thread-safe: one owner drives it.
//
// The life of a call (Phase), and the function for each edge:
//
//    make-call/inbound            deliver()
//   ------------------> kTransit ------------> kAlerting   (extension; the caller gets
//                         ^  |  \                           EventNetworkReached too when
//                         |  |   '-----------> kQueued      the DN is remote)
//                         |  |   deliver()     kRouting    (routing point/queue)
//                         |  |                 kNetwork    (external)
//                         |  '---------------> kBusy       (destination busy)
//     divert()            |
//   kQueued --------------'        queue(): kQueued -> kQueued (one more ACD)
//   kRouting --route_call()--> kRouteInProgress --route_step()--> kTransit
//   kRouting --route_timeout()-------------------route_step()--> kTransit
//   kTransit/kBusy --park()--> kParked --pickup()--> kAlerting
//   kAlerting --answer()--> kEstablished;  kNetwork --remote_answer()--> kEstablished
//   kTransit/kNetwork (external) --remote_busy()--> kBusy
//   every live phase --release by the caller / remote release--> kCleared
//   kEstablished --release by the destination--> kCleared
//
// Invariants, checked by check_invariants() and cited in the code as (n):
//   (1) A call has a pending step exactly when it is kTransit (deliver) or
//       kRouteInProgress (route); when the engine is not paused, no call has one
//       between stimuli.
//   (2) A call has queues exactly when it is kQueued, at most kMaxQueuesPerCall,
//       each an ACD queue, none twice.
//   (3) `holder` is set exactly when the call is kParked, kRouting or
//       kRouteInProgress (the parking DN or the routing point/queue).
//   (4) `route_ref` is set exactly when the call is kRouteInProgress by TRouteCall.
//   (5) The destination side is held only when kEstablished; the caller side not
//       after kCleared.
//   (6) Every created call has a distinct non-zero ConnID.
//   (7) An extension is alerted or talking on at most one call: no call waiting.
#ifndef CALLBENCH_CORE_ENGINE_H_
#define CALLBENCH_CORE_ENGINE_H_

#include <array>
#include <bitset>
#include <cstdint>
#include <vector>

#include "core/limits.h"
#include "core/model.h"

namespace callbench {

class Engine {
 public:
  // Borrows nothing: copies the DN kinds and options it needs.
  explicit Engine(const SessionConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Applies one stimulus and appends the events it causes (with the pending steps it
  // lets fire) to *out. REQUIRES: out != nullptr.
  ApplyResult apply(const Stimulus& s, std::vector<Event>* out);

  // Back to the state right after construction, with another seed; no allocation.
  void reset(uint64_t seed);
  // Back to the state right after construction from `config` (another session's): what
  // Engine(config) gives, without clearing the whole call table again (a replay of many
  // short sessions reuses one engine). Allocates only when config has more DNs than any
  // before.
  void reset(const SessionConfig& config);

  bool paused() const { return paused_; }
  // Aborts with a report when an invariant above does not hold.
  void check_invariants() const;

 private:
  enum class Phase : uint8_t {
    kNone = 0,
    kTransit,
    kQueued,
    kParked,
    kRouting,
    kRouteInProgress,
    kAlerting,
    kNetwork,
    kBusy,
    kEstablished,
    kCleared,
  };
  enum class Pending : uint8_t { kNone = 0, kDeliver, kRoute };
  // Call::history bits. They change no event of the clean engine: the test-only fault
  // hooks (core/faults.h) read them to fire in one flow's situation only.
  static constexpr uint8_t kHistRouted = 1;        // a routing point/queue handed it on
  static constexpr uint8_t kHistRouteRequest = 2;  // ... by TRouteCall (else default routing)
  static constexpr uint8_t kHistMultiQueued = 4;   // distributed while queued at several ACDs
  static constexpr uint8_t kHistParked = 8;        // parked (and maybe picked up)

  struct Call {
    uint64_t conn_id = 0;
    uint32_t route_ref = 0;      // (4) the pending TRouteCall's ReferenceID
    uint32_t pending_order = 0;  // when the pending step was scheduled
    Phase phase = Phase::kNone;
    Pending pending = Pending::kNone;
    bool origin_held = false;
    bool dest_held = false;
    bool routed = false;     // a routing point or queue handed it on (Routing Outbound)
    DnId origin = kNoDn;     // the caller (party A), monitored or external
    DnId target = kNoDn;     // the caller's OtherDN: where the call is or is headed
    DnId holder = kNoDn;     // (3) parking DN or routing point/queue
    DnId via_queue = kNoDn;  // the queue that distributed it to `target` (ThisQueue)
    uint8_t nqueues = 0;     // (2)
    uint8_t history = 0;  // kHist* bits: how the call got where it is (the fault hooks' situations)
    std::array<DnId, limits::kMaxQueuesPerCall> queues{};

    bool live() const { return phase != Phase::kNone && phase != Phase::kCleared; }
  };

  ApplyResult dispatch(const Stimulus& s);
  bool well_formed(const Stimulus& s) const;

  // Client requests.
  ApplyResult make_call(const Stimulus& s);
  ApplyResult answer_call(const Stimulus& s);
  ApplyResult release_call(const Stimulus& s);
  ApplyResult hold_or_retrieve(const Stimulus& s, bool hold);
  ApplyResult route_call(const Stimulus& s);
  // Switch and network stimuli.
  ApplyResult inbound(const Stimulus& s);
  ApplyResult queue(const Stimulus& s);
  ApplyResult divert(const Stimulus& s);
  ApplyResult park(const Stimulus& s);
  ApplyResult pickup(const Stimulus& s);
  ApplyResult remote_answer(const Stimulus& s);
  ApplyResult remote_busy(const Stimulus& s);
  ApplyResult remote_release(const Stimulus& s);
  ApplyResult route_timeout(const Stimulus& s);
  ApplyResult step(const Stimulus& s);

  // The switch's own steps.
  void create_call(CallId id, DnId origin, DnId target);
  void schedule(CallId id, Pending what);
  void unschedule(CallId id);
  void fire(CallId id);
  void run_pending();
  void deliver(CallId id);
  void route_step(CallId id, DnId dest, uint32_t ref);
  void establish(CallId id, uint32_t ref);
  void release_by_caller(CallId id, uint32_t ref);
  void release_by_destination(CallId id, uint32_t ref);
  void clear(CallId id);

  // Refusal: EventError to the requesting DN, nothing else.
  ApplyResult refuse(const Stimulus& s, ErrorReason why);
  static ApplyResult ignore(IgnoreReason why) { return {Outcome::kIgnored, why}; }

  // Event builders. Each appends one event for call `id` at `dn` (skipped when dn is
  // not monitored, then returning a scratch event; EventError is never skipped: it
  // answers the requesting client) with ConnID, ThisDN and the seqs.
  Event& emit(EventType type, CallId id, DnId dn);
  Event& caller_event(EventType type, CallId id);             // party A's view
  Event& dialed_event(EventType type, CallId id);             // party A's, OtherDN *DIAL
  Event& party_event(EventType type, CallId id, DnId dn);     // a destination's view
  Event& queue_event(EventType type, CallId id, DnId queue);  // a queue's view

  bool monitored(DnId dn) const { return kinds_[dn] != DnKind::kExternal; }
  bool is_extension(DnId dn) const {
    return kinds_[dn] == DnKind::kExtension || kinds_[dn] == DnKind::kRemoteExtension;
  }
  bool is_queue(DnId dn) const {
    return kinds_[dn] == DnKind::kAcdQueue || kinds_[dn] == DnKind::kRoutingQueue;
  }
  bool is_routing(DnId dn) const {
    return kinds_[dn] == DnKind::kRoutingPoint || kinds_[dn] == DnKind::kRoutingQueue;
  }
  bool busy(DnId dn) const;  // (7)
  // The situation of fault kOutboundSimulatedEarly: a plain outbound call under
  // network-reached simulated.
  bool outbound_simulated_early(const Call& c) const {
    return profile_.network_reached == SwitchProfile::NetworkReached::kSimulated &&
           c.history == 0 && monitored(c.origin) && !monitored(c.target);
  }
  bool call_live(CallId id) const { return claimed_[id] && calls_[id].live(); }
  bool claim(CallId id);
  bool valid_route_destination(const Call& c, DnId holder, DnId dest) const;
  uint64_t new_conn_id(CallId id) const;

  std::vector<DnKind> kinds_;
  SwitchProfile profile_;
  uint64_t seed_ = 0;
  std::vector<Event>* out_ = nullptr;  // borrowed for the duration of apply()
  Event scratch_;                      // target of builders for unmonitored DNs
  uint32_t request_seq_ = 0;
  uint32_t event_seq_ = 0;
  uint32_t pending_seq_ = 0;
  uint16_t npending_ = 0;  // calls with a pending step (1)
  bool paused_ = false;
  uint16_t ncalls_ = 0;  // claimed call ids, in claim order: claimed_ids_[0, ncalls_)
  std::bitset<limits::kMaxCalls> claimed_;
  std::array<CallId, limits::kMaxCalls> claimed_ids_{};
  std::array<Call, limits::kMaxCalls> calls_{};
};

}  // namespace callbench

#endif  // CALLBENCH_CORE_ENGINE_H_
