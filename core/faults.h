// The engine's test-only fault switch: named bugs a real switch integration could have,
// compiled in only when CALLBENCH_FAULTS is defined (the callbench_core_faults library
// used by the fault campaigns). Normal builds compile every hook to `false`. A fault
// campaign sets one fault and checks that the oracle reports it (tests/faults/).
#ifndef CALLBENCH_CORE_FAULTS_H_
#define CALLBENCH_CORE_FAULTS_H_

#include <cstdint>

namespace callbench {

enum class Fault : uint8_t {
  kNone = 0,
  kNoQueueAbandoned,       // caller hangs up while queued: the queue gets no EventAbandoned
  kNoAgentThisQueue,       // the agent's EventRinging lacks ThisQueue
  kReusedConnId,           // a second call gets the first call's ConnID
  kEarlyEstablished,       // the caller gets EventEstablished as soon as the destination rings
  kRefusedChangesState,    // a refused TAnswerCall still establishes the ringing call, silently
  kDivertWrongOtherDn,     // after a divert the agent's EventRinging names the queue as OtherDN
  kNoReferenceId,          // the answering party's EventEstablished lacks the ReferenceID
  kEventAfterReleased,     // the far party gets a second EventReleased after its first
  kCallWaiting,            // a call is delivered to a busy extension and rings there
  kRouteUsedNoThirdParty,  // EventRouteUsed answering a TRouteCall lacks ThirdPartyDN
  // Issue 7: one bug per flow and situation, over the oracle's blind spots (the kind in
  // brackets is the README's list: 1 party attribute, 2 interruption point, 3 route
  // destination, 4 missing required event, 5 *DIAL/*OPT misapplied, 6 footnote c,
  // 7 footnote a, 8 completeness, 9 either value, 10 switch profile, 11 TLIB rule,
  // 12 paused route).
  // [1] Internal ***: B's EventAbandoned names B as OtherDN
  kAbandonedNamesItself,
  // [5] Inbound: B's EventRinging lacks OtherDN (the external caller)
  kInboundRingingNoOtherDn,
  // [2] ACD ***: the caller's EventReleased names the queue, not the agent
  kAcdReleasedNamesQueue,
  // [8] ACD: the queue gets EventRinging besides EventQueued
  kAcdQueueRings,
  // [11] ACD: the caller's EventRetrieved carries the queue as ThisQueue
  kAcdCallerRetrievedQueue,
  // [8] Multi ACD: the other queue gets no EventDiverted
  kMultiAcdNoSecondDiverted,
  // [9] Multi ACD ****: D's EventAbandoned ThisQueue is C, not B
  kMultiAcdAbandonedOtherQueue,
  // [10] Multi ACD, acd-redirected on: no CallState Redirected
  kMultiAcdNoRedirected,
  // [8] Parking: no EventQueued at the parking DN
  kParkNoQueued,
  // [1] Parking: B's EventRinging at pickup names B as OtherDN
  kParkRingingNamesItself,
  // [10] Parking, park-destination-busy off: EventDestinationBusy anyway
  kParkBusyIgnoresProfile,
  // [5] RouteQueue: the caller's EventDialing lacks OtherDN B
  kRouteQueueDialingNoOtherDn,
  // [8] RouteQueue: no EventDiverted after EventRouteUsed
  kRouteQueueNoDiverted,
  // [8] RouteQueue default routing: no EventRouteUsed
  kRouteQueueDefaultNoRouteUsed,
  // [6] Routing: EventRouteUsed after TRouteCall says Redirected
  kRouteUsedRedirected,
  // [7] Routing **: the TRouteCall's EventError before EventAbandoned
  kRouteErrorBeforeAbandoned,
  // [3] Routing: EventRouteUsed ThirdPartyDN names the caller
  kRouteUsedNamesCaller,
  // [1] Routing *: the caller's EventReleased names the caller itself
  kRoutingReleasedNamesCaller,
  // [2] Routing **: the caller's EventReleased names B, not C
  kRoutingPendingNamesPoint,
  // [12] Routing, paused: EventRouteUsed fired by a step lacks ReferenceID
  kPausedRouteUsedNoReference,
  // [4] Routing Outbound: no EventNetworkReached
  kRoutingOutboundNoNetworkReached,
  // [5] Routing Outbound: caller's EventEstablished lacks OtherDN C
  kRoutingOutboundEstablishedNoOtherDn,
  // [6] Routing Outbound default routing: EventRouteUsed CallState OK
  kRoutingOutboundDefaultOk,
  // [10] Outbound, network-reached simulated: NetworkReached at delivery
  kOutboundSimulatedEarly,
  // [8] Outbound **: the far end answers after EventDestinationBusy
  kOutboundEstablishedAfterBusy,
  // [5] Outbound **: EventDestinationBusy lacks OtherDN B
  kOutboundBusyNoOtherDn,
  // [4] hold outbound: no EventNetworkReached while the caller holds
  kHoldOutboundNoNetworkReached,
  // [11] While On Hold: the caller's EventRetrieved says Destination
  kHoldRetrievedWrongRole,
  // [5] While On Hold: the held caller's EventEstablished lacks OtherDN
  kHoldEstablishedNoOtherDn,
  // [11] While On Hold: the caller's EventHeld carries ThisQueue on a non-ACD call
  kHeldThisQueue,
  // [1] RouteQueue: EventDiverted ThirdPartyDN names the routing queue
  kRouteQueueDivertedNamesItself,
  // [7] RouteQueue **: the pending TRouteCall never gets its EventError
  kRouteQueueNoRouteError,
  // [12] RouteQueue, paused: a stepped EventRouteUsed lacks ThirdPartyDN
  kPausedRouteQueueNoThirdParty,
  // [10] Internal, dial-info off: EventDialing drops OtherDN B, a DN T-Server monitors
  kDialInfoDropsMonitoredDn,
  // [10] Routing, route-used-callstate off: EventRouteUsed with CallState anyway
  kRouteUsedStateIgnoresProfile,
};
inline constexpr int kFaultCount = 46;

struct FaultInfo {
  Fault fault;
  const char* name;  // "no-queue-abandoned"
  const char* description;
};
const FaultInfo* fault_infos();  // kFaultCount entries, kNone first

#ifdef CALLBENCH_FAULTS
void set_active_fault(Fault f);
Fault active_fault();
#define CB_FAULT(name) (::callbench::active_fault() == ::callbench::Fault::name)
#else
#define CB_FAULT(name) false
#endif

}  // namespace callbench

#endif  // CALLBENCH_CORE_FAULTS_H_
