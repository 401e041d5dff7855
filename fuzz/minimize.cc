#include "fuzz/minimize.h"

#include <algorithm>

#include "core/player.h"
#include "fuzz/generate.h"
#include "fuzz/model_play.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"

namespace callbench {
namespace {

// The topology without DNs no stimulus names (names renormalized).
Session without_unused_dns(const Session& p) {
  std::vector<bool> used(p.config.topology.dns.size(), false);
  for (const Stimulus& s : p.stimuli) {
    if (s.dn != kNoDn) used[s.dn] = true;
    if (s.dn2 != kNoDn) used[s.dn2] = true;
  }
  if (std::count(used.begin(), used.end(), true) == 0) used[0] = true;  // a program keeps one DN
  std::vector<DnId> remap(used.size(), kNoDn);
  Session out = p;
  out.config.topology.dns.clear();
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) continue;
    remap[i] = static_cast<DnId>(out.config.topology.dns.size());
    out.config.topology.dns.push_back(p.config.topology.dns[i]);
  }
  for (Stimulus& s : out.stimuli) {
    if (s.dn != kNoDn) s.dn = remap[s.dn];
    if (s.dn2 != kNoDn) s.dn2 = remap[s.dn2];
  }
  name_program(&out);
  return out;
}

}  // namespace

bool breaks_with(const Session& program, const std::string& identity, Verdict* verdict) {
  std::vector<Event> events;
  Verdict v = play_and_judge(program, &events);
  bool found = false;
  for (const Violation& x : v.violations) found = found || x.identity() == identity;
  if (verdict) *verdict = std::move(v);
  return found;
}

Session minimize_program(const Session& program, const std::string& identity,
                         std::size_t* executions) {
  std::size_t runs = 0;
  auto still = [&](const Session& p) {
    ++runs;
    return check_program(p).empty() && breaks_with(p, identity);
  };
  Session best = program;
  Rng rng(0x6d696e696d697a65ull);  // repairs after a cut are deterministic

  // 1. Nothing after the stimulus where the violation shows matters.
  Verdict v;
  breaks_with(best, identity, &v);
  ++runs;
  uint32_t at = 0;
  for (const Violation& x : v.violations) {
    if (x.identity() == identity) at = std::max(at, x.request_seq);
  }
  if (at > 0 && at < best.stimuli.size()) {
    Session cut = best;
    cut.stimuli.resize(at);
    repair_program(&cut, rng);
    if (still(cut)) best = cut;
  }

  // 2. Stimuli one at a time, from the end, until a whole pass removes none.
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = best.stimuli.size(); i-- > 0;) {
      Session cut = best;
      cut.stimuli.erase(cut.stimuli.begin() + static_cast<std::ptrdiff_t>(i));
      repair_program(&cut, rng);
      if (cut.stimuli.size() < best.stimuli.size() && still(cut)) {
        best = cut;
        changed = true;
      }
    }
  }

  // 3. DNs no stimulus names; then options, seed and reasons back to the plainest.
  {
    Session cut = without_unused_dns(best);
    if (cut.config.topology.dns.size() < best.config.topology.dns.size() && still(cut)) best = cut;
  }
  const SwitchProfile defaults;
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (profile_option_value(best.config.profile, i) == profile_option_value(defaults, i)) continue;
    Session cut = best;
    set_profile_option(&cut.config.profile, profile_options()[i].name,
                       profile_options()[i].values[0]);
    if (still(cut)) best = cut;
  }
  if (best.config.seed != 1) {
    Session cut = best;
    cut.config.seed = 1;
    if (still(cut)) best = cut;
  }
  for (std::size_t i = 0; i < best.stimuli.size(); ++i) {
    if (!best.stimuli[i].has_call_state) continue;
    Session cut = best;
    cut.stimuli[i].has_call_state = false;
    cut.stimuli[i].call_state = CallState::kOk;
    if (still(cut)) best = cut;
  }
  if (executions) *executions = runs;
  return best;
}

}  // namespace callbench
