// play_on() and ModelSupports::check() (core/call_model.h).
#include "core/call_model.h"

#include <string>

namespace callbench {

std::string ModelSupports::check(const Session& session) const {
  const SessionConfig& c = session.config;
  for (const Dn& dn : c.topology.dns) {
    if (!((dn_kinds >> static_cast<int>(dn.kind)) & 1u)) {
      std::string kind = dn_kind_name(dn.kind);
      const char* article = std::string("aeiou").find(kind[0]) == std::string::npos ? "a " : "an ";
      return "DN " + dn.name + " is " + article + kind + ", a DN kind the model does not support";
    }
  }
  for (int i = 0; i < kProfileOptionCount; ++i) {
    int v = profile_option_value(c.profile, i);
    if (!((option_values[static_cast<std::size_t>(i)] >> v) & 1u)) {
      return std::string("option ") + profile_options()[i].name + " " +
             profile_options()[i].values[v] + " is a value the model does not support";
    }
  }
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    StimulusKind k = session.stimuli[i].kind;
    if (!((stimuli >> static_cast<int>(k)) & 1u)) {
      return "stimulus " + std::to_string(i + 1) + " is '" + stimulus_verb(k) +
             "', a stimulus the model does not support";
    }
  }
  return {};
}

Status CallModel::play(const Session& session, ModelPlayed* p) {
  p->status = start(session.config);
  if (!p->status.is_ok()) return p->status;
  p->outcomes.reserve(session.stimuli.size());
  for (const Stimulus& s : session.stimuli) {
    ApplyResult r;
    p->status = apply(s, &p->events, &r);
    if (!p->status.is_ok()) return p->status;
    p->outcomes.push_back(r);
  }
  p->status = end();
  return p->status;
}

ModelPlayed play_on(CallModel& model, const Session& session) {
  ModelPlayed p;
  (void)model.play(session, &p);
  return p;
}

}  // namespace callbench
