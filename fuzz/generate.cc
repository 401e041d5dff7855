// Random stimuli and program repair (generate.h).
#include "fuzz/generate.h"

#include <array>
#include <utility>

#include "core/assert.h"
#include "fuzz/kinds.h"
#include "fuzz/program.h"

namespace callbench {
namespace {

constexpr uint8_t bit(DnKind k) { return static_cast<uint8_t>(1u << static_cast<int>(k)); }
constexpr uint8_t kExt = bit(DnKind::kExtension);
constexpr uint8_t kRemote = bit(DnKind::kRemoteExtension);
constexpr uint8_t kAcd = bit(DnKind::kAcdQueue);
constexpr uint8_t kRouting = bit(DnKind::kRoutingPoint) | bit(DnKind::kRoutingQueue);
constexpr uint8_t kExternal = bit(DnKind::kExternal);
constexpr uint8_t kAny = 0x3F;

// The DN kinds each argument is meant for, by StimulusKind: {first DN, second DN}.
constexpr std::array<std::array<uint8_t, 2>, kStimulusKindCount> kWanted = {{
    {kExt | kRemote, kAny},                         // make-call: caller, destination
    {kExt | kRemote, 0},                            // answer
    {kExt | kRemote, 0},                            // release
    {kExt | kRemote, 0},                            // hold
    {kExt | kRemote, 0},                            // retrieve
    {kRouting, kExt | kRemote | kExternal | kAcd},  // route: routing DN, destination
    {kExternal, kExt | kRemote | kAcd | kRouting},  // inbound: caller, destination
    {kAcd, 0},                                      // queue
    {kAcd, kExt | kRemote},                         // divert: queue, agent
    {kExt | kRemote, 0},                            // park
    {kExt | kRemote, 0},                            // pickup
    {0, 0},                                         // remote-answer
    {0, 0},                                         // remote-busy
    {0, 0},                                         // remote-release
    {kRouting, kExt | kRemote | kExternal},         // route-timeout
    {0, 0},                                         // pause
    {0, 0},                                         // step
    {0, 0},                                         // resume
}};

// Kinds that need no existing call.
constexpr StimulusKind kCallFree[] = {StimulusKind::kMakeCall, StimulusKind::kMakeCall,
                                      StimulusKind::kInbound, StimulusKind::kPause,
                                      StimulusKind::kResume};

ModelSupports g_domain;

// The kinds of `from` inside the domain, in order (duplicates kept: they weigh).
template <std::size_t N>
std::size_t kinds_inside(const std::array<StimulusKind, N>& from,
                         std::array<StimulusKind, N>* out) {
  std::size_t n = 0;
  for (StimulusKind k : from)
    if (domain_has(k)) (*out)[n++] = k;
  return n;
}

constexpr std::array<StimulusKind, kStimulusKindCount> all_stimulus_kinds() {
  std::array<StimulusKind, kStimulusKindCount> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<StimulusKind>(i);
  return all;
}
constexpr std::array<StimulusKind, kStimulusKindCount> kAllKinds = all_stimulus_kinds();
constexpr std::array<StimulusKind, std::size(kCallFree)> kCallFreeKinds = {
    kCallFree[0], kCallFree[1], kCallFree[2], kCallFree[3], kCallFree[4]};

}  // namespace

void set_program_domain(const ModelSupports& domain) { g_domain = domain; }
const ModelSupports& program_domain() { return g_domain; }
bool domain_has(StimulusKind kind) { return (g_domain.stimuli >> static_cast<int>(kind)) & 1u; }
bool domain_has(DnKind kind) { return (g_domain.dn_kinds >> static_cast<int>(kind)) & 1u; }
bool domain_has_option_value(int option, int value) {
  return option >= 0 && option < kProfileOptionCount && value >= 0 && value < 2 &&
         ((g_domain.option_values[static_cast<std::size_t>(option)] >> value) & 1u);
}

DnKind random_dn_kind(Rng& rng) {
  std::array<DnKind, kDnKindCount> inside{};
  uint32_t n = 0;
  for (int k = 0; k < kDnKindCount; ++k)
    if (domain_has(static_cast<DnKind>(k))) inside[n++] = static_cast<DnKind>(k);
  if (n == 0) return static_cast<DnKind>(rng.below(kDnKindCount));
  return inside[rng.below(n)];
}

DnId random_dn(const Topology& topology, StimulusKind kind, const StimulusArg& arg, Rng& rng) {
  auto n = static_cast<uint32_t>(topology.dns.size());
  CB_ASSERT(n > 0);
  uint8_t wanted = kWanted[static_cast<std::size_t>(kind)][arg.second ? 1 : 0];
  if (wanted != 0 && !rng.one_in(8)) {
    std::array<DnId, limits::kMaxProgramDns> fit{};
    uint32_t nfit = 0;
    for (uint32_t i = 0; i < n && nfit < fit.size(); ++i) {
      if (wanted & bit(topology.dns[i].kind)) fit[nfit++] = static_cast<DnId>(i);
    }
    if (nfit > 0) return fit[rng.below(nfit)];
  }
  return static_cast<DnId>(rng.below(n));
}

std::size_t calls_before(const Session& program, std::size_t pos) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < pos && i < program.stimuli.size(); ++i) {
    if (kind_shape(program.stimuli[i].kind).creates_call) ++n;
  }
  return n;
}

Stimulus random_stimulus(const Session& program, std::size_t pos, CallId fresh, Rng& rng) {
  auto calls = static_cast<uint32_t>(calls_before(program, pos));
  Stimulus s;
  // Inside the domain; a domain without a single kind that fits draws from all of them
  // (restrict_program drops what the model cannot take).
  if (calls == 0) {
    std::array<StimulusKind, kCallFreeKinds.size()> inside{};
    std::size_t n = kinds_inside(kCallFreeKinds, &inside);
    const auto& from = n == 0 ? kCallFreeKinds : inside;
    s.kind = from[rng.below(static_cast<uint32_t>(n == 0 ? from.size() : n))];
  } else {
    std::array<StimulusKind, kAllKinds.size()> inside{};
    std::size_t n = kinds_inside(kAllKinds, &inside);
    const auto& from = n == 0 ? kAllKinds : inside;
    s.kind = from[rng.below(static_cast<uint32_t>(n == 0 ? from.size() : n))];
  }
  const StimulusShape& shape = kind_shape(s.kind);
  const Topology& topology = program.config.topology;
  for (const StimulusArg& a : kind_args(s.kind)) {
    switch (a.kind) {
      case StimulusArg::Kind::kDn:
        arg_dn(s, a) = random_dn(topology, s.kind, a, rng);
        break;
      case StimulusArg::Kind::kCall:  // the latest call half the time: flows act on the call just
                                      // made
        s.call = static_cast<CallId>(rng.one_in(2) ? calls - 1 : rng.below(calls));
        break;
      case StimulusArg::Kind::kReason:
        if (!rng.one_in(3)) {
          s.has_call_state = true;
          s.call_state = program_reason(static_cast<int>(rng.below(kProgramReasonCount)));
        }
        break;
    }
  }
  if (shape.creates_call) s.call = fresh;
  if (shape.client_request) s.reference_id = 1;  // name_program numbers them
  return s;
}

void repair_program(Session* p, Rng& rng) {
  auto& stimuli = p->stimuli;
  if (stimuli.size() > limits::kMaxProgramStimuli) stimuli.resize(limits::kMaxProgramStimuli);
  // (old id, new id) of each creator seen so far; at most one per stimulus.
  std::array<std::pair<CallId, CallId>, limits::kMaxProgramStimuli> created;  // [0, ncreated)
  uint32_t ncreated = 0;
  std::size_t kept = 0;
  for (std::size_t r = 0; r < stimuli.size(); ++r) {
    Stimulus s = stimuli[r];
    const StimulusShape& shape = kind_shape(s.kind);
    if (shape.creates_call) {
      created[ncreated] = {s.call, static_cast<CallId>(ncreated)};
      s.call = static_cast<CallId>(ncreated++);
    } else if (shape.has_call) {
      CallId to = kNoCall;
      for (uint32_t i = 0; i < ncreated && to == kNoCall; ++i) {
        if (created[i].first == s.call) to = created[i].second;
      }
      if (to == kNoCall && ncreated > 0) to = created[rng.below(ncreated)].second;
      if (to == kNoCall) continue;  // no call to act on: the use goes
      s.call = to;
    }
    stimuli[kept++] = s;
  }
  stimuli.resize(kept);
  p->config.call_names.resize(ncreated);
  name_program(p);
}

}  // namespace callbench
