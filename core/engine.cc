// The engine's machinery: dispatch, the switch's own steps (delivery, routing,
// establishment, release) and the event builders. The stimuli themselves are in
// engine_stimuli.cc.
#include "core/engine.h"

#include <algorithm>
#include <cstdio>

#include "core/assert.h"
#include "core/event_builders.h"
#include "core/faults.h"

namespace callbench {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

Engine::Engine(const SessionConfig& config) : profile_(config.profile) {
  kinds_.reserve(config.topology.dns.size());
  for (const Dn& dn : config.topology.dns) kinds_.push_back(dn.kind);
  reset(config.seed);
}

void Engine::reset(const SessionConfig& config) {
  profile_ = config.profile;
  kinds_.clear();
  for (const Dn& dn : config.topology.dns) kinds_.push_back(dn.kind);
  reset(config.seed);
}

void Engine::reset(uint64_t seed) {
  seed_ = seed;
  request_seq_ = 0;
  event_seq_ = 0;
  pending_seq_ = 0;
  paused_ = false;
  npending_ = 0;
  for (uint16_t i = 0; i < ncalls_; ++i) calls_[claimed_ids_[i]] = Call{};
  ncalls_ = 0;
  claimed_.reset();
}

ApplyResult Engine::apply(const Stimulus& s, std::vector<Event>* out) {
  CB_ASSERT(out != nullptr);
  out_ = out;
  ++request_seq_;
  ApplyResult r = well_formed(s) ? dispatch(s) : ignore(IgnoreReason::kMalformed);
  if (!paused_) run_pending();
  out_ = nullptr;
#ifdef CALLBENCH_CHECK_INVARIANTS
  check_invariants();
#endif
  return r;
}

bool Engine::well_formed(const Stimulus& s) const {
  if (static_cast<int>(s.kind) >= kStimulusKindCount) return false;
  const StimulusShape& shape = shape_of(s.kind);
  auto dn_ok = [&](bool wanted, DnId dn) { return wanted ? dn < kinds_.size() : dn == kNoDn; };
  return dn_ok(shape.has_dn, s.dn) && dn_ok(shape.has_dn2, s.dn2) &&
         (shape.has_call ? s.call < limits::kMaxCalls : s.call == kNoCall) &&
         (shape.client_request == (s.reference_id != 0));
}

ApplyResult Engine::dispatch(const Stimulus& s) {
  switch (s.kind) {
    case StimulusKind::kMakeCall:
      return make_call(s);
    case StimulusKind::kAnswerCall:
      return answer_call(s);
    case StimulusKind::kReleaseCall:
      return release_call(s);
    case StimulusKind::kHoldCall:
      return hold_or_retrieve(s, true);
    case StimulusKind::kRetrieveCall:
      return hold_or_retrieve(s, false);
    case StimulusKind::kRouteCall:
      return route_call(s);
    case StimulusKind::kInbound:
      return inbound(s);
    case StimulusKind::kQueue:
      return queue(s);
    case StimulusKind::kDivert:
      return divert(s);
    case StimulusKind::kPark:
      return park(s);
    case StimulusKind::kPickup:
      return pickup(s);
    case StimulusKind::kRemoteAnswer:
      return remote_answer(s);
    case StimulusKind::kRemoteBusy:
      return remote_busy(s);
    case StimulusKind::kRemoteRelease:
      return remote_release(s);
    case StimulusKind::kRouteTimeout:
      return route_timeout(s);
    case StimulusKind::kPause:
      paused_ = true;
      return {};
    case StimulusKind::kResume:
      paused_ = false;
      return {};  // apply() fires what is pending
    case StimulusKind::kStep:
      return step(s);
  }
  return ignore(IgnoreReason::kMalformed);
}

// ---- Event builders -------------------------------------------------------------

Event& Engine::emit(EventType type, CallId id, DnId dn) {
  // EventError goes back to the client that sent the request, whatever the DN.
  if (dn == kNoDn || (!monitored(dn) && type != EventType::kError)) {
    scratch_ = Event{};
    return scratch_;
  }
  out_->emplace_back();
  Event& e = out_->back();
  e.type = type;
  e.seq = ++event_seq_;
  e.request_seq = request_seq_;
  e.call = id;
  e.this_dn = dn;
  e.set(Attr::kThisDn);
  if (id != kNoCall && calls_[id].conn_id != 0) {
    e.conn_id = calls_[id].conn_id;
    e.set(Attr::kConnId);
  }
  return e;
}

// Party A: ThisDN A (Origination), OtherDN where the call is or is headed.
Event& Engine::caller_event(EventType type, CallId id) {
  const Call& c = calls_[id];
  Event& e = emit(type, id, c.origin);
  set_role(e, DnRole::kOrigination);
  set_other(e, c.target, DnRole::kDestination);
  return e;
}

// Party A before it knows who answers: OtherDN is *DIAL, absent when T-Server has
// no information about the other party (profile dial-info off).
Event& Engine::dialed_event(EventType type, CallId id) {
  Event& e = caller_event(type, id);
  // T-Server always knows a DN it monitors: *DIAL leaves out an outside party only.
  if (!profile_.dial_info && !monitored(calls_[id].target)) {
    e.clear(Attr::kOtherDn);
    e.clear(Attr::kOtherDnRole);
  }
  return e;
}

// A destination (agent, extension, parking DN): ThisQueue is the queue that
// distributed the call there, for ACD and RouteQueue calls only.
Event& Engine::party_event(EventType type, CallId id, DnId dn) {
  const Call& c = calls_[id];
  Event& e = emit(type, id, dn);
  set_queue(e, dn == c.target ? c.via_queue : kNoDn);
  set_role(e, DnRole::kDestination);
  set_other(e, c.origin, DnRole::kOrigination);
  return e;
}

// An ACD queue, routing queue or routing point: ThisQueue is the DN itself (TLIB:
// EventRouteRequest has ThisDN equal to ThisQueue; queues report themselves).
Event& Engine::queue_event(EventType type, CallId id, DnId queue) {
  const Call& c = calls_[id];
  Event& e = emit(type, id, queue);
  set_queue(e, queue);
  set_role(e, DnRole::kDestination);
  set_other(e, c.origin, DnRole::kOrigination);
  return e;
}

ApplyResult Engine::refuse(const Stimulus& s, ErrorReason why) {
  bool live = s.call < limits::kMaxCalls && claimed_[s.call] && calls_[s.call].live();
  Event& e = emit(EventType::kError, s.call, s.dn);
  if (!live) {
    e.conn_id = 0;
    e.clear(Attr::kConnId);
  }
  set_ref(e, s.reference_id);
  e.error = why;
  e.set(Attr::kErrorCode);
  return {Outcome::kRefused, IgnoreReason::kNone};
}

// ---- State queries --------------------------------------------------------------

bool Engine::busy(DnId dn) const {
  for (uint16_t i = 0; i < ncalls_; ++i) {
    const Call& c = calls_[claimed_ids_[i]];
    if (!c.live()) continue;
    if (c.origin == dn) return true;
    if (c.target == dn && (c.phase == Phase::kAlerting || c.phase == Phase::kEstablished)) {
      return true;
    }
  }
  return false;
}

bool Engine::valid_route_destination(const Call& c, DnId holder, DnId dest) const {
  return dest != holder && dest != c.origin && !is_routing(dest);
}

bool Engine::claim(CallId id) {
  if (claimed_[id]) return false;
  claimed_.set(id);
  claimed_ids_[ncalls_++] = id;
  calls_[id] = Call{};
  return true;
}

uint64_t Engine::new_conn_id(CallId id) const {
  if (CB_FAULT(kReusedConnId) && ncalls_ > 1) return calls_[claimed_ids_[0]].conn_id;
  uint64_t x = splitmix64(seed_ ^ (0xD1B54A32D192ED03ull * (static_cast<uint64_t>(id) + 1)));
  for (;;) {
    bool taken = x == 0;
    for (uint16_t i = 0; i < ncalls_ && !taken; ++i) taken = calls_[claimed_ids_[i]].conn_id == x;
    if (!taken) return x;  // (6)
    x = splitmix64(x);
  }
}

// ---- The switch's own steps -----------------------------------------------------

void Engine::schedule(CallId id, Pending what) {
  if (calls_[id].pending == Pending::kNone) ++npending_;
  calls_[id].pending = what;
  calls_[id].pending_order = ++pending_seq_;
}

void Engine::unschedule(CallId id) {
  if (calls_[id].pending != Pending::kNone) --npending_;
  calls_[id].pending = Pending::kNone;
}

void Engine::fire(CallId id) {
  Call& c = calls_[id];
  Pending what = c.pending;
  unschedule(id);
  if (what == Pending::kDeliver) {
    deliver(id);
  } else if (what == Pending::kRoute) {
    uint32_t ref = c.route_ref;
    c.route_ref = 0;
    route_step(id, c.target, ref);
  }
}

// Fires pending steps, oldest first, until none is left; steps a fired step
// schedules fire too (a route is followed by its delivery).
void Engine::run_pending() {
  while (npending_ > 0) {
    CallId next = kNoCall;
    uint32_t order = 0;
    for (uint16_t i = 0; i < ncalls_; ++i) {
      const Call& c = calls_[claimed_ids_[i]];
      if (c.pending != Pending::kNone && (next == kNoCall || c.pending_order < order)) {
        next = claimed_ids_[i];
        order = c.pending_order;
      }
    }
    CB_ASSERT(next != kNoCall);
    fire(next);
  }
}

// The switch presents the call at `target`, by the target's kind.
void Engine::deliver(CallId id) {
  Call& c = calls_[id];
  CB_ASSERT(c.phase == Phase::kTransit);
  DnId t = c.target;
  switch (kinds_[t]) {
    case DnKind::kExtension:
    case DnKind::kRemoteExtension: {
      if (busy(t) && !CB_FAULT(kCallWaiting)) {  // (7): no call waiting
        c.phase = Phase::kBusy;
        Event& e = dialed_event(EventType::kDestinationBusy, id);
        set_state(e, CallState::kBusy);
        return;
      }
      if (kinds_[t] == DnKind::kRemoteExtension &&
          profile_.network_reached == SwitchProfile::NetworkReached::kReported &&
          !(CB_FAULT(kRoutingOutboundNoNetworkReached) && (c.history & kHistRouted))) {
        dialed_event(EventType::kNetworkReached, id);
      }
      c.phase = Phase::kAlerting;
      Event& ringing = party_event(EventType::kRinging, id, t);
      set_state(ringing, CallState::kOk);
      if (CB_FAULT(kInboundRingingNoOtherDn) && !monitored(c.origin) && c.history == 0 &&
          c.via_queue == kNoDn) {
        ringing.clear(Attr::kOtherDn);
        ringing.clear(Attr::kOtherDnRole);
      }
      if (CB_FAULT(kNoAgentThisQueue)) ringing.clear(Attr::kThisQueue);
      if (CB_FAULT(kDivertWrongOtherDn) && c.via_queue != kNoDn) ringing.other_dn = c.via_queue;
      if (CB_FAULT(kEarlyEstablished))
        set_state(caller_event(EventType::kEstablished, id), CallState::kOk);
      return;
    }
    case DnKind::kAcdQueue:
      c.phase = Phase::kQueued;
      c.nqueues = 1;
      c.queues[0] = t;
      set_state(queue_event(EventType::kQueued, id, t), CallState::kOk);
      return;
    case DnKind::kRoutingQueue:
      set_state(queue_event(EventType::kQueued, id, t), CallState::kOk);
      [[fallthrough]];
    case DnKind::kRoutingPoint:
      c.phase = Phase::kRouting;
      c.holder = t;
      queue_event(EventType::kRouteRequest, id, t);
      return;
    case DnKind::kExternal:
      c.phase = Phase::kNetwork;
      if (profile_.network_reached == SwitchProfile::NetworkReached::kReported &&
          !(CB_FAULT(kHoldOutboundNoNetworkReached) && c.origin_held)) {
        dialed_event(EventType::kNetworkReached, id);
      }
      if (CB_FAULT(kOutboundSimulatedEarly) && outbound_simulated_early(c)) {
        dialed_event(EventType::kNetworkReached, id);
      }
      return;
  }
}

// The routing point (or queue) hands the call on to `dest`: EventRouteUsed, and for
// a routing queue EventDiverted, then the delivery to `dest` is pending. `ref` is
// the TRouteCall's ReferenceID, 0 after default routing by the switch.
void Engine::route_step(CallId id, DnId dest, uint32_t ref) {
  Call& c = calls_[id];
  DnId rp = c.holder;
  bool by_request = ref != 0;
  bool at_queue = kinds_[rp] == DnKind::kRoutingQueue;
  if (!(CB_FAULT(kRouteQueueDefaultNoRouteUsed) && at_queue && !by_request)) {
    Event& used = queue_event(EventType::kRouteUsed, id, rp);
    // Routing point: ThirdPartyDN after a TRouteCall always (footnote b), else *OPT; the
    // RouteQueue table marks it *OPT throughout.
    if ((by_request && !at_queue) || profile_.third_party)
      set_third(used, dest, profile_.third_party);
    if (CB_FAULT(kRouteUsedNoThirdParty) && by_request) {
      used.clear(Attr::kThirdPartyDn);
      used.clear(Attr::kThirdPartyDnRole);
    }
    bool point_to_extension = !at_queue && kinds_[dest] == DnKind::kExtension;
    if (CB_FAULT(kRouteUsedNamesCaller) && by_request && point_to_extension)
      used.third_party_dn = c.origin;
    if (profile_.route_used_call_state) {
      CallState state = by_request ? CallState::kOk : CallState::kRedirected;
      if (CB_FAULT(kRouteUsedRedirected) && by_request && point_to_extension)
        state = CallState::kRedirected;
      if (CB_FAULT(kRoutingOutboundDefaultOk) && !by_request &&
          kinds_[dest] == DnKind::kRemoteExtension) {
        state = CallState::kOk;
      }
      set_state(used, state);
    } else if (CB_FAULT(kRouteUsedStateIgnoresProfile) && !at_queue) {
      set_state(used, by_request ? CallState::kOk : CallState::kRedirected);
    }
    set_ref(used, ref);
    if (CB_FAULT(kPausedRouteUsedNoReference) && by_request && paused_ && !at_queue) {
      used.clear(Attr::kReferenceId);
    }
    if (CB_FAULT(kPausedRouteQueueNoThirdParty) && by_request && paused_ && at_queue) {
      used.clear(Attr::kThirdPartyDn);
      used.clear(Attr::kThirdPartyDnRole);
    }
  }
  if (at_queue && !(CB_FAULT(kRouteQueueNoDiverted) && by_request)) {
    Event& diverted = queue_event(EventType::kDiverted, id, rp);
    if (profile_.third_party) set_third(diverted, dest, true);
    if (CB_FAULT(kRouteQueueDivertedNamesItself) && by_request &&
        diverted.has(Attr::kThirdPartyDn)) {
      diverted.third_party_dn = rp;
    }
  }
  c.history |= kHistRouted;
  if (by_request) c.history |= kHistRouteRequest;
  c.holder = kNoDn;
  c.target = dest;
  c.routed = true;
  c.via_queue = kinds_[rp] == DnKind::kRoutingQueue ? rp : kNoDn;
  c.phase = Phase::kTransit;
  schedule(id, Pending::kDeliver);
}

// The destination answered (TAnswerCall or the far end): both sides established.
// The answering side's event comes first, as it answers the request.
void Engine::establish(CallId id, uint32_t ref) {
  Call& c = calls_[id];
  c.phase = Phase::kEstablished;
  bool outbound = !monitored(c.target) || kinds_[c.target] == DnKind::kRemoteExtension;
  if (monitored(c.target)) {
    Event& e = party_event(EventType::kEstablished, id, c.target);
    set_state(e, CallState::kOk);
    if (!CB_FAULT(kNoReferenceId)) set_ref(e, ref);
  }
  if (outbound && profile_.network_reached == SwitchProfile::NetworkReached::kSimulated &&
      !(CB_FAULT(kOutboundSimulatedEarly) && outbound_simulated_early(c))) {
    dialed_event(EventType::kNetworkReached, id);
  }
  Event& a = caller_event(EventType::kEstablished, id);
  set_state(a, CallState::kOk);
  // *OPT only in the Outbound Call; Routing Outbound names C without a mark.
  if (!monitored(c.target) && !profile_.outbound_other_dn && !c.routed) {
    a.clear(Attr::kOtherDn);
    a.clear(Attr::kOtherDnRole);
  }
  bool routed_outbound = kinds_[c.target] == DnKind::kRemoteExtension && (c.history & kHistRouted);
  bool held_internal = c.origin_held && kinds_[c.target] == DnKind::kExtension && c.history == 0 &&
                       c.via_queue == kNoDn;
  if ((CB_FAULT(kRoutingOutboundEstablishedNoOtherDn) && routed_outbound) ||
      (CB_FAULT(kHoldEstablishedNoOtherDn) && held_internal)) {
    a.clear(Attr::kOtherDn);
    a.clear(Attr::kOtherDnRole);
  }
}

// The caller hangs up (TReleaseCall, or the external caller's network release):
// the caller is released and whoever holds or is offered the call is abandoned.
void Engine::release_by_caller(CallId id, uint32_t ref) {
  Call& c = calls_[id];
  Event& a = caller_event(EventType::kReleased, id);
  // RouteQueue's * and ** share one row: OtherDN B, the routing queue, even while a
  // TRouteCall is pending (the Routing flow's ** names the route's destination).
  if (c.phase == Phase::kRouteInProgress && kinds_[c.holder] == DnKind::kRoutingQueue &&
      a.has(Attr::kOtherDn)) {
    a.other_dn = c.holder;
  }
  set_state(a, CallState::kOk);
  set_ref(a, ref);
  bool single_acd = c.via_queue != kNoDn && kinds_[c.via_queue] == DnKind::kAcdQueue &&
                    !(c.history & kHistMultiQueued);
  if (CB_FAULT(kAcdReleasedNamesQueue) && c.phase == Phase::kAlerting && single_acd)
    a.other_dn = c.via_queue;
  bool at_point = c.holder != kNoDn && kinds_[c.holder] == DnKind::kRoutingPoint;
  if (CB_FAULT(kRoutingReleasedNamesCaller) && c.phase == Phase::kRouting && at_point)
    a.other_dn = c.origin;
  if (CB_FAULT(kRoutingPendingNamesPoint) && c.phase == Phase::kRouteInProgress && at_point)
    a.other_dn = c.holder;
  switch (c.phase) {
    case Phase::kQueued:
      if (CB_FAULT(kNoQueueAbandoned)) break;
      for (uint8_t i = 0; i < c.nqueues; ++i) {
        set_state(queue_event(EventType::kAbandoned, id, c.queues[i]), CallState::kOk);
      }
      break;
    case Phase::kParked:
      set_state(party_event(EventType::kAbandoned, id, c.holder), CallState::kOk);
      break;
    case Phase::kRouting:
    case Phase::kRouteInProgress: {
      // Footnote a of the routing flow: EventError after EventAbandoned, so the
      // router gets its TRouteCall's ReferenceID back.
      bool error_owed = c.phase == Phase::kRouteInProgress && c.route_ref != 0;
      Stimulus s;
      s.kind = StimulusKind::kRouteCall;
      s.dn = c.holder;
      s.call = id;
      s.reference_id = c.route_ref;
      bool error_first = CB_FAULT(kRouteErrorBeforeAbandoned) && error_owed && at_point;
      if (CB_FAULT(kRouteQueueNoRouteError) && kinds_[c.holder] == DnKind::kRoutingQueue)
        error_owed = false;
      if (error_first) refuse(s, ErrorReason::kCallClearedFirst);
      Event& e = queue_event(EventType::kAbandoned, id, c.holder);
      if (kinds_[c.holder] == DnKind::kRoutingPoint) {
        e.clear(Attr::kThisQueue);  // a routing point is not a queue: no ThisQueue
      }
      set_state(e, CallState::kOk);
      if (error_owed && !error_first) refuse(s, ErrorReason::kCallClearedFirst);
      break;
    }
    case Phase::kAlerting: {
      Event& e = party_event(EventType::kAbandoned, id, c.target);
      set_state(e, CallState::kOk);
      if (CB_FAULT(kAbandonedNamesItself) && monitored(c.origin) && c.history == 0 &&
          c.via_queue == kNoDn) {
        e.other_dn = c.target;
      }
      if (CB_FAULT(kMultiAcdAbandonedOtherQueue) && (c.history & kHistMultiQueued)) {
        e.this_queue = c.queues[0] == c.via_queue ? c.queues[1] : c.queues[0];
      }
      break;
    }
    case Phase::kEstablished:
      set_state(party_event(EventType::kReleased, id, c.target), CallState::kOk);
      if (CB_FAULT(kEventAfterReleased))
        set_state(party_event(EventType::kReleased, id, c.target), CallState::kOk);
      break;
    default:  // kTransit, kNetwork, kBusy: nobody else has the call yet
      break;
  }
  clear(id);
}

// The destination hangs up a call in conversation: it is released, then the caller.
void Engine::release_by_destination(CallId id, uint32_t ref) {
  Call& c = calls_[id];
  CB_ASSERT(c.phase == Phase::kEstablished);
  Event& d = party_event(EventType::kReleased, id, c.target);
  set_state(d, CallState::kOk);
  set_ref(d, ref);
  set_state(caller_event(EventType::kReleased, id), CallState::kOk);
  clear(id);
}

void Engine::clear(CallId id) {
  Call& c = calls_[id];
  c.phase = Phase::kCleared;
  unschedule(id);
  c.route_ref = 0;
  c.holder = kNoDn;
  c.nqueues = 0;
  c.origin_held = false;
  c.dest_held = false;
}

// ---- Invariants -----------------------------------------------------------------

void Engine::check_invariants() const {
  std::size_t pending = 0;
  std::array<uint64_t, limits::kMaxCalls> conn_ids;  // (6), sorted below
  std::size_t nconn = 0;
  std::array<uint8_t, limits::kMaxDns> on_calls{};  // (7), per DN
  for (uint16_t i = 0; i < ncalls_; ++i) {
    const Call& c = calls_[claimed_ids_[i]];
    pending += c.pending != Pending::kNone;
    if (c.phase == Phase::kNone) {
      CB_ASSERT(c.conn_id == 0 && c.pending == Pending::kNone);
      continue;
    }
    CB_ASSERT((c.pending == Pending::kDeliver) == (c.phase == Phase::kTransit));  // (1)
    CB_ASSERT((c.pending == Pending::kRoute) == (c.phase == Phase::kRouteInProgress));
    CB_ASSERT(paused_ || c.pending == Pending::kNone);
    CB_ASSERT((c.nqueues > 0) == (c.phase == Phase::kQueued));  // (2)
    CB_ASSERT(c.nqueues <= limits::kMaxQueuesPerCall);
    for (uint8_t q = 0; q < c.nqueues; ++q) {
      CB_ASSERT(kinds_[c.queues[q]] == DnKind::kAcdQueue);
      for (uint8_t r = 0; r < q; ++r) CB_ASSERT(c.queues[q] != c.queues[r]);
    }
    bool holds = c.phase == Phase::kParked || c.phase == Phase::kRouting ||
                 c.phase == Phase::kRouteInProgress;
    CB_ASSERT((c.holder != kNoDn) == holds);                            // (3)
    CB_ASSERT(c.route_ref == 0 || c.phase == Phase::kRouteInProgress);  // (4)
    CB_ASSERT(!c.dest_held || c.phase == Phase::kEstablished);          // (5)
    CB_ASSERT(!c.origin_held || c.phase != Phase::kCleared);
    CB_ASSERT(c.conn_id != 0);  // (6)
    conn_ids[nconn++] = c.conn_id;
    if (!c.live()) continue;  // (7)
    if (is_extension(c.origin)) ++on_calls[c.origin];
    if (is_extension(c.target) && (c.phase == Phase::kAlerting || c.phase == Phase::kEstablished)) {
      ++on_calls[c.target];
    }
  }
  CB_ASSERT(pending == npending_);
  // (6): ConnIDs never change once given, so only the newest call can collide.
  for (std::size_t i = 0; i + 1 < nconn; ++i)
    CB_ASSERT_MSG(conn_ids[i] != conn_ids[nconn - 1], "two calls share a ConnID");
  for (std::size_t d = 0; d < kinds_.size(); ++d)
    CB_ASSERT_MSG(on_calls[d] <= 1, "an extension is on two calls");
}

}  // namespace callbench
