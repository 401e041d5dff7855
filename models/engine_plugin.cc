// The built-in engine behind the plugin ABI (include/callbench_model.h), built as
// libcallbench_engine_plugin.so, and with the engine's test-only fault switch as
// libcallbench_fault_plugin.so (CALLBENCH_FAULTS; the fault named by $CALLBENCH_FAULT
// when the model is created, as fuzz_orderings_faults does). It is both the reference
// plugin (fuzzing through the ABI against fuzzing the engine in process: README
// "Speed") and the proof that campaigns through the ABI find every planted fault.
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/faults.h"
#include "include/callbench_model.h"

namespace {

using namespace callbench;

struct Model {
  std::optional<Engine> engine;
  std::vector<DnKind> kinds;
  SwitchProfile profile;
  std::vector<Event> events;
  std::string error;
};

void* create() {
#ifdef CALLBENCH_FAULTS
  const char* name = std::getenv("CALLBENCH_FAULT");
  set_active_fault(Fault::kNone);
  if (name && *name) {
    bool found = false;
    for (int i = 0; i < kFaultCount; ++i) {
      if (std::strcmp(fault_infos()[i].name, name) == 0) {
        set_active_fault(fault_infos()[i].fault);
        found = true;
      }
    }
    if (!found) return nullptr;
  }
#endif
  Model* m = new Model;
  m->events.reserve(4096);
  return m;
}

void destroy(void* model) { delete static_cast<Model*>(model); }

int start_session(void* model, const callbench_session* s) {
  Model& m = *static_cast<Model*>(model);
  if (s->dn_count > limits::kMaxDns) {
    m.error = "more DNs than the engine takes";
    return 1;
  }
  SwitchProfile profile;
  for (int i = 0; i < kProfileOptionCount; ++i)
    set_profile_option_value(&profile, i, s->options[i] ? 1 : 0);
  bool same = m.engine && m.profile == profile && m.kinds.size() == s->dn_count;
  for (uint32_t i = 0; same && i < s->dn_count; ++i)
    same = m.kinds[i] == static_cast<DnKind>(s->dn_kinds[i]);
  if (same) {
    m.engine->reset(s->seed);
    return 0;
  }
  SessionConfig config;
  config.seed = s->seed;
  config.profile = profile;
  m.kinds.clear();
  for (uint32_t i = 0; i < s->dn_count; ++i) {
    if (s->dn_kinds[i] > CALLBENCH_DN_REMOTE_EXTENSION) {
      m.error = "unknown DN kind";
      return 1;
    }
    config.topology.dns.push_back({s->dn_names[i], static_cast<DnKind>(s->dn_kinds[i])});
    m.kinds.push_back(static_cast<DnKind>(s->dn_kinds[i]));
  }
  m.profile = profile;
  m.engine.emplace(config);
  return 0;
}

int apply(void* model, const callbench_stimulus* cs, callbench_event* out, uint32_t capacity,
          callbench_result* r) {
  Model& m = *static_cast<Model*>(model);
  Stimulus s;
  s.kind = static_cast<StimulusKind>(cs->kind);
  s.has_call_state = cs->has_call_state != 0;
  s.call_state = static_cast<CallState>(cs->call_state);
  s.dn = cs->dn;
  s.dn2 = cs->dn2;
  s.call = cs->call;
  s.reference_id = cs->reference_id;
  m.events.clear();
  ApplyResult a = m.engine->apply(s, &m.events);
  if (m.events.size() > capacity) {
    m.error = "more events than the caller's buffer holds";
    return 1;
  }
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Event& e = m.events[i];
    callbench_event& c = out[i];
    c.type = static_cast<uint8_t>(e.type);
    c.error = static_cast<uint8_t>(e.error);
    c.this_role = static_cast<uint8_t>(e.this_role);
    c.other_role = static_cast<uint8_t>(e.other_role);
    c.third_party_role = static_cast<uint8_t>(e.third_party_role);
    c.call_state = static_cast<uint8_t>(e.call_state);
    c.present = e.present;
    c.call = e.call;
    c.this_dn = e.this_dn;
    c.this_queue = e.this_queue;
    c.other_dn = e.other_dn;
    c.third_party_dn = e.third_party_dn;
    c.third_party_queue = e.third_party_queue;
    c.reference_id = e.reference_id;
    c.reserved = 0;
    c.conn_id = e.conn_id;
  }
  r->outcome = static_cast<uint8_t>(a.outcome);
  r->ignore_reason = static_cast<uint8_t>(a.reason);
  r->event_count = static_cast<uint32_t>(m.events.size());
  return 0;
}

const char* last_error(void* model) { return static_cast<Model*>(model)->error.c_str(); }

const callbench_model_api kApi = {
    CALLBENCH_MODEL_ABI_VERSION,
    sizeof(callbench_model_api),
#ifdef CALLBENCH_FAULTS
    "callbench engine with test-only faults",
#else
    "callbench engine",
#endif
    "engine 1",
    {(1u << 6) - 1, (1u << 18) - 1, {3, 3, 3, 3, 3, 3, 3}},
    create,
    destroy,
    start_session,
    apply,
    last_error,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const callbench_model_api* callbench_model_entry(
    uint32_t host_abi_version) {
  return host_abi_version == CALLBENCH_MODEL_ABI_VERSION ? &kApi : nullptr;
}
