#include "core/faults.h"

namespace callbench {
namespace {
const FaultInfo kFaults[kFaultCount] = {
    {Fault::kNone, "none", "the clean engine"},
    {Fault::kNoQueueAbandoned, "no-queue-abandoned",
     "no EventAbandoned for the queue when the caller hangs up while queued"},
    {Fault::kNoAgentThisQueue, "no-agent-this-queue",
     "ThisQueue missing on the agent's EventRinging"},
    {Fault::kReusedConnId, "reused-conn-id", "a ConnID reused for a second call"},
    {Fault::kEarlyEstablished, "early-established",
     "EventEstablished to the caller before the answer"},
    {Fault::kRefusedChangesState, "refused-changes-state",
     "a refused TAnswerCall that still establishes the call"},
    {Fault::kDivertWrongOtherDn, "divert-wrong-other-dn",
     "a wrong OtherDN (the queue) on the agent's ringing after a divert"},
    {Fault::kNoReferenceId, "no-reference-id", "no ReferenceID on the answer to TAnswerCall"},
    {Fault::kEventAfterReleased, "event-after-released", "an event after EventReleased"},
    {Fault::kCallWaiting, "call-waiting", "a call rings at an extension that is already talking"},
    {Fault::kRouteUsedNoThirdParty, "route-used-no-third-party",
     "EventRouteUsed answering TRouteCall without ThirdPartyDN"},
    {Fault::kAbandonedNamesItself, "abandoned-names-itself",
     "Internal ***: the destination's EventAbandoned names itself as OtherDN"},
    {Fault::kInboundRingingNoOtherDn, "inbound-ringing-no-other-dn",
     "Inbound: EventRinging without OtherDN for the external caller"},
    {Fault::kAcdReleasedNamesQueue, "acd-released-names-queue",
     "ACD ***: the caller's EventReleased names the queue while the agent rings"},
    {Fault::kAcdQueueRings, "acd-queue-rings",
     "ACD: the queue gets EventRinging as if it were an extension"},
    {Fault::kAcdCallerRetrievedQueue, "acd-caller-retrieved-queue",
     "ACD: the caller's EventRetrieved carries a ThisQueue its earlier events did not"},
    {Fault::kMultiAcdNoSecondDiverted, "multi-acd-no-second-diverted",
     "Multi ACD: no EventDiverted at the queue that did not distribute"},
    {Fault::kMultiAcdAbandonedOtherQueue, "multi-acd-abandoned-other-queue",
     "Multi ACD ****: the agent's EventAbandoned ThisQueue is the other queue"},
    {Fault::kMultiAcdNoRedirected, "multi-acd-no-redirected",
     "Multi ACD under acd-redirected on: no CallState Redirected"},
    {Fault::kParkNoQueued, "park-no-queued", "Parking: no EventQueued at the parking DN"},
    {Fault::kParkRingingNamesItself, "park-ringing-names-itself",
     "Parking: the picked-up call's EventRinging names the parking DN as OtherDN"},
    {Fault::kParkBusyIgnoresProfile, "park-busy-ignores-profile",
     "Parking under park-destination-busy off: EventDestinationBusy anyway"},
    {Fault::kRouteQueueDialingNoOtherDn, "routequeue-dialing-no-other-dn",
     "RouteQueue: the caller's EventDialing without OtherDN (not *DIAL there)"},
    {Fault::kRouteQueueNoDiverted, "routequeue-no-diverted",
     "RouteQueue: no EventDiverted after EventRouteUsed"},
    {Fault::kRouteQueueDefaultNoRouteUsed, "routequeue-default-no-route-used",
     "RouteQueue default routing: no EventRouteUsed"},
    {Fault::kRouteUsedRedirected, "route-used-redirected",
     "Routing: EventRouteUsed after TRouteCall with CallState Redirected"},
    {Fault::kRouteErrorBeforeAbandoned, "route-error-before-abandoned",
     "Routing **: the pending TRouteCall's EventError before EventAbandoned"},
    {Fault::kRouteUsedNamesCaller, "route-used-names-caller",
     "Routing: EventRouteUsed ThirdPartyDN names the caller, not the route's destination"},
    {Fault::kRoutingReleasedNamesCaller, "routing-released-names-caller",
     "Routing *: the caller's EventReleased names the caller as OtherDN"},
    {Fault::kRoutingPendingNamesPoint, "routing-pending-names-point",
     "Routing **: the caller's EventReleased names the routing point, not C"},
    {Fault::kPausedRouteUsedNoReference, "paused-route-used-no-reference",
     "Routing, paused: a stepped EventRouteUsed without the TRouteCall's ReferenceID"},
    {Fault::kRoutingOutboundNoNetworkReached, "routing-outbound-no-network-reached",
     "Routing Outbound: no EventNetworkReached to the caller"},
    {Fault::kRoutingOutboundEstablishedNoOtherDn, "routing-outbound-established-no-other-dn",
     "Routing Outbound: the caller's EventEstablished without OtherDN C"},
    {Fault::kRoutingOutboundDefaultOk, "routing-outbound-default-ok",
     "Routing Outbound default routing: EventRouteUsed CallState OK, not Redirected"},
    {Fault::kOutboundSimulatedEarly, "outbound-simulated-early",
     "Outbound under network-reached simulated: EventNetworkReached at delivery, not before "
     "EventEstablished"},
    {Fault::kOutboundEstablishedAfterBusy, "outbound-established-after-busy",
     "Outbound **: EventEstablished after EventDestinationBusy"},
    {Fault::kOutboundBusyNoOtherDn, "outbound-busy-no-other-dn",
     "Outbound **: EventDestinationBusy without OtherDN B"},
    {Fault::kHoldOutboundNoNetworkReached, "hold-outbound-no-network-reached",
     "hold outbound: no EventNetworkReached while the caller holds"},
    {Fault::kHoldRetrievedWrongRole, "hold-retrieved-wrong-role",
     "While On Hold: the caller's EventRetrieved with ThisDNRole Destination"},
    {Fault::kHoldEstablishedNoOtherDn, "hold-established-no-other-dn",
     "While On Hold: the held caller's EventEstablished without OtherDN B"},
    {Fault::kHeldThisQueue, "held-this-queue",
     "While On Hold: ThisQueue on the caller's EventHeld of a non-ACD call"},
    {Fault::kRouteQueueDivertedNamesItself, "routequeue-diverted-names-itself",
     "RouteQueue: EventDiverted ThirdPartyDN names the routing queue, not C"},
    {Fault::kRouteQueueNoRouteError, "routequeue-no-route-error",
     "RouteQueue **: no EventError for the pending TRouteCall when the caller hangs up"},
    {Fault::kPausedRouteQueueNoThirdParty, "paused-routequeue-no-third-party",
     "RouteQueue, paused: a stepped EventRouteUsed without ThirdPartyDN"},
    {Fault::kDialInfoDropsMonitoredDn, "dial-info-drops-monitored-dn",
     "Internal under dial-info off: EventDialing drops OtherDN of a DN T-Server monitors (always "
     "known)"},
    {Fault::kRouteUsedStateIgnoresProfile, "route-used-state-ignores-profile",
     "Routing under route-used-callstate off: EventRouteUsed with CallState anyway"},
};
#ifdef CALLBENCH_FAULTS
Fault g_active = Fault::kNone;
#endif
}  // namespace

const FaultInfo* fault_infos() { return kFaults; }

#ifdef CALLBENCH_FAULTS
void set_active_fault(Fault f) { g_active = f; }
Fault active_fault() { return g_active; }
#endif

}  // namespace callbench
