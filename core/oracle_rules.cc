// The oracle's generic invariants: rules that hold for any stimulus sequence, written
// from the call-model document and TLIB-FACTS.md. Each rule is checked from what the
// session shows (stimuli and events), with the oracle's own view of every party built
// from the events alone: never from the engine.
//
// A party is one DN's part in one call. Its state follows its events:
//
//   none --Dialing--> dialing (the caller; flags: held, busy, established, reached)
//   none --Ringing--> ringing --Established--> talking --Released--> done
//   none --Queued--> queued (ACD queue, routing queue, or an extension the call is
//        parked on) --Diverted/Abandoned--> done, --RouteRequest--> routing,
//        --Ringing--> ringing (pickup)
//   none --RouteRequest--> routing --RouteUsed--> routed --Diverted--> done
//   ringing, queued, routing --Abandoned--> done;  dialing --Released--> done
//
// Any other event for a party breaks rule party-order.
#include <algorithm>
#include <array>
#include <string>

#include "core/oracle.h"
#include "core/oracle_internal.h"

namespace callbench {
namespace oracle {

const char* state_name(PartyState::S s) {
  switch (s) {
    case PartyState::kNone:
      return "none";
    case PartyState::kDialing:
      return "dialing";
    case PartyState::kRinging:
      return "ringing";
    case PartyState::kTalking:
      return "talking";
    case PartyState::kQueued:
      return "queued";
    case PartyState::kRouting:
      return "routing";
    case PartyState::kRouted:
      return "routed";
    case PartyState::kDone:
      return "done";
  }
  return "?";
}

}  // namespace oracle

const std::vector<Rule>& oracle_rules() {
  static const std::vector<Rule> rules = {
      {"reference-answer",
       "every client request gets exactly one answer carrying its ReferenceID: its own event at "
       "the "
       "requesting DN, first of what it causes, or EventError; a TRouteCall may still be pending "
       "in a "
       "paused session, unless its EventRouteUsed was sent (TLIB-FACTS: a request's answer)"},
      {"refused-changes-nothing",
       "a request refused with EventError causes no other event (TLIB-FACTS: a request that cannot "
       "be "
       "honoured gets EventError; DESIGN.md: it changes no state)"},
      {"request-accepted",
       "a request the documented flows allow in the state the events show is not refused: "
       "TAnswerCall where the call rings, TReleaseCall by the caller or a talking party, "
       "THoldCall/TRetrieveCall by a talking party, TMakeCall from an idle extension, TRouteCall "
       "where the call waits for a route (the flows' Answer, Hold, Retrieve, Route Call steps)"},
      {"party-order",
       "each party's events follow the documented order: EventDialing only at the caller, Ringing "
       "before its Established, nothing after its Released or Abandoned, Held and Retrieved "
       "alternate, and after EventDestinationBusy a call rings or is answered only once parked "
       "(every flow's rows; Call Parking)"},
      {"one-connid",
       "a call has one ConnID, the same at every party, and no other call has it (every row: "
       "ConnID 1)"},
      {"established-on-answer",
       "EventEstablished comes from an answer: TAnswerCall of the call, or the far end answering "
       "(the flows' Answer step)"},
      {"established-pair",
       "both monitored sides of a call get EventEstablished together, and ThisDN/OtherDN agree "
       "between them (each flow's EventEstablished row)"},
      {"caller-other-dn",
       "the events of the call's other parties name the caller as OtherDN, and once the call is "
       "answered or busy the caller's events name the party it is with (every row's OtherDN)"},
      {"agent-this-queue",
       "a party reached through an ACD or routing queue carries that queue as ThisQueue on its "
       "EventRinging; ThisQueue is not reported on any event of a non-ACD call, nor on the "
       "caller's "
       "events (ACD rows; TLIB-FACTS; stricter than tables that merely omit it)"},
      {"abandoned-this-queue",
       "EventAbandoned at a queue, or at an agent reached through one, carries ThisQueue "
       "(TLIB-FACTS: "
       "EventAbandoned carries ThisQueue for an ACD call)"},
      {"route-attributes",
       "EventRouteRequest and EventRouteUsed carry ThisQueue equal to ThisDN; EventRouteUsed "
       "answering a TRouteCall names its destination as ThirdPartyDN, and after default routing "
       "too when the profile reports it (TLIB-FACTS; Routing, footnote b)"},
      {"required-callstate", "EventRinging and EventAbandoned always carry CallState (TLIB-FACTS)"},
      {"other-dn-role", "OtherDNRole is present exactly when OtherDN is (TLIB-FACTS)"},
      {"hangup-clears",
       "once the caller hangs up (or a talking party does), no party is left in the call (every "
       "flow's abnormal table: each party still in the call gets EventAbandoned or EventReleased)"},
      {"one-call-per-extension",
       "an extension dials, rings or talks on at most one call at a time: no call waiting "
       "(Internal "
       "**: a busy destination gives EventDestinationBusy)"},
      {"attribute-values",
       "attributes hold what T-Lib puts there: ThirdPartyDN/Role/Queue only on EventDiverted and "
       "EventRouteUsed, ErrorCode only on EventError (which names no other party), a party keeps "
       "its "
       "role (the caller Origination, the others Destination), CallState OK where the document "
       "names no other value, a CallState on EventDestinationBusy (the tables' rows and footnote a "
       "of Internal/Inbound and Outbound)"},
      {"party-kind",
       "each party's events fit its DN kind: an ACD queue is queued, diverts and abandons; a "
       "routing "
       "point routes; an external DN gets no event; an extension never routes or diverts (the "
       "document's party columns)"},
      {"left-behind",
       "no party is left queued, ringing or routing once the call rings elsewhere, is established "
       "or "
       "is over, checked after every stimulus and at the end of the session (every flow's tables: "
       "each party leaves the call with EventDiverted, EventRouteUsed or EventAbandoned)"},
      {"pending-steps",
       "when the session is not paused, the switch's own steps happen within the stimulus that "
       "caused them: a call is delivered where it was sent and a TRouteCall carried out before the "
       "next stimulus (DESIGN.md: pause/step/resume hand that timing to the scenario)"},
      {"delivered-where-sent",
       "the call rings, queues or is routed only at the DN the last make-call, inbound, divert, "
       "queue, park, pickup, route or route-timeout named, and EventRouteUsed's ThirdPartyDN names "
       "that DN (Routing flows, footnote b)"},
      {"network-reached",
       "the caller of a call that goes beyond the network gets EventNetworkReached before its "
       "EventEstablished: when reached, or right before EventEstablished when the switch does not "
       "report it (Outbound Call, footnote a; TLIB-FACTS)"},
      {"route-used-callstate",
       "EventRouteUsed carries CallState OK after a TRouteCall and Redirected (22) after the "
       "switch "
       "routed the call by default; none on switches that report none (Routing, footnote c)"},
      {"route-error-after-abandoned",
       "when the caller hangs up while a TRouteCall is pending, the routing point gets EventError "
       "with that request's ReferenceID after its EventAbandoned (Routing, interruption point **, "
       "footnote a)"},
      {"retrieved-repeats",
       "EventRetrieved repeats the ThisDNRole and ThisQueue of its DN's preceding EventEstablished "
       "or EventRinging (TLIB-FACTS)"},
      {"switch-stimulus",
       "a switch stimulus that applies shows as the document draws it: remote-busy as the caller's "
       "EventDestinationBusy with the reason it gave (Busy when none); a busy DN that T-Server "
       "monitors gives Busy (footnote a of Internal/Inbound leaves the reason open: pinned)"},
      {"documented-flow",
       "a call whose stimuli follow a documented flow produces exactly its events, row by row "
       "(the call-model document's tables; an observed stream: its events alone)"},
      {"switch-profile",
       "a stream whose switch profile is not stated still takes one documented alternative "
       "of each option throughout the session (DESIGN.md principle 3)"},
      {"documented-attributes",
       "a call that follows a documented flow carries, at each row, the attributes its table lists "
       "(mandatory values, *OPT, *DIAL and documented alternatives)"},
  };
  return rules;
}

namespace oracle {
namespace {

bool is_extension_kind(DnKind k) {
  return k == DnKind::kExtension || k == DnKind::kRemoteExtension;
}
bool is_queue_kind(DnKind k) { return k == DnKind::kAcdQueue || k == DnKind::kRoutingQueue; }
bool is_routing_kind(DnKind k) { return k == DnKind::kRoutingPoint || k == DnKind::kRoutingQueue; }

// Which event kind answers each client request.
EventType answer_type(StimulusKind k) {
  switch (k) {
    case StimulusKind::kMakeCall:
      return EventType::kDialing;
    case StimulusKind::kAnswerCall:
      return EventType::kEstablished;
    case StimulusKind::kReleaseCall:
      return EventType::kReleased;
    case StimulusKind::kHoldCall:
      return EventType::kHeld;
    case StimulusKind::kRetrieveCall:
      return EventType::kRetrieved;
    case StimulusKind::kRouteCall:
      return EventType::kRouteUsed;
    default:
      return EventType::kError;
  }
}

}  // namespace

Judge::Judge(const Session& session, const std::vector<Event>& events, Scratch* scratch)
    : session_(session),
      events_(events),
      scratch_(*scratch),
      calls_(scratch->calls),
      extension_overloaded_(scratch->extension_overloaded),
      active_(scratch->active) {
  const SessionConfig& c = session.config;
  calls_.resize(std::max(calls_.size(), c.call_names.size()));
  calls_.resize(c.call_names.size());
  for (CallView& v : calls_) v.reset();
  scratch_.live.clear();
  scratch_.changed.clear();
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    const Stimulus& s = session.stimuli[i];
    if (!shape(s.kind).creates_call) continue;
    CallView& v = calls_[s.call];
    v.caller = s.dn;
    v.dialed = s.dn2;
    v.caller_monitored = c.topology.dns[s.dn].kind != DnKind::kExternal;
  }
  if (!session.observed) return;
  // An observed stream: the caller is the DN that dials, or the one the first party
  // offered the call names as its Origination; the dialed DN the first other party.
  for (const Event& e : events) {
    if (e.call >= calls_.size() || e.type == EventType::kError || !c.topology.valid(e.this_dn))
      continue;
    CallView& v = calls_[e.call];
    if (v.caller == kNoDn) {
      if (e.type == EventType::kDialing) {
        v.caller = e.this_dn;
        if (e.has(Attr::kOtherDn) && c.topology.valid(e.other_dn)) v.dialed = e.other_dn;
      } else if (e.has(Attr::kOtherDn) && e.has(Attr::kOtherDnRole) &&
                 e.other_role == DnRole::kOrigination && c.topology.valid(e.other_dn)) {
        v.caller = e.other_dn;
        v.dialed = e.this_dn;
      }
    } else if (v.dialed == kNoDn && e.this_dn != v.caller) {
      v.dialed = e.this_dn;
    }
  }
  for (CallView& v : calls_) {
    if (v.caller != kNoDn) v.caller_monitored = c.topology.dns[v.caller].kind != DnKind::kExternal;
  }
}

const char* Judge::kind_name(DnId dn) const {
  return dn_kind_name(session_.config.topology.dns[dn].kind);
}

std::string Judge::dn(DnId id) const {
  return session_.config.topology.valid(id) ? session_.config.topology.dns[id].name
                                            : std::string("(none)");
}

std::string Judge::call(CallId id) const {
  return id < session_.config.call_names.size() ? session_.config.call_names[id] : std::string("?");
}

DnKind Judge::kind(DnId id) const { return session_.config.topology.dns[id].kind; }

PartyState& Judge::party(CallId call, DnId dn) {
  CallView& v = calls_[call];
  for (auto& p : v.parties) {
    if (p.first == dn) return p.second;
  }
  v.parties.emplace_back(dn, PartyState{});
  return v.parties.back().second;
}

void Judge::move_party(PartyState& p, DnId dn, PartyState::S to) {
  auto active = [](PartyState::S x) {
    return x == PartyState::kDialing || x == PartyState::kRinging || x == PartyState::kTalking;
  };
  if (active(p.s) && !active(to)) --active_[dn];
  if (!active(p.s) && active(to)) ++active_[dn];
  p.s = to;
}

const PartyState* Judge::find_party(CallId call, DnId dn) const {
  if (call >= calls_.size()) return nullptr;
  for (const auto& p : calls_[call].parties) {
    if (p.first == dn) return &p.second;
  }
  return nullptr;
}

void Judge::violate(const char* rule, uint32_t request_seq, const Event* e,
                    const std::string& state, const std::string& message,
                    std::vector<uint32_t> more) {
  Violation v;
  v.rule = rule;
  v.request_seq = request_seq;
  if (e) {
    v.event_seqs.push_back(e->seq);
    v.first_event = e->type;
    v.has_event = true;
  }
  for (uint32_t s : more) v.event_seqs.push_back(s);
  v.state = state;
  v.message = message;
  out_.violations.push_back(std::move(v));
}

std::string Judge::describe(const Event& e) const {
  return std::string(event_name(e.type)) + " #" + std::to_string(e.seq) + " at " + dn(e.this_dn);
}

// ---- Per-event rules ----------------------------------------------------------------

void Judge::attribute_rules(const Event& e) {
  uint32_t r = e.request_seq;
  if (e.type == EventType::kError) {
    // EventError answers one client: its ConnID, ThisDN, ReferenceID and ErrorCode.
    constexpr uint16_t allowed =
        (1u << static_cast<int>(Attr::kConnId)) | (1u << static_cast<int>(Attr::kThisDn)) |
        (1u << static_cast<int>(Attr::kReferenceId)) | (1u << static_cast<int>(Attr::kErrorCode));
    if ((e.present & ~allowed) != 0) {
      violate("attribute-values", r, &e, "",
              describe(e) +
                  " carries attributes of a call event; EventError has ConnID, ThisDN, ReferenceID "
                  "and ErrorCode");
    }
    if (!e.has(Attr::kErrorCode) || !e.has(Attr::kReferenceId)) {
      violate("attribute-values", r, &e, "", describe(e) + " lacks its ReferenceID or ErrorCode");
    }
    return;
  }
  if (e.has(Attr::kOtherDn) != e.has(Attr::kOtherDnRole)) {
    violate("other-dn-role", r, &e, "",
            describe(e) + ": OtherDN and OtherDNRole must come together");
  }
  if ((e.type == EventType::kRinging || e.type == EventType::kAbandoned) &&
      !e.has(Attr::kCallState)) {
    violate("required-callstate", r, &e, "", describe(e) + " carries no CallState");
  }
  if (e.type == EventType::kRouteRequest || e.type == EventType::kRouteUsed) {
    if (!e.has(Attr::kThisQueue) || e.this_queue != e.this_dn) {
      violate("route-attributes", r, &e, "",
              describe(e) + ": ThisQueue must equal ThisDN " + dn(e.this_dn));
    }
  }
}

// The call's view, before its state changes: the ConnID, the caller as OtherDN, the
// queue on an agent's ringing, and the party's own order.
void Judge::call_event(const Event& e) {
  uint32_t r = e.request_seq;
  if (e.call >= calls_.size()) {
    violate("one-connid", r, &e, "", describe(e) + " names no call of the session");
    return;
  }
  CallView& v = calls_[e.call];
  // one-connid
  if (!e.has(Attr::kConnId)) {
    violate("one-connid", r, &e, "",
            describe(e) + " of call " + call(e.call) + " carries no ConnID");
  } else if (!v.has_conn_id) {
    v.has_conn_id = true;
    v.conn_id = e.conn_id;
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      if (i != e.call && calls_[i].has_conn_id && calls_[i].conn_id == e.conn_id) {
        violate("one-connid", r, &e, "",
                "calls " + call(static_cast<CallId>(i)) + " and " + call(e.call) +
                    " share ConnID " + conn_id_string(e.conn_id));
      }
    }
  } else if (e.conn_id != v.conn_id) {
    violate("one-connid", r, &e, "",
            describe(e) + " of call " + call(e.call) + " carries ConnID " +
                conn_id_string(e.conn_id) + ", the call has " + conn_id_string(v.conn_id));
  }

  if (v.parties.empty()) {  // its first party: the call is live from here on
    auto& live = scratch_.live;
    live.insert(std::lower_bound(live.begin(), live.end(), e.call), e.call);
  }
  PartyState& p = party(e.call, e.this_dn);
  if (!v.changed) scratch_.changed.push_back(e.call);
  v.changed = true;
  const char* before = state_name(p.s);
  bool caller_side =
      p.s == PartyState::kDialing || (p.s == PartyState::kNone && e.type == EventType::kDialing);

  // caller-other-dn: the other parties name the caller.
  bool names_caller =
      e.type == EventType::kRinging || e.type == EventType::kAbandoned ||
      e.type == EventType::kQueued || e.type == EventType::kRouteRequest ||
      e.type == EventType::kRouteUsed ||
      (!caller_side && (e.type == EventType::kEstablished || e.type == EventType::kReleased ||
                        e.type == EventType::kHeld || e.type == EventType::kRetrieved));
  if (names_caller && e.this_dn != v.caller && e.has(Attr::kOtherDn) && e.other_dn != v.caller) {
    violate("caller-other-dn", r, &e, before,
            describe(e) + " names OtherDN " + dn(e.other_dn) + "; the caller of " + call(e.call) +
                " is " + dn(v.caller));
  }

  // agent-this-queue and abandoned-this-queue.
  if (e.type == EventType::kRinging) {
    if (v.via_queue != kNoDn && (!e.has(Attr::kThisQueue) || e.this_queue != v.via_queue)) {
      violate("agent-this-queue", r, &e, before,
              describe(e) + ": the call was distributed by queue " + dn(v.via_queue) +
                  ", so ThisQueue must be " + dn(v.via_queue) +
                  (e.has(Attr::kThisQueue) ? ", not " + dn(e.this_queue) : " (it is missing)"));
    } else if (v.via_queue == kNoDn && e.has(Attr::kThisQueue)) {
      violate("agent-this-queue", r, &e, before,
              describe(e) + " carries ThisQueue " + dn(e.this_queue) +
                  " on a call no queue distributed");
    }
  }
  if (e.type == EventType::kAbandoned) {
    if (is_queue_kind(kind(e.this_dn))) {
      if (!e.has(Attr::kThisQueue) || e.this_queue != e.this_dn) {
        violate("abandoned-this-queue", r, &e, before,
                describe(e) + ": ThisQueue must be the queue " + dn(e.this_dn));
      }
    } else if (v.via_queue != kNoDn && e.this_dn == v.last_delivered) {
      bool queued_there = e.has(Attr::kThisQueue) && std::find(v.queues.begin(), v.queues.end(),
                                                               e.this_queue) != v.queues.end();
      if (!queued_there) {
        violate("abandoned-this-queue", r, &e, before,
                describe(e) + ": an agent reached through queue " + dn(v.via_queue) +
                    " must carry ThisQueue");
      }
    }
  }

  event_values(e, v);
  // agent-this-queue: ThisQueue on a non-ACD call, or on the caller's events.
  if (e.has(Attr::kThisQueue) && e.type != EventType::kRinging) {
    bool queue_self = is_queue_kind(kind(e.this_dn)) || kind(e.this_dn) == DnKind::kRoutingPoint;
    if (!queue_self && (e.this_dn == v.caller || (!v.acd && !is_queue_kind(kind(e.this_dn))))) {
      violate(
          "agent-this-queue", r, &e, before,
          describe(e) + " carries ThisQueue " + dn(e.this_queue) +
              (e.this_dn == v.caller ? ", but it is the caller's" : " on a call no queue holds"));
    }
  }
  // retrieved-repeats
  if (e.type == EventType::kRetrieved && p.has_last) {
    auto bits = static_cast<uint16_t>((1u << static_cast<int>(Attr::kThisDnRole)) |
                                      (1u << static_cast<int>(Attr::kThisQueue)));
    bool same = (e.present & bits) == (p.last_present & bits) &&
                (!e.has(Attr::kThisDnRole) || e.this_role == p.last_role) &&
                (!e.has(Attr::kThisQueue) || e.this_queue == p.last_queue);
    if (!same) {
      violate("retrieved-repeats", r, &e, before,
              describe(e) +
                  " does not repeat the ThisDNRole and ThisQueue of its DN's "
                  "EventEstablished/EventRinging");
    }
  }
  if (e.type == EventType::kEstablished || e.type == EventType::kRinging) {
    p.has_last = true;
    p.last_present = e.present;
    p.last_role = e.this_role;
    p.last_queue = e.this_queue;
  }
  // party-order: after EventDestinationBusy a call rings or is answered only once parked.
  if ((e.type == EventType::kEstablished || e.type == EventType::kRinging) &&
      e.this_dn != v.caller) {
    const PartyState* a = find_party(e.call, v.caller);
    const PartyState* here = find_party(e.call, e.this_dn);
    bool parked = here && (here->s == PartyState::kQueued || here->s == PartyState::kRinging ||
                           here->s == PartyState::kTalking);
    if (a && a->busy && !parked && e.type == EventType::kRinging) {
      violate(
          "party-order", r, &e, before,
          describe(e) + " comes after the caller heard busy, and the call was not parked there");
    }
  }
  if (e.type == EventType::kEstablished && e.this_dn == v.caller && p.busy) {
    bool parked = false;
    for (const auto& [d, q] : v.parties)
      parked = parked || (d != v.caller && q.s == PartyState::kTalking) ||
               (d != v.caller && q.s == PartyState::kRinging);
    bool any_parked = false;
    for (const auto& [d, q] : v.parties)
      any_parked =
          any_parked || (d != v.caller && is_extension_kind(kind(d)) && q.s != PartyState::kNone);
    if (!any_parked) {
      violate("party-order", r, &e, before,
              describe(e) + " comes after EventDestinationBusy on a call that was never parked");
    }
    (void)parked;
  }

  party_order(e, p);

  // What the call learned from this event.
  if (e.type == EventType::kQueued && is_queue_kind(kind(e.this_dn))) {
    v.queues.push_back(e.this_dn);
    v.acd = true;
  }
  if (e.type == EventType::kRinging) v.last_delivered = e.this_dn;
  // Who carries ThisQueue from here on: a queue's EventDiverted names the distributing
  // queue (ThirdPartyQueue at the other queues of a multi-queued call, else ThisDN); a
  // routing point's EventRouteUsed hands the call on with no queue.
  if (e.type == EventType::kRouteUsed) v.via_queue = kNoDn;
  if (e.type == EventType::kDiverted)
    v.via_queue = e.has(Attr::kThirdPartyQueue) ? e.third_party_queue : e.this_dn;
}

void Judge::party_order(const Event& e, PartyState& p) {
  using S = PartyState;
  const char* before = state_name(p.s);
  auto bad = [&](const std::string& why) {
    violate("party-order", e.request_seq, &e, before,
            describe(e) + " of call " + call(e.call) + " " + why);
  };
  const DnId dn = e.this_dn;
  switch (e.type) {
    case EventType::kDialing:
      if (p.s != S::kNone) return bad("comes after the party's earlier events");
      move_party(p, dn, S::kDialing);
      return;
    case EventType::kRinging:
      if (p.s != S::kNone && p.s != S::kQueued)
        return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kRinging);
      return;
    case EventType::kQueued:
      if (p.s != S::kNone) return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kQueued);
      return;
    case EventType::kRouteRequest:
      if (p.s != S::kNone && p.s != S::kQueued)
        return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kRouting);
      return;
    case EventType::kRouteUsed:
      if (p.s != S::kRouting)
        return bad(std::string("comes when the party is ") + before + ", not routing");
      move_party(p, dn, S::kRouted);
      return;
    case EventType::kDiverted:
      if (p.s != S::kQueued && p.s != S::kRouted)
        return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kDone);
      return;
    case EventType::kNetworkReached:
      if (p.s != S::kDialing || p.reached || p.established) {
        return bad(std::string("comes when the caller is ") + before +
                   (p.reached ? " and already reached the network" : ""));
      }
      p.reached = true;
      return;
    case EventType::kDestinationBusy:
      if (p.s != S::kDialing || p.established || p.busy)
        return bad(std::string("comes when the caller is ") + before);
      p.busy = true;
      return;
    case EventType::kEstablished:
      if (p.s == S::kRinging) {
        move_party(p, dn, S::kTalking);
        return;
      }
      if (p.s == S::kDialing && !p.established) {  // after a busy destination too: a parked call
        p.established = true;
        return;
      }
      return bad(p.s == S::kNone ? std::string("comes before the party's EventRinging")
                                 : std::string("comes when the party is ") + before);
    case EventType::kHeld:
      if ((p.s != S::kDialing && p.s != S::kTalking) || p.held)
        return bad(std::string("comes when the party is ") + before + (p.held ? " and held" : ""));
      p.held = true;
      return;
    case EventType::kRetrieved:
      if ((p.s != S::kDialing && p.s != S::kTalking) || !p.held)
        return bad(std::string("comes when the party is ") + before + " and not held");
      p.held = false;
      return;
    case EventType::kReleased:
      if (p.s != S::kDialing && p.s != S::kTalking)
        return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kDone);
      p.released = true;
      return;
    case EventType::kAbandoned:
      if (p.s != S::kRinging && p.s != S::kQueued && p.s != S::kRouting)
        return bad(std::string("comes when the party is ") + before);
      move_party(p, dn, S::kDone);
      return;
    case EventType::kError:
      return;
  }
}

// ---- Per-stimulus rules -------------------------------------------------------------

bool Judge::active_on_a_call(DnId dn) const { return active_[dn] > 0; }

// Whether the documented flows allow request `s` in the state before it: then it must
// not be refused. Returns the reason, or nullptr when the rule does not apply.
const char* Judge::must_accept(const Stimulus& s) const {
  const StimulusShape& shape = oracle::shape(s.kind);
  if (!shape.client_request) return nullptr;
  const PartyState* p =
      shape.has_call && s.kind != StimulusKind::kMakeCall ? find_party(s.call, s.dn) : nullptr;
  switch (s.kind) {
    case StimulusKind::kAnswerCall:
      return p && p->s == PartyState::kRinging ? "the call rings there" : nullptr;
    case StimulusKind::kReleaseCall:
      if (p && p->s == PartyState::kDialing) return "the DN is the call's caller";
      return p && p->s == PartyState::kTalking ? "the DN talks on the call" : nullptr;
    case StimulusKind::kHoldCall:
      if (!p || p->held) return nullptr;
      if (p->s == PartyState::kTalking || (p->s == PartyState::kDialing && p->established))
        return "the DN talks on the call";
      return nullptr;
    case StimulusKind::kRetrieveCall:
      return p && p->held && (p->s == PartyState::kDialing || p->s == PartyState::kTalking)
                 ? "the DN holds the call"
                 : nullptr;
    case StimulusKind::kMakeCall:
      if (!is_extension_kind(kind(s.dn)) || s.dn2 == s.dn || active_on_a_call(s.dn)) return nullptr;
      return "the extension is idle";
    case StimulusKind::kRouteCall: {
      if (!p || p->s != PartyState::kRouting || calls_[s.call].route_pending) return nullptr;
      DnKind k = kind(s.dn2);
      if (k == DnKind::kRoutingPoint || k == DnKind::kRoutingQueue || s.dn2 == s.dn ||
          s.dn2 == calls_[s.call].caller) {
        return nullptr;
      }
      return "the call waits for a route there";
    }
    default:
      return nullptr;
  }
}

void Judge::stimulus(std::size_t index, const Event* begin, const Event* end) {
  const Stimulus& s = session_.stimuli[index];
  auto seq = static_cast<uint32_t>(index + 1);
  const StimulusShape& shape = oracle::shape(s.kind);
  if (s.kind == StimulusKind::kPause) paused_ = true;
  if (s.kind == StimulusKind::kResume) paused_ = false;

  // request-accepted, judged on the state before the request.
  if (const char* why = must_accept(s)) {
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kError && e->has(Attr::kReferenceId) &&
          e->reference_id == s.reference_id) {
        violate("request-accepted", seq, e, party_state_text(s),
                std::string(shape.tlib) + " by " + dn(s.dn) + " on call " + call(s.call) +
                    " was refused (" + std::to_string(error_code_of(e->error)) + "), but " + why);
      }
    }
  }

  // Per-event rules.
  for (const Event* e = begin; e != end; ++e) {
    attribute_rules(*e);
    if (e->type == EventType::kError) continue;
    call_event(*e);
  }
  // established-on-answer and established-pair.
  for (const Event* e = begin; e != end; ++e) {
    if (e->type != EventType::kEstablished) continue;
    bool answer = (s.kind == StimulusKind::kAnswerCall || s.kind == StimulusKind::kRemoteAnswer) &&
                  s.call == e->call;
    if (!answer) {
      violate("established-on-answer", seq, e, "",
              describe(*e) + " of call " + call(e->call) + " was caused by '" + shape.verb +
                  "', not by an answer");
    }
  }
  if ((s.kind == StimulusKind::kAnswerCall || s.kind == StimulusKind::kRemoteAnswer) &&
      s.call < calls_.size()) {
    const Event* at_caller = nullptr;
    const Event* at_other = nullptr;
    for (const Event* e = begin; e != end; ++e) {
      if (e->type != EventType::kEstablished || e->call != s.call) continue;
      (e->this_dn == calls_[s.call].caller ? at_caller : at_other) = e;
    }
    if (at_caller || at_other) {
      const CallView& v = calls_[s.call];
      if (v.caller_monitored && !at_caller) {
        violate("established-pair", seq, at_other, "talking",
                "call " + call(s.call) + " was answered, but the caller " + dn(v.caller) +
                    " got no EventEstablished");
      }
      if (s.kind == StimulusKind::kAnswerCall && !at_other) {
        violate("established-pair", seq, at_caller, "talking",
                "call " + call(s.call) + " was answered by " + dn(s.dn) +
                    ", which got no EventEstablished");
      }
      if (at_caller && at_other) {
        if (at_caller->has(Attr::kOtherDn) && at_caller->other_dn != at_other->this_dn) {
          violate("established-pair", seq, at_caller, "talking",
                  describe(*at_caller) + " names OtherDN " + dn(at_caller->other_dn) + ", but " +
                      dn(at_other->this_dn) + " answered");
        }
        if (at_other->has(Attr::kOtherDn) && at_other->other_dn != at_caller->this_dn) {
          violate("established-pair", seq, at_other, "talking",
                  describe(*at_other) + " names OtherDN " + dn(at_other->other_dn) +
                      ", but the caller is " + dn(at_caller->this_dn));
        }
      }
    }
  }

  // route-attributes: the answer to a TRouteCall names its destination.
  for (const Event* e = begin; e != end; ++e) {
    if (e->type != EventType::kRouteUsed || !e->has(Attr::kReferenceId)) continue;
    const Stimulus* route = route_request(e->reference_id, seq);
    // The RouteQueue table marks ThirdPartyDN *OPT: absent there when the profile says so.
    bool optional = kind(e->this_dn) == DnKind::kRoutingQueue &&
                    (!session_.profile_known || !session_.config.profile.third_party);
    if (route && (e->has(Attr::kThirdPartyDn) ? e->third_party_dn != route->dn2 : !optional)) {
      violate("route-attributes", seq, e, "routed",
              describe(*e) + " answers the TRouteCall to " + dn(route->dn2) +
                  " but names ThirdPartyDN " +
                  (e->has(Attr::kThirdPartyDn) ? dn(e->third_party_dn) : std::string("(none)")));
    }
  }

  // hangup-clears: after the caller or a talking party hangs up, nobody is left.
  std::array<CallId, 8> hung{};
  std::size_t nhung = 0;
  auto note_hangup = [&](CallId c) {
    for (std::size_t i = 0; i < nhung; ++i) {
      if (hung[i] == c) return;
    }
    if (nhung < hung.size()) hung[nhung++] = c;
  };
  for (const Event* e = begin; e != end; ++e) {
    if (e->type == EventType::kReleased && e->call < calls_.size()) note_hangup(e->call);
  }
  if (s.kind == StimulusKind::kRemoteRelease && s.call < calls_.size() &&
      !calls_[s.call].caller_monitored && !calls_[s.call].outside_destination) {
    note_hangup(s.call);
  }
  for (std::size_t h = 0; h < nhung; ++h) {
    const CallView& v = calls_[hung[h]];
    for (const auto& [d, p] : v.parties) {
      // A routing point that handed the call on (routed) is no longer in it.
      if (p.s == PartyState::kDone || p.s == PartyState::kNone || p.s == PartyState::kRouted)
        continue;
      violate("hangup-clears", seq, nullptr, state_name(p.s),
              "call " + call(hung[h]) + " was hung up, but " + dn(d) + " (" + kind_name(d) +
                  ") is left " + state_name(p.s));
    }
  }

  // one-call-per-extension, at the DNs this stimulus touched.
  for (const Event* e = begin; e != end; ++e) {
    DnId d = e->this_dn;
    if (!is_extension_kind(kind(d)) || active_[d] <= 1 || extension_overloaded_[d]) continue;
    extension_overloaded_[d] = true;
    violate("one-call-per-extension", seq, e, "",
            dn(d) + " is on " + std::to_string(active_[d]) + " calls at once");
  }

  // What the stimulus tells about later requests.
  if (s.kind == StimulusKind::kRouteCall && s.call < calls_.size()) {
    bool refused = false;
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kError && e->reference_id == s.reference_id) refused = true;
    }
    bool answered = false;
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kRouteUsed && e->reference_id == s.reference_id) answered = true;
    }
    if (!refused && !answered) calls_[s.call].route_pending = s.reference_id;
  }
  for (const Event* e = begin; e != end; ++e) {
    if (e->call >= calls_.size()) continue;
    CallView& v = calls_[e->call];
    if (v.route_pending != 0 && e->has(Attr::kReferenceId) && e->reference_id == v.route_pending)
      v.route_pending = 0;
    if (e->type == EventType::kNetworkReached ||
        (e->type == EventType::kRouteUsed && e->has(Attr::kThirdPartyDn) &&
         kind(e->third_party_dn) == DnKind::kExternal)) {
      v.outside_destination = true;
    }
    if (e->type == EventType::kRouteUsed && !e->has(Attr::kThirdPartyDn))
      v.outside_destination = true;  // unknown
  }
  if (s.kind == StimulusKind::kMakeCall && s.call < calls_.size() &&
      kind(s.dn2) == DnKind::kExternal) {
    calls_[s.call].outside_destination = true;
  }
}

std::string Judge::party_state_text(const Stimulus& s) const {
  const PartyState* p = shape(s.kind).has_call ? find_party(s.call, s.dn) : nullptr;
  return p ? state_name(p->s) : "none";
}

const Stimulus* Judge::route_request(uint32_t reference_id, uint32_t up_to_seq) const {
  const Stimulus* found = nullptr;
  for (uint32_t i = 0; i < up_to_seq && i < session_.stimuli.size(); ++i) {
    const Stimulus& s = session_.stimuli[i];
    if (s.kind == StimulusKind::kRouteCall && s.reference_id == reference_id) found = &s;
  }
  return found;
}

// ---- reference-answer and refused-changes-nothing ------------------------------------

void Judge::answers() {
  const auto& stimuli = session_.stimuli;
  // The earliest unanswered request with the event's ReferenceID answers it.
  std::vector<const Event*>& answer = scratch_.answer;
  std::vector<int>& count = scratch_.count;
  std::vector<std::pair<uint32_t, uint32_t>>& by_ref =
      scratch_.by_ref;  // (ReferenceID, request), sorted
  answer.assign(stimuli.size(), nullptr);
  count.assign(stimuli.size(), 0);
  by_ref.clear();
  for (std::size_t i = 0; i < stimuli.size(); ++i) {
    if (client_request(stimuli[i]))
      by_ref.emplace_back(stimuli[i].reference_id, static_cast<uint32_t>(i));
  }
  // A program's requests carry ReferenceIDs 1, 2, 3... in order: sorted already.
  if (!std::is_sorted(by_ref.begin(), by_ref.end())) std::sort(by_ref.begin(), by_ref.end());
  for (const Event& e : events_) {
    if (!e.has(Attr::kReferenceId)) continue;
    std::size_t match = stimuli.size();
    auto it =
        std::lower_bound(by_ref.begin(), by_ref.end(), std::make_pair(e.reference_id, uint32_t{0}));
    for (; it != by_ref.end() && it->first == e.reference_id && it->second < e.request_seq; ++it) {
      if (count[it->second] == 0) {
        match = it->second;
        break;
      }
    }
    if (match == stimuli.size()) {
      violate("reference-answer", e.request_seq, &e, "",
              describe(e) + " carries ReferenceID " + std::to_string(e.reference_id) +
                  ", which no unanswered request has");
      continue;
    }
    ++count[match];
    answer[match] = &e;
  }
  bool paused = false;
  for (const Stimulus& s : stimuli) {
    if (s.kind == StimulusKind::kPause) paused = true;
    if (s.kind == StimulusKind::kResume) paused = false;
  }
  std::vector<std::size_t>& first_of = scratch_.first_of;
  first_of.assign(stimuli.size() + 1, events_.size());
  for (std::size_t i = events_.size(); i-- > 0;) {
    if (events_[i].request_seq <= stimuli.size()) first_of[events_[i].request_seq] = i;
  }
  for (std::size_t i = 0; i < stimuli.size(); ++i) {
    const Stimulus& s = stimuli[i];
    if (!client_request(s)) continue;
    auto seq = static_cast<uint32_t>(i + 1);
    const char* tlib = shape(s.kind).tlib;
    const Event* a = answer[i];
    if (!a) {
      // Still pending in a paused session: allowed, unless the route was carried out
      // (its call got EventRouteUsed after the request).
      bool carried_out = false;
      for (const Event& e : events_) {
        carried_out = carried_out || (e.type == EventType::kRouteUsed && e.call == s.call &&
                                      e.request_seq > i + 1 - 1 && e.request_seq >= i + 1);
      }
      if (s.kind == StimulusKind::kRouteCall && paused && !carried_out) continue;
      violate("reference-answer", seq, nullptr, party_state_text(s),
              std::string(tlib) + " by " + dn(s.dn) + " (ReferenceID " +
                  std::to_string(s.reference_id) + ") got no answer");
      continue;
    }
    bool error = a->type == EventType::kError;
    if (!error && a->type != answer_type(s.kind)) {
      violate("reference-answer", seq, a, party_state_text(s),
              std::string(tlib) + " was answered by " + describe(*a) + ", not " +
                  event_name(answer_type(s.kind)));
    }
    if (a->this_dn != s.dn && !(s.kind == StimulusKind::kRouteCall && error)) {
      violate("reference-answer", seq, a, party_state_text(s),
              std::string(tlib) + " by " + dn(s.dn) + " was answered at " + dn(a->this_dn));
    }
    bool late_route = s.kind == StimulusKind::kRouteCall && a->request_seq != seq;
    if (!late_route) {
      if (a->request_seq != seq) {
        violate("reference-answer", seq, a, party_state_text(s),
                std::string(tlib) + " was answered by " + describe(*a) +
                    ", caused by a later stimulus");
      } else if (first_of[seq] < events_.size() && &events_[first_of[seq]] != a) {
        violate(
            "reference-answer", seq, a, party_state_text(s),
            std::string(tlib) + "'s answer " + describe(*a) + " is not the first event it causes");
      }
      if (error && a->request_seq == seq) {
        for (std::size_t k = first_of[seq]; k < events_.size() && events_[k].request_seq == seq;
             ++k) {
          if (&events_[k] != a) {
            violate("refused-changes-nothing", seq, &events_[k], party_state_text(s),
                    std::string(tlib) + " was refused, yet it caused " + describe(events_[k]));
          }
        }
      }
    }
  }
}

// ---- Attribute values and party kinds (any event of a call) ---------------------------

void Judge::event_values(const Event& e, const CallView& v) {
  uint32_t r = e.request_seq;
  auto bad = [&](const std::string& why) {
    violate("attribute-values", r, &e, "", describe(e) + " " + why);
  };
  bool third = e.type == EventType::kDiverted || e.type == EventType::kRouteUsed;
  if (!third && (e.has(Attr::kThirdPartyDn) || e.has(Attr::kThirdPartyDnRole) ||
                 e.has(Attr::kThirdPartyQueue))) {
    bad("carries a third-party attribute, which only EventDiverted and EventRouteUsed have");
  }
  if (e.has(Attr::kErrorCode)) bad("carries ErrorCode, which only EventError has");
  bool caller = e.this_dn == v.caller;
  // The multi-ACD table gives the distributing queue's EventDiverted ThisDNRole
  // Origination; every other event keeps the party's role.
  bool role_free = e.type == EventType::kDiverted;
  if (e.has(Attr::kThisDnRole) && !role_free &&
      e.this_role != (caller ? DnRole::kOrigination : DnRole::kDestination)) {
    bad(std::string("carries ThisDNRole ") + dn_role_name(e.this_role) + "; the " +
        (caller ? "caller" : "called side") + " is " + (caller ? "Origination" : "Destination"));
  }
  if (e.has(Attr::kOtherDnRole) && !role_free &&
      e.other_role != (caller ? DnRole::kDestination : DnRole::kOrigination)) {
    bad(std::string("carries OtherDNRole ") + dn_role_name(e.other_role) + "; the other side is " +
        (caller ? "Destination" : "Origination"));
  }
  if (e.has(Attr::kOtherDn) && e.other_dn == e.this_dn) bad("names its own DN as OtherDN");
  if (e.has(Attr::kThirdPartyDn) && e.third_party_dn == e.this_dn)
    bad("names its own DN as ThirdPartyDN");
  if (e.type == EventType::kDestinationBusy && !e.has(Attr::kCallState))
    bad("carries no CallState (footnote a: it gives the reason)");
  if (e.has(Attr::kCallState)) {
    CallState c = e.call_state;
    switch (e.type) {
      case EventType::kDestinationBusy:
        break;  // footnote a: the reason the switch gave (switch-stimulus)
      case EventType::kDiverted:
        if (c != CallState::kOk && c != CallState::kRedirected)
          bad(std::string("carries CallState ") + call_state_name(c));
        break;
      case EventType::kRouteUsed:
        break;  // route-used-callstate
      default:
        if (c != CallState::kOk)
          bad(std::string("carries CallState ") + call_state_name(c) +
              " where the document names OK");
    }
  }
  // party-kind
  DnKind k = kind(e.this_dn);
  bool fits = true;
  switch (k) {
    case DnKind::kExternal:
      fits = false;
      break;
    case DnKind::kAcdQueue:
      fits = e.type == EventType::kQueued || e.type == EventType::kDiverted ||
             e.type == EventType::kAbandoned;
      break;
    case DnKind::kRoutingPoint:
      fits = e.type == EventType::kRouteRequest || e.type == EventType::kRouteUsed ||
             e.type == EventType::kAbandoned;
      break;
    case DnKind::kRoutingQueue:
      fits = e.type == EventType::kQueued || e.type == EventType::kRouteRequest ||
             e.type == EventType::kRouteUsed || e.type == EventType::kDiverted ||
             e.type == EventType::kAbandoned;
      break;
    case DnKind::kExtension:
    case DnKind::kRemoteExtension:
      fits = e.type != EventType::kRouteRequest && e.type != EventType::kRouteUsed &&
             e.type != EventType::kDiverted;
      break;
  }
  if (!fits)
    violate(
        "party-kind", r, &e, "",
        describe(e) + " does not fit " + dn(e.this_dn) + "'s kind (" + kind_name(e.this_dn) + ")");
}

// ---- Rules over a stimulus and what it caused -------------------------------------------

// Rules over events as they come, with their stimuli when the session has them.
void Judge::event_rules(uint32_t seq, const Event* begin, const Event* end) {
  const SwitchProfile& prof = session_.config.profile;
  bool known = session_.profile_known;
  bool observed = session_.observed;
  for (const Event* e = begin; e != end; ++e) {
    if (e->type == EventType::kError || e->call >= calls_.size()) continue;
    CallView& v = calls_[e->call];
    const Stimulus* cause =
        !observed && e->request_seq >= 1 && e->request_seq <= session_.stimuli.size()
            ? &session_.stimuli[e->request_seq - 1]
            : nullptr;
    bool delivery = e->type == EventType::kRinging || e->type == EventType::kRouteRequest ||
                    (e->type == EventType::kQueued && kind(e->this_dn) != DnKind::kExtension);
    if (delivery && v.sent_to != kNoDn && e->this_dn != v.sent_to) {
      bool other_queue = e->type == EventType::kQueued && cause &&
                         cause->kind == StimulusKind::kQueue && cause->dn == e->this_dn;
      bool pickup = e->type == EventType::kRinging && cause &&
                    cause->kind == StimulusKind::kPickup && cause->dn == e->this_dn;
      if (!other_queue && !pickup) {
        violate("delivered-where-sent", seq, e, "",
                describe(*e) + ", but call " + call(e->call) + " was sent to " + dn(v.sent_to));
      }
    }
    if (!observed && e->type == EventType::kQueued && is_extension_kind(kind(e->this_dn)) &&
        !(cause && cause->kind == StimulusKind::kPark && cause->dn == e->this_dn)) {
      violate("delivered-where-sent", seq, e, "",
              describe(*e) + ": a call is queued at an extension only when parked there");
    }
    if (e->type == EventType::kDialing && e->this_dn != v.caller) {
      violate("party-order", seq, e, "",
              describe(*e) + ", but the caller of " + call(e->call) + " is " + dn(v.caller));
    }
    if (e->this_dn == v.caller && e->has(Attr::kOtherDn) && v.caller_other != kNoDn &&
        e->other_dn != v.caller_other && e->type != EventType::kDestinationBusy) {
      violate("caller-other-dn", seq, e, "",
              describe(*e) + " names OtherDN " + dn(e->other_dn) + "; the caller's call is with " +
                  dn(v.caller_other));
    }
    if (e->this_dn == v.caller &&
        (e->type == EventType::kDestinationBusy || e->type == EventType::kEstablished)) {
      v.caller_other = e->has(Attr::kOtherDn) ? e->other_dn : v.sent_to;
    }
    if (e->type == EventType::kRouteUsed) {
      // Default routing carries no ReferenceID (TLIB-FACTS): all an observed stream shows.
      bool by_request = observed ? e->has(Attr::kReferenceId)
                                 : !(cause && cause->kind == StimulusKind::kRouteTimeout &&
                                     cause->call == e->call);
      if (e->has(Attr::kThirdPartyDn) && v.sent_to != kNoDn && e->third_party_dn != v.sent_to) {
        violate("delivered-where-sent", seq, e, "routed",
                describe(*e) + " names ThirdPartyDN " + dn(e->third_party_dn) +
                    ", but the call was routed to " + dn(v.sent_to));
      }
      if (!by_request && !e->has(Attr::kThirdPartyDn) && known && prof.third_party) {
        violate("route-attributes", seq, e, "routed",
                describe(*e) +
                    " after default routing carries no ThirdPartyDN (profile third-party on)");
      }
      bool want_state = !known || prof.route_used_call_state;
      if (!known)
        seen_ = static_cast<uint16_t>(seen_ | (1u << (2 * 2 + (e->has(Attr::kCallState) ? 0 : 1))));
      CallState want = by_request ? CallState::kOk : CallState::kRedirected;
      if (e->has(Attr::kCallState) ? (!want_state || e->call_state != want)
                                   : (known && want_state)) {
        violate("route-used-callstate", seq, e, "routed",
                describe(*e) + (by_request ? " answers a TRouteCall" : " follows default routing") +
                    ": CallState must be " + (want_state ? call_state_name(want) : "absent") +
                    ", not " +
                    (e->has(Attr::kCallState) ? call_state_name(e->call_state) : "absent"));
      }
      v.route_ref = 0;
      v.transit = true;
    }
    if (e->type == EventType::kQueued && is_extension_kind(kind(e->this_dn)))
      v.parked_at = e->this_dn;
    if (e->type == EventType::kDialing || e->type == EventType::kDiverted) v.transit = true;
    if (delivery || e->type == EventType::kQueued || e->type == EventType::kDestinationBusy ||
        (e->type == EventType::kNetworkReached &&
         !(known && prof.network_reached == SwitchProfile::NetworkReached::kSimulated)) ||
        e->type == EventType::kReleased || e->type == EventType::kAbandoned ||
        e->type == EventType::kEstablished) {
      v.transit = false;
    }
    if (e->type == EventType::kReleased && e->this_dn == v.caller) v.route_ref = 0;
    // network-reached
    // switch-stimulus, observed: busy at a DN T-Server monitors gives Busy (pinned).
    if (observed && e->type == EventType::kDestinationBusy && e->has(Attr::kOtherDn) &&
        is_extension_kind(kind(e->other_dn)) &&
        (!e->has(Attr::kCallState) || e->call_state != CallState::kBusy)) {
      violate("switch-stimulus", seq, e, "dialing",
              describe(*e) + " reports a busy DN T-Server monitors: CallState Busy");
    }
    if (e->type == EventType::kEstablished && e->this_dn == v.caller) {
      DnId dest = e->has(Attr::kOtherDn) ? e->other_dn : v.sent_to;
      bool outside = dest != kNoDn &&
                     (kind(dest) == DnKind::kExternal || kind(dest) == DnKind::kRemoteExtension);
      // Nobody but the caller in the call, and no destination named: T-Server knows every
      // DN it monitors (*DIAL), so the call went outside.
      if (dest == kNoDn && v.parties.size() == 1) outside = true;
      // A call parked at a remote extension and picked up there never crossed to it by
      // delivery: beyond the document, and no network-reached to expect.
      for (const auto& [d, q] : v.parties) outside = outside && !(d == dest && q.busy);
      if (outside && v.parked_at == dest) outside = false;
      const PartyState* a = find_party(e->call, v.caller);
      bool reached = a && a->reached;
      const Event* prev = e > events_.data() ? e - 1 : nullptr;
      bool just_before = prev && prev->type == EventType::kNetworkReached &&
                         prev->call == e->call && prev->request_seq == e->request_seq;
      if (outside && !reached) {
        violate(
            "network-reached", seq, e, "dialing",
            describe(*e) + " of a call beyond the network, with no EventNetworkReached before it");
      } else if (outside && known && !observed) {  // an observed stream shows no stimuli to tell
        bool simulated = prof.network_reached == SwitchProfile::NetworkReached::kSimulated;
        if (simulated != just_before) {
          violate("network-reached", seq, e, "dialing",
                  describe(*e) + (simulated ? ": the switch does not report network reached, so "
                                              "T-Server sends EventNetworkReached right before it"
                                            : ": the switch reports network reached when the call "
                                              "reaches it, not with the answer"));
        }
      }
    }
  }
}

void Judge::stimulus_rules(std::size_t index, const Event* begin, const Event* end) {
  const Stimulus& s = session_.stimuli[index];
  auto seq = static_cast<uint32_t>(index + 1);
  auto refused = [&]() {
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kError && client_request(s) && e->reference_id == s.reference_id)
        return true;
    }
    return false;
  };
  bool names_call = shape(s.kind).has_call && s.call < calls_.size();
  // route-error-after-abandoned: the caller hangs up while a TRouteCall is pending.
  if (names_call && calls_[s.call].route_ref != 0) {
    CallView& v = calls_[s.call];
    bool hangup = (s.kind == StimulusKind::kReleaseCall && s.dn == v.caller && !refused()) ||
                  (s.kind == StimulusKind::kRemoteRelease && !v.caller_monitored);
    bool caller_released = false;
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kReleased && e->call == s.call && e->this_dn == v.caller)
        caller_released = true;
    }
    if (hangup && (caller_released || !v.caller_monitored)) {
      const Event* abandoned = nullptr;
      const Event* error = nullptr;
      for (const Event* e = begin; e != end; ++e) {
        if (e->type == EventType::kAbandoned && e->call == s.call && e->this_dn == v.route_point &&
            !abandoned)
          abandoned = e;
        if (e->type == EventType::kError && e->has(Attr::kReferenceId) &&
            e->reference_id == v.route_ref)
          error = e;
      }
      if (error && error->this_dn != v.route_point) {
        violate("route-error-after-abandoned", seq, error, "routing",
                describe(*error) + " answers the TRouteCall of " + dn(v.route_point) +
                    " at another DN");
      }
      if (!error) {
        violate("route-error-after-abandoned", seq, abandoned, "routing",
                "call " + call(s.call) + " was hung up while its TRouteCall (ReferenceID " +
                    std::to_string(v.route_ref) + ") was pending, but " + dn(v.route_point) +
                    " got no EventError for it");
      } else if (!abandoned || error < abandoned) {
        violate("route-error-after-abandoned", seq, error, "routing",
                describe(*error) + " answers the pending TRouteCall before " + dn(v.route_point) +
                    "'s EventAbandoned");
      }
      v.route_ref = 0;
    }
  }
  // switch-stimulus: the far end answers or is busy while the call waits at an outside
  // destination (Outbound Call): the caller gets EventEstablished or EventDestinationBusy.
  if (names_call &&
      (s.kind == StimulusKind::kRemoteAnswer || s.kind == StimulusKind::kRemoteBusy)) {
    const CallView& v = calls_[s.call];
    const PartyState* a = find_party(s.call, v.caller);
    bool waiting = a && a->s == PartyState::kDialing && !a->established && !a->busy && !v.transit &&
                   v.route_ref == 0 && v.sent_to != kNoDn && kind(v.sent_to) == DnKind::kExternal;
    EventType want = s.kind == StimulusKind::kRemoteAnswer ? EventType::kEstablished
                                                           : EventType::kDestinationBusy;
    bool shown = false;
    for (const Event* e = begin; e != end; ++e)
      shown = shown || (e->type == want && e->this_dn == v.caller && e->call == s.call);
    if (waiting && !shown) {
      violate("switch-stimulus", seq, nullptr, "dialing",
              std::string(shape(s.kind).verb) + " of call " + call(s.call) + ", which waits at " +
                  dn(v.sent_to) + ", gave the caller " + dn(v.caller) + " no " + event_name(want));
    }
  }
  // Where the stimulus sends the call (delivered-where-sent) and what it leaves pending.
  bool caused = false;  // a switch stimulus that applied shows events of its call
  for (const Event* e = begin; e != end; ++e) caused = caused || (names_call && e->call == s.call);
  bool switch_ignored = !client_request(s) && s.kind != StimulusKind::kInbound && !caused;
  if (names_call && !refused() && !switch_ignored) {
    CallView& v = calls_[s.call];
    switch (s.kind) {
      case StimulusKind::kMakeCall:
      case StimulusKind::kInbound:
      case StimulusKind::kDivert:
      case StimulusKind::kRouteTimeout:
        v.sent_to = s.dn2;
        break;
      case StimulusKind::kRouteCall:
        v.sent_to = s.dn2;
        v.route_ref = s.reference_id;
        v.route_point = s.dn;
        break;
      case StimulusKind::kPark:
      case StimulusKind::kPickup:
      case StimulusKind::kQueue:
        break;
      default:
        break;
    }
  }
  // An outside caller's hang-up may clear a call in transit without a single event.
  if (names_call && s.kind == StimulusKind::kRemoteRelease && !calls_[s.call].caller_monitored) {
    calls_[s.call].transit = false;
    calls_[s.call].route_ref = 0;
  }
  event_rules(seq, begin, end);
  // switch-stimulus: a busy DN T-Server monitors (delivery to it, or the call parked on
  // it) has its reason known: Busy (footnote a leaves the value open; pinned).
  for (const Event* e = begin; e != end; ++e) {
    if (e->type == EventType::kDestinationBusy && s.kind != StimulusKind::kRemoteBusy &&
        (!e->has(Attr::kCallState) || e->call_state != CallState::kBusy)) {
      violate("switch-stimulus", seq, e, "dialing",
              describe(*e) + " reports a busy DN T-Server monitors: CallState Busy");
    }
  }
  // switch-stimulus: remote-busy's reason.
  if (s.kind == StimulusKind::kRemoteBusy && names_call) {
    for (const Event* e = begin; e != end; ++e) {
      if (e->type == EventType::kDestinationBusy && e->call == s.call) {
        CallState want = s.has_call_state ? s.call_state : CallState::kBusy;
        if (!e->has(Attr::kCallState) || e->call_state != want) {
          violate("switch-stimulus", seq, e, "dialing",
                  describe(*e) + " answers remote-busy with reason " + call_state_name(want));
        }
      }
    }
  }
}

// Nobody is left queued, ringing or routing once the call rings elsewhere, is
// established or is over.
void Judge::left_behind(uint32_t seq, bool at_end) {
  // Only the calls with an event since the last look (CallView::changed), in call order.
  auto& changed = scratch_.changed;
  std::sort(changed.begin(), changed.end());
  for (CallId c : changed) {
    CallView& v = calls_[c];
    v.changed = false;
    if (v.reported_left || v.parties.empty()) continue;
    bool over = false, talking = false;
    DnId ringing = kNoDn;
    int nringing = 0;
    for (const auto& [d, p] : v.parties) {
      if (d == v.caller && p.s == PartyState::kDone) over = true;
      if (d == v.caller && p.established) talking = true;
      if (d != v.caller && p.s == PartyState::kTalking) talking = true;
      if (p.s == PartyState::kRinging) {
        ringing = d;
        ++nringing;
      }
    }
    for (const auto& [d, p] : v.parties) {
      bool holding = p.s == PartyState::kQueued || p.s == PartyState::kRouting ||
                     p.s == PartyState::kRinging ||
                     (p.s == PartyState::kRouted && kind(d) == DnKind::kRoutingQueue);
      if (!holding) continue;
      const char* why = nullptr;
      if (over)
        why = "is over";
      else if (talking)
        why = "is established";
      else if (p.s != PartyState::kRinging && ringing != kNoDn)
        why = "rings elsewhere";
      else if (p.s == PartyState::kRinging && nringing > 1)
        why = "rings at another DN too";
      else if (p.s == PartyState::kRouted)
        why = "was routed on without EventDiverted";
      if (!why) continue;
      v.reported_left = true;
      if (at_end) v.left_at_end = out_.violations.size();
      violate("left-behind", at_end ? 0 : seq, nullptr, state_name(p.s),
              "call " + call(static_cast<CallId>(c)) + " " + why + ", but " + dn(d) + " (" +
                  kind_name(d) + ") is left " + state_name(p.s));
      break;
    }
  }
  changed.clear();
}

void Judge::pending_steps(uint32_t seq) {
  for (CallId c : scratch_.live) {  // a call without a party has nothing pending
    CallView& v = calls_[c];
    // Nothing pending: `silent` below only clears transit.
    if (v.parties.empty() || (!v.transit && v.route_ref == 0)) continue;
    // Delivery to an outside DN shows only as the caller's EventNetworkReached, if at all.
    // A busy extension shows only as the caller's EventDestinationBusy: nothing for an
    // outside caller.
    bool silent =
        v.sent_to != kNoDn &&
        ((kind(v.sent_to) == DnKind::kExternal &&
          (!v.caller_monitored || !session_.profile_known ||
           session_.config.profile.network_reached == SwitchProfile::NetworkReached::kSimulated)) ||
         (!v.caller_monitored && is_extension_kind(kind(v.sent_to))));
    if (silent) v.transit = false;
    if (!v.transit && v.route_ref == 0) continue;
    violate("pending-steps", seq, nullptr, "",
            "the session is not paused, yet call " + call(static_cast<CallId>(c)) +
                (v.route_ref ? "'s TRouteCall was not carried out"
                             : " was not delivered to " + dn(v.sent_to)) +
                " within the stimulus");
    v.transit = false;
    v.route_ref = 0;
  }
}

Verdict Judge::run() {
  extension_overloaded_.assign(session_.config.topology.dns.size(), false);
  active_.assign(session_.config.topology.dns.size(), 0);
  if (session_.observed) {
    // No switch stimuli: every per-event rule, then what holds at the end.
    for (const Event& e : events_) {
      attribute_rules(e);
      // Footnote a of Routing **: a routing point's EventError for its call comes after
      // its EventAbandoned, never before.
      if (e.type == EventType::kError && e.call < calls_.size() &&
          is_routing_kind(kind(e.this_dn))) {
        const PartyState* p = find_party(e.call, e.this_dn);
        const PartyState* a =
            calls_[e.call].caller == kNoDn ? nullptr : find_party(e.call, calls_[e.call].caller);
        bool hung_up = a && a->released;  // the caller's hang-up is what the error answers
        if (hung_up && p && (p->s == PartyState::kRouting || p->s == PartyState::kQueued)) {
          violate("route-error-after-abandoned", 0, &e, "routing",
                  describe(e) + " comes while " + dn(e.this_dn) +
                      " still holds the call, before its EventAbandoned");
        }
      }
      if (e.type != EventType::kError && e.call < calls_.size() && calls_[e.call].caller != kNoDn) {
        call_event(e);
        event_rules(0, &e, &e + 1);
      }
    }
    left_behind(0, true);
  } else {
    std::size_t k = 0;
    for (std::size_t i = 0; i < session_.stimuli.size(); ++i) {
      std::size_t start = k;
      while (k < events_.size() && events_[k].request_seq == i + 1) ++k;
      stimulus(i, events_.data() + start, events_.data() + k);
      stimulus_rules(i, events_.data() + start, events_.data() + k);
      left_behind(static_cast<uint32_t>(i + 1), false);
      if (!paused_) pending_steps(static_cast<uint32_t>(i + 1));  // stimulus() tracks pause/resume
    }
    left_behind(0, true);
    answers();
  }
  flows();
  std::stable_sort(out_.violations.begin(), out_.violations.end(),
                   [](const Violation& a, const Violation& b) {
                     uint32_t x = a.request_seq == 0 ? UINT32_MAX : a.request_seq,
                              y = b.request_seq == 0 ? UINT32_MAX : b.request_seq;
                     return x < y;
                   });
  return std::move(out_);
}

}  // namespace oracle

Verdict judge(const Session& session, const std::vector<Event>& events) {
  thread_local oracle::Scratch scratch;
  oracle::Judge j(session, events, &scratch);
  return j.run();
}

}  // namespace callbench
