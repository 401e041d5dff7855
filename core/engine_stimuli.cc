// The stimuli: client requests (each answered by one event carrying its
// ReferenceID, or by EventError and no change) and switch/network stimuli (applied,
// or ignored with a reason and no change). See engine.h for the phases.
#include "core/assert.h"
#include "core/engine.h"
#include "core/event_builders.h"
#include "core/faults.h"

namespace callbench {

// A new call from `origin` toward `target`: its ConnID now, its delivery pending.
void Engine::create_call(CallId id, DnId origin, DnId target) {
  CB_ASSERT(claim(id));
  Call& c = calls_[id];
  c.conn_id = new_conn_id(id);
  c.phase = Phase::kTransit;
  c.origin = origin;
  c.target = target;
  schedule(id, Pending::kDeliver);
}

// ---- Client requests ------------------------------------------------------------

// TMakeCall: EventDialing to the caller now; the switch's delivery to the
// destination is the call's pending step.
ApplyResult Engine::make_call(const Stimulus& s) {
  if (claimed_[s.call]) return refuse(s, ErrorReason::kInvalidAttribute);
  if (!monitored(s.dn)) return refuse(s, ErrorReason::kDnNotMonitored);
  if (!is_extension(s.dn)) return refuse(s, ErrorReason::kUnsupported);
  if (s.dn2 == s.dn) return refuse(s, ErrorReason::kInvalidDestination);
  if (busy(s.dn)) return refuse(s, ErrorReason::kDnBusy);
  create_call(s.call, s.dn, s.dn2);
  Event& e = dialed_event(EventType::kDialing, s.call);
  set_state(e, CallState::kOk);
  set_ref(e, s.reference_id);
  if (CB_FAULT(kDialInfoDropsMonitoredDn) && !profile_.dial_info &&
      kinds_[s.dn2] == DnKind::kExtension) {
    e.clear(Attr::kOtherDn);  // dial-info off applied to a DN T-Server monitors
    e.clear(Attr::kOtherDnRole);
  }
  if (CB_FAULT(kRouteQueueDialingNoOtherDn) && kinds_[s.dn2] == DnKind::kRoutingQueue) {
    e.clear(Attr::kOtherDn);
    e.clear(Attr::kOtherDnRole);
  }
  return {};
}

// TAnswerCall: only where the call rings.
ApplyResult Engine::answer_call(const Stimulus& s) {
  if (!monitored(s.dn)) return refuse(s, ErrorReason::kDnNotMonitored);
  if (!is_extension(s.dn)) return refuse(s, ErrorReason::kUnsupported);
  if (!call_live(s.call)) return refuse(s, ErrorReason::kInvalidConnId);
  Call& c = calls_[s.call];
  if (c.phase != Phase::kAlerting || c.target != s.dn) {
    ApplyResult r = refuse(s, ErrorReason::kNotRinging);
    if (CB_FAULT(kRefusedChangesState) && c.phase == Phase::kAlerting)
      c.phase = Phase::kEstablished;
    return r;
  }
  establish(s.call, s.reference_id);
  return {};
}

// TReleaseCall: the caller may hang up in any phase; the destination once the call
// is established. Rejecting a ringing call is not in the document: refused.
ApplyResult Engine::release_call(const Stimulus& s) {
  if (!monitored(s.dn)) return refuse(s, ErrorReason::kDnNotMonitored);
  if (!is_extension(s.dn)) return refuse(s, ErrorReason::kUnsupported);
  if (!call_live(s.call)) return refuse(s, ErrorReason::kInvalidConnId);
  const Call& c = calls_[s.call];
  if (s.dn == c.origin) {
    release_by_caller(s.call, s.reference_id);
    return {};
  }
  if (s.dn == c.target && c.phase == Phase::kEstablished) {
    release_by_destination(s.call, s.reference_id);
    return {};
  }
  if ((s.dn == c.target && c.phase == Phase::kAlerting) || s.dn == c.holder) {
    return refuse(s, ErrorReason::kInvalidState);
  }
  return refuse(s, ErrorReason::kInvalidConnId);
}

// THoldCall/TRetrieveCall: the caller while its call is being set up or talking
// (the "while on hold" flow), the destination once established.
ApplyResult Engine::hold_or_retrieve(const Stimulus& s, bool hold) {
  if (!monitored(s.dn)) return refuse(s, ErrorReason::kDnNotMonitored);
  if (!is_extension(s.dn)) return refuse(s, ErrorReason::kUnsupported);
  if (!call_live(s.call)) return refuse(s, ErrorReason::kInvalidConnId);
  Call& c = calls_[s.call];
  bool caller = s.dn == c.origin;
  bool dest = s.dn == c.target && c.phase == Phase::kEstablished;
  if (!caller && !dest) {
    bool involved = s.dn == c.target || s.dn == c.holder;
    return refuse(s, involved ? ErrorReason::kInvalidState : ErrorReason::kInvalidConnId);
  }
  if (caller && hold && c.phase == Phase::kBusy) return refuse(s, ErrorReason::kInvalidState);
  bool& held = caller ? c.origin_held : c.dest_held;
  if (held == hold) return refuse(s, ErrorReason::kAlreadyInState);
  held = hold;
  EventType type = hold ? EventType::kHeld : EventType::kRetrieved;
  Event& e = caller ? caller_event(type, s.call) : party_event(type, s.call, s.dn);
  if (!hold) set_state(e, CallState::kOk);
  set_ref(e, s.reference_id);
  bool plain = c.history == 0 && c.via_queue == kNoDn;
  if (CB_FAULT(kHoldRetrievedWrongRole) && caller && !hold && plain)
    set_role(e, DnRole::kDestination);
  if (CB_FAULT(kHeldThisQueue) && caller && hold && plain && monitored(c.target))
    set_queue(e, c.target);
  bool acd_caller = caller && c.via_queue != kNoDn && kinds_[c.via_queue] == DnKind::kAcdQueue;
  if (CB_FAULT(kAcdCallerRetrievedQueue) && !hold && acd_caller) set_queue(e, c.via_queue);
  return {};
}

// TRouteCall: accepted now, carried out as the call's pending step (route_step),
// which answers it with EventRouteUsed. The caller's OtherDN is the new destination
// from here on (the routing flow's interruption point **).
ApplyResult Engine::route_call(const Stimulus& s) {
  if (!monitored(s.dn)) return refuse(s, ErrorReason::kDnNotMonitored);
  if (!is_routing(s.dn)) return refuse(s, ErrorReason::kUnsupported);
  if (!call_live(s.call)) return refuse(s, ErrorReason::kInvalidConnId);
  Call& c = calls_[s.call];
  if (c.phase != Phase::kRouting || c.holder != s.dn) {
    return refuse(s, ErrorReason::kNotAwaitingRoute);
  }
  if (!valid_route_destination(c, s.dn, s.dn2)) {
    return refuse(s, ErrorReason::kInvalidDestination);
  }
  c.phase = Phase::kRouteInProgress;
  c.route_ref = s.reference_id;
  c.target = s.dn2;
  schedule(s.call, Pending::kRoute);
  return {};
}

// ---- Switch and network stimuli --------------------------------------------------

// A call from an external party arrives; its delivery is the pending step.
ApplyResult Engine::inbound(const Stimulus& s) {
  if (claimed_[s.call]) return ignore(IgnoreReason::kCallExists);
  if (monitored(s.dn)) return ignore(IgnoreReason::kNotExternal);
  if (!monitored(s.dn2)) return ignore(IgnoreReason::kBadDestination);
  create_call(s.call, s.dn, s.dn2);
  return {};
}

// The switch also queues a queued call at a further ACD queue.
ApplyResult Engine::queue(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  if (c.phase != Phase::kQueued) return ignore(IgnoreReason::kWrongPhase);
  if (kinds_[s.dn] != DnKind::kAcdQueue) return ignore(IgnoreReason::kNotAnAcdQueue);
  for (uint8_t i = 0; i < c.nqueues; ++i) {
    if (c.queues[i] == s.dn) return ignore(IgnoreReason::kAlreadyQueuedHere);
  }
  if (c.nqueues == limits::kMaxQueuesPerCall) return ignore(IgnoreReason::kTooManyQueues);
  c.queues[c.nqueues++] = s.dn;
  set_state(queue_event(EventType::kQueued, s.call, s.dn), CallState::kOk);
  return {};
}

// An ACD queue distributes the call to an agent: EventDiverted at every queue the
// call waited at, then the delivery to the agent is pending. The attribute sets are
// the document's: a single queue's (Internal/Inbound Call to ACD) or, for a call
// queued at several, the distributing queue's and the others' (Queued to Multiple
// ACDs).
ApplyResult Engine::divert(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  uint8_t at = c.nqueues;
  for (uint8_t i = 0; i < c.nqueues; ++i) {
    if (c.queues[i] == s.dn) at = i;
  }
  if (c.phase != Phase::kQueued || at == c.nqueues) return ignore(IgnoreReason::kNotQueuedHere);
  DnId agent = s.dn2;
  if (!is_extension(agent) || agent == c.origin || busy(agent)) {
    return ignore(IgnoreReason::kAgentUnavailable);
  }
  if (c.nqueues == 1) {
    // The queue "rings" for its agent, as if it were an extension.
    if (CB_FAULT(kAcdQueueRings))
      set_state(queue_event(EventType::kRinging, s.call, s.dn), CallState::kOk);
    Event& e = queue_event(EventType::kDiverted, s.call, s.dn);
    if (profile_.third_party) set_third(e, agent, true);
  } else {
    Event& e = emit(EventType::kDiverted, s.call, s.dn);
    set_role(e, DnRole::kOrigination);
    set_other(e, c.queues[at == 0 ? 1 : 0], DnRole::kDestination);
    c.history |= kHistMultiQueued;
    for (uint8_t i = 0; i < c.nqueues; ++i) {
      if (i == at || CB_FAULT(kMultiAcdNoSecondDiverted)) continue;
      Event& o = emit(EventType::kDiverted, s.call, c.queues[i]);
      set_queue(o, c.queues[i]);
      o.third_party_dn = agent;
      o.set(Attr::kThirdPartyDn);
      o.third_party_queue = s.dn;
      o.set(Attr::kThirdPartyQueue);
      if (profile_.acd_redirected && !CB_FAULT(kMultiAcdNoRedirected))
        set_state(o, CallState::kRedirected);
    }
  }
  c.nqueues = 0;
  c.target = agent;
  c.via_queue = s.dn;
  c.phase = Phase::kTransit;
  schedule(s.call, Pending::kDeliver);
  return {};
}

// The switch parks the call on the extension it is being delivered to (or that was
// busy for it): the caller may get EventDestinationBusy (*OPT), the parking DN
// EventQueued.
ApplyResult Engine::park(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  bool parkable = c.phase == Phase::kTransit || c.phase == Phase::kBusy;
  if (!is_extension(s.dn) || c.target != s.dn || !parkable) {
    return ignore(IgnoreReason::kNotParkable);
  }
  bool caller_knows = c.phase == Phase::kBusy;  // it had EventDestinationBusy already
  unschedule(s.call);
  c.phase = Phase::kParked;
  c.holder = s.dn;
  c.history |= kHistParked;
  if (!caller_knows && (profile_.park_destination_busy || CB_FAULT(kParkBusyIgnoresProfile))) {
    set_state(dialed_event(EventType::kDestinationBusy, s.call), CallState::kBusy);
  }
  if (!CB_FAULT(kParkNoQueued))
    set_state(party_event(EventType::kQueued, s.call, s.dn), CallState::kOk);
  return {};
}

// The parking DN picks the call up: it rings there, to be answered with TAnswerCall.
ApplyResult Engine::pickup(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  if (c.phase != Phase::kParked || c.holder != s.dn) return ignore(IgnoreReason::kNotParkedHere);
  if (busy(s.dn)) return ignore(IgnoreReason::kPickerBusy);
  c.phase = Phase::kAlerting;
  c.holder = kNoDn;
  Event& ringing = party_event(EventType::kRinging, s.call, s.dn);
  set_state(ringing, CallState::kOk);
  if (CB_FAULT(kParkRingingNamesItself)) ringing.other_dn = s.dn;
  return {};
}

ApplyResult Engine::remote_answer(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  const Call& c = calls_[s.call];
  if (monitored(c.target)) return ignore(IgnoreReason::kNoExternalParty);
  bool busy_answers = CB_FAULT(kOutboundEstablishedAfterBusy) && c.phase == Phase::kBusy &&
                      c.history == 0 && monitored(c.origin);
  if (c.phase != Phase::kNetwork && !busy_answers) return ignore(IgnoreReason::kWrongPhase);
  establish(s.call, 0);
  return {};
}

// The far end is busy (with a CallState reason, Busy when none is given).
ApplyResult Engine::remote_busy(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  if (monitored(c.target)) return ignore(IgnoreReason::kNoExternalParty);
  if (c.phase != Phase::kTransit && c.phase != Phase::kNetwork) {
    return ignore(IgnoreReason::kWrongPhase);
  }
  unschedule(s.call);
  c.phase = Phase::kBusy;
  // The Outbound Call's ** row names B without *DIAL: the far end that was busy.
  Event& e = caller_event(EventType::kDestinationBusy, s.call);
  set_state(e, s.has_call_state ? s.call_state : CallState::kBusy);
  if (CB_FAULT(kOutboundBusyNoOtherDn) && c.history == 0 && monitored(c.origin)) {
    e.clear(Attr::kOtherDn);
    e.clear(Attr::kOtherDnRole);
  }
  return {};
}

// The far end hangs up: the external destination once reached, else the external
// caller (which then abandons the call wherever it waits).
ApplyResult Engine::remote_release(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  const Call& c = calls_[s.call];
  bool far_end_reached = c.phase == Phase::kNetwork || c.phase == Phase::kEstablished;
  if (!monitored(c.target) && far_end_reached) {
    set_state(caller_event(EventType::kReleased, s.call), CallState::kOk);
    clear(s.call);
    return {};
  }
  if (!monitored(c.origin)) {
    release_by_caller(s.call, 0);
    return {};
  }
  return ignore(IgnoreReason::kNoExternalParty);
}

// The switch's router timeout: default routing without a TRouteCall.
ApplyResult Engine::route_timeout(const Stimulus& s) {
  if (!call_live(s.call)) return ignore(IgnoreReason::kCallUnknown);
  Call& c = calls_[s.call];
  if (c.phase != Phase::kRouting || c.holder != s.dn) {
    return ignore(IgnoreReason::kNotAtRoutingPoint);
  }
  if (!valid_route_destination(c, s.dn, s.dn2)) return ignore(IgnoreReason::kBadDestination);
  route_step(s.call, s.dn2, 0);
  return {};
}

ApplyResult Engine::step(const Stimulus& s) {
  if (!claimed_[s.call] || calls_[s.call].pending == Pending::kNone) {
    return ignore(IgnoreReason::kNothingPending);
  }
  fire(s.call);
  return {};
}

}  // namespace callbench
