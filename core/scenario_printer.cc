// The .scn printer: the inverse of the parser. Every DN is declared explicitly (an
// external DN the parser declared implicitly comes back as `dn N external`), only
// options that differ from the defaults are written, and a ReferenceID is written
// only where it differs from the parser's default.
#include "core/scenario.h"

namespace callbench {

std::string print_stimulus(const Stimulus& s, const SessionConfig& config, uint32_t default_ref) {
  const StimulusShape& shape = shape_of(s.kind);
  auto dn = [&](DnId id) -> std::string {
    return config.topology.valid(id) ? config.topology.dns[id].name : "?";
  };
  auto call = [&](CallId id) -> std::string {
    return id < config.call_names.size() ? config.call_names[id] : "?";
  };
  std::string out;
  if (shape.creates_call) out = call(s.call) + " = ";
  out += shape.verb;
  for (const StimulusArg& a : stimulus_args(s.kind)) {
    switch (a.kind) {
      case StimulusArg::Kind::kDn:
        out += " " + dn(arg_dn(s, a));
        break;
      case StimulusArg::Kind::kCall:
        out += " " + call(s.call);
        break;
      case StimulusArg::Kind::kReason:
        if (s.has_call_state) out += std::string(" ") + call_state_name(s.call_state);
        break;
    }
  }
  if (shape.client_request && s.reference_id != default_ref) {
    out += " ref=" + std::to_string(s.reference_id);
  }
  return out;
}

std::vector<uint32_t> default_reference_ids(const std::vector<Stimulus>& stimuli) {
  std::vector<uint32_t> refs;
  refs.reserve(stimuli.size());
  uint32_t n = 0;
  for (const Stimulus& s : stimuli) refs.push_back(s.is_client_request() ? ++n : 0);
  return refs;
}

std::string print_scenario(const Session& session) {
  const SessionConfig& c = session.config;
  std::string out = "seed " + std::to_string(c.seed) + "\n";
  for (const Dn& dn : c.topology.dns) {
    out += "dn " + dn.name + " " + dn_kind_name(dn.kind) + "\n";
  }
  const SwitchProfile defaults;
  for (int i = 0; i < kProfileOptionCount; ++i) {
    int v = profile_option_value(c.profile, i);
    if (v == profile_option_value(defaults, i)) continue;
    out += std::string("option ") + profile_options()[i].name + " " +
           profile_options()[i].values[v] + "\n";
  }
  std::vector<uint32_t> refs = default_reference_ids(session.stimuli);
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    out += print_stimulus(session.stimuli[i], c, refs[i]) + "\n";
  }
  return out;
}

}  // namespace callbench
