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
};
inline constexpr int kFaultCount = 11;

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
