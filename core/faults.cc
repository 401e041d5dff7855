#include "core/faults.h"

namespace callbench {
namespace {
const FaultInfo kFaults[kFaultCount] = {
    {Fault::kNone, "none", "the clean engine"},
    {Fault::kNoQueueAbandoned, "no-queue-abandoned", "no EventAbandoned for the queue when the caller hangs up while queued"},
    {Fault::kNoAgentThisQueue, "no-agent-this-queue", "ThisQueue missing on the agent's EventRinging"},
    {Fault::kReusedConnId, "reused-conn-id", "a ConnID reused for a second call"},
    {Fault::kEarlyEstablished, "early-established", "EventEstablished to the caller before the answer"},
    {Fault::kRefusedChangesState, "refused-changes-state", "a refused TAnswerCall that still establishes the call"},
    {Fault::kDivertWrongOtherDn, "divert-wrong-other-dn", "a wrong OtherDN (the queue) on the agent's ringing after a divert"},
    {Fault::kNoReferenceId, "no-reference-id", "no ReferenceID on the answer to TAnswerCall"},
    {Fault::kEventAfterReleased, "event-after-released", "an event after EventReleased"},
    {Fault::kCallWaiting, "call-waiting", "a call rings at an extension that is already talking"},
    {Fault::kRouteUsedNoThirdParty, "route-used-no-third-party", "EventRouteUsed answering TRouteCall without ThirdPartyDN"},
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
