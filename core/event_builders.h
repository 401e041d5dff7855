// Small setters for event attributes, shared by the engine's files. Each sets the
// value and its presence bit together, so an attribute is never half-set.
#ifndef CALLBENCH_CORE_EVENT_BUILDERS_H_
#define CALLBENCH_CORE_EVENT_BUILDERS_H_

#include "core/model.h"

namespace callbench {

inline void set_other(Event& e, DnId dn, DnRole role) {
  if (dn == kNoDn) return;
  e.other_dn = dn;
  e.other_role = role;
  e.set(Attr::kOtherDn);
  e.set(Attr::kOtherDnRole);
}
inline void set_role(Event& e, DnRole role) {
  e.this_role = role;
  e.set(Attr::kThisDnRole);
}
inline void set_queue(Event& e, DnId queue) {
  if (queue == kNoDn) return;
  e.this_queue = queue;
  e.set(Attr::kThisQueue);
}
inline void set_state(Event& e, CallState state) {
  e.call_state = state;
  e.set(Attr::kCallState);
}
inline void set_ref(Event& e, uint32_t ref) {
  if (ref == 0) return;
  e.reference_id = ref;
  e.set(Attr::kReferenceId);
}
inline void set_third(Event& e, DnId dn, bool with_role) {
  e.third_party_dn = dn;
  e.set(Attr::kThirdPartyDn);
  if (!with_role) return;
  e.third_party_role = DnRole::kDestination;
  e.set(Attr::kThirdPartyDnRole);
}

}  // namespace callbench

#endif  // CALLBENCH_CORE_EVENT_BUILDERS_H_
