// The program form and its binary encoding (program.h).
#include "fuzz/program.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "core/assert.h"

namespace callbench {
namespace {

constexpr std::size_t kMaxDns = limits::kMaxProgramDns;
constexpr std::size_t kMaxStimuli = limits::kMaxProgramStimuli;

// Every CallState, in enum order: T-Lib's 0..31, then 49 and 50.
constexpr std::array<CallState, kProgramReasonCount> kReasons = [] {
  std::array<CallState, kProgramReasonCount> r{};
  for (int i = 0; i < 32; ++i) r[static_cast<std::size_t>(i)] = static_cast<CallState>(i);
  r[32] = CallState::kDeafened;
  r[33] = CallState::kHeld;
  return r;
}();

// The first name of each kind, as a number: extension 7001, acd-queue 8001, ...
constexpr uint64_t kNameBase[kDnKindCount] = {7001, 8001, 9001, 9101, 5550100, 6001};
static_assert(kNameBase[2] + kMaxDns <= kNameBase[3], "routing points and queues never meet");

uint8_t reason_code(const Stimulus& s) {
  if (!s.has_call_state) return 0;
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i] == s.call_state) return static_cast<uint8_t>(i + 1);
  }
  return 0;  // unreachable for a valid session (validate_stimulus checks the reason)
}

void assign_number(std::string* out, uint64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out->assign(buf, r.ptr);  // short: stays in the string's own buffer
}

// What the codec and name_program read of each stimulus kind, in one table made once:
// its arguments, whether it creates a call, whether it is a client request.
struct KindInfo {
  StimulusArgs args;
  bool creates_call = false;
  bool client_request = false;
};
struct Tables {
  std::array<KindInfo, kStimulusKindCount> kind;
  // Every name a program's DNs and calls can have, made once (name_program copies them).
  std::array<std::array<std::string, kMaxDns>, kDnKindCount> dn_name;
  std::array<std::string, kMaxStimuli> call_name;  // "c1".."c64": a call per stimulus at most
  // The profile of each options byte (bits above the options ignored).
  std::array<SwitchProfile, 1u << kProfileOptionCount> profile;
  // As shape_of and stimulus_args: a kind out of range reads as pause.
  const KindInfo& of(StimulusKind k) const {
    auto i = static_cast<std::size_t>(k);
    return kind[i < kind.size() ? i : static_cast<std::size_t>(StimulusKind::kPause)];
  }
};

const Tables& tables() {
  static const Tables t = [] {
    Tables x;
    for (int k = 0; k < kStimulusKindCount; ++k) {
      auto kind = static_cast<StimulusKind>(k);
      KindInfo& i = x.kind[static_cast<std::size_t>(k)];
      i.args = stimulus_args(kind);
      i.creates_call = shape_of(kind).creates_call;
      i.client_request = shape_of(kind).client_request;
    }
    for (std::size_t k = 0; k < kDnKindCount; ++k) {
      for (std::size_t i = 0; i < kMaxDns; ++i) assign_number(&x.dn_name[k][i], kNameBase[k] + i);
    }
    for (std::size_t b = 0; b < x.profile.size(); ++b) {
      x.profile[b] = SwitchProfile{};
      for (int i = 0; i < kProfileOptionCount; ++i)
        set_profile_option_value(&x.profile[b], i, static_cast<int>((b >> i) & 1u));
    }
    for (std::size_t i = 0; i < kMaxStimuli; ++i) {
      assign_number(&x.call_name[i], i + 1);
      x.call_name[i].insert(0, "c");
    }
    return x;
  }();
  return t;
}

// `to` = `name`, written only when it differs (a program decoded into the same Session
// again mostly keeps its names).
void set_name(std::string* to, const std::string& name) {
  if (*to != name) *to = name;
}

}  // namespace

CallState program_reason(int index) {
  CB_ASSERT(index >= 0 && index < kProgramReasonCount);
  return kReasons[static_cast<std::size_t>(index)];
}

std::size_t program_stimulus_size(StimulusKind kind) { return 1u + stimulus_args(kind).count; }

std::string program_dn_name(DnKind kind, std::size_t index) {
  std::string name;
  assign_number(&name, kNameBase[static_cast<std::size_t>(kind) % kDnKindCount] + index);
  return name;
}

void name_program(Session* p) {
  const Tables& t = tables();
  std::array<std::size_t, kDnKindCount> per_kind{};
  for (Dn& dn : p->config.topology.dns) {
    auto k = static_cast<std::size_t>(dn.kind);
    std::size_t i = per_kind[k]++;
    if (i < kMaxDns) {
      set_name(&dn.name, t.dn_name[k][i]);
    } else {
      assign_number(&dn.name, kNameBase[k] + i);
    }
  }
  auto& calls = p->config.call_names;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (i < kMaxStimuli) {
      set_name(&calls[i], t.call_name[i]);
      continue;
    }
    calls[i].assign("c");
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, i + 1);
    calls[i].append(buf, r.ptr);
  }
  uint32_t ref = 0;
  for (Stimulus& s : p->stimuli) s.reference_id = t.of(s.kind).client_request ? ++ref : 0;
}

void encode_program(const Session& p, std::vector<uint8_t>* out) {
  const auto& dns = p.config.topology.dns;
  CB_ASSERT_MSG(!dns.empty() && dns.size() <= kMaxDns, "a program has 1..16 DNs");
  CB_ASSERT_MSG(p.stimuli.size() <= kMaxStimuli, "a program has at most 64 stimuli");
  // Written through a pointer into room for the longest encoding, then cut to size (the
  // vector keeps its capacity: no allocation once warm).
  out->resize(program_header_size(dns.size()) + 4 * p.stimuli.size());
  uint8_t* w = out->data();
  *w++ = kProgramMagic;
  *w++ = static_cast<uint8_t>(dns.size());
  for (const Dn& dn : dns) *w++ = static_cast<uint8_t>(dn.kind);
  uint8_t options = 0;
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (profile_option_value(p.config.profile, i) == 1) {
      options = static_cast<uint8_t>(options | (1u << i));
    }
  }
  *w++ = options;
  for (int i = 0; i < 8; ++i) *w++ = static_cast<uint8_t>(p.config.seed >> (8 * i));
  // A call is referred to by its rank in creation order, whatever its CallId.
  // (A valid session names calls below call_names.size(), at most kMaxCalls.)
  std::array<uint8_t, limits::kMaxCalls> rank;
  std::fill_n(rank.begin(), std::min(p.config.call_names.size(), rank.size()), uint8_t{0});
  std::size_t created = 0;
  const Tables& t = tables();
  for (const Stimulus& s : p.stimuli) {
    const KindInfo& info = t.of(s.kind);
    *w++ = static_cast<uint8_t>(s.kind);
    for (const StimulusArg& a : info.args) {
      switch (a.kind) {
        case StimulusArg::Kind::kDn:
          *w++ = static_cast<uint8_t>(arg_dn(s, a));
          break;
        case StimulusArg::Kind::kCall:
          *w++ = rank[s.call];
          break;
        case StimulusArg::Kind::kReason:
          *w++ = reason_code(s);
          break;
      }
    }
    if (info.creates_call) rank[s.call] = static_cast<uint8_t>(created++);
  }
  out->resize(static_cast<std::size_t>(w - out->data()));
}

std::vector<uint8_t> encode_program(const Session& program) {
  std::vector<uint8_t> out;
  encode_program(program, &out);
  return out;
}

bool decode_program(const uint8_t* data, std::size_t size, Session* out) {
  if (size < 3 || data[0] != kProgramMagic || data[1] == 0) return false;
  std::size_t n = std::min<std::size_t>((data[1] - 1u) % kMaxDns + 1, size - 2);
  SessionConfig& c = out->config;
  c.topology.dns.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.topology.dns[i].kind = static_cast<DnKind>(data[2 + i] % kDnKindCount);
  }
  std::size_t pos = 2 + n;
  auto byte = [&]() -> uint8_t { return pos < size ? data[pos++] : uint8_t{0}; };
  uint8_t options = byte();
  c.profile = tables().profile[options & ((1u << kProfileOptionCount) - 1)];
  c.seed = 0;
  for (int i = 0; i < 8; ++i) c.seed |= static_cast<uint64_t>(byte()) << (8 * i);
  out->stimuli.clear();
  std::size_t calls = 0;
  const Tables& t = tables();
  while (pos < size && out->stimuli.size() < kMaxStimuli) {
    Stimulus s;
    auto k = static_cast<std::size_t>(data[pos++] % kStimulusKindCount);
    s.kind = static_cast<StimulusKind>(k);
    const KindInfo& info = t.kind[k];
    const StimulusArgs& args = info.args;
    if (pos + args.count > size) break;  // cut short: dropped
    bool usable = true;
    for (const StimulusArg& a : args) {
      uint8_t b = data[pos++];
      switch (a.kind) {
        case StimulusArg::Kind::kDn:
          arg_dn(s, a) = static_cast<DnId>(b % n);
          break;
        case StimulusArg::Kind::kCall:
          usable = calls > 0;
          if (usable) s.call = static_cast<CallId>(b % calls);
          break;
        case StimulusArg::Kind::kReason:
          if (b % (kProgramReasonCount + 1) != 0) {
            s.has_call_state = true;
            s.call_state = kReasons[b % (kProgramReasonCount + 1) - 1u];
          }
          break;
      }
    }
    if (!usable) continue;
    if (info.creates_call) s.call = static_cast<CallId>(calls++);
    out->stimuli.push_back(s);
  }
  c.call_names.resize(calls);
  name_program(out);
  return true;
}

Session normalize_program(const Session& any) {
  const auto& dns = any.config.topology.dns;
  Session p;
  p.config.profile = any.config.profile;
  p.config.seed = any.config.seed;
  // Which DNs stay: all when they fit, else the ones the stimuli name first.
  std::vector<bool> keep(dns.size(), dns.size() <= kMaxDns);
  if (dns.size() > kMaxDns) {
    std::size_t kept = 0;
    auto take = [&](DnId id) {
      if (id == kNoDn || kept == kMaxDns || keep[id]) return;
      keep[id] = true;
      ++kept;
    };
    for (const Stimulus& s : any.stimuli) take(s.dn), take(s.dn2);
    for (std::size_t i = 0; i < dns.size(); ++i) take(static_cast<DnId>(i));
  }
  std::vector<DnId> dn_map(dns.size(), kNoDn);
  for (std::size_t i = 0; i < dns.size(); ++i) {
    if (!keep[i]) continue;
    dn_map[i] = static_cast<DnId>(p.config.topology.dns.size());
    p.config.topology.dns.push_back({"", dns[i].kind});
  }
  if (p.config.topology.dns.empty()) p.config.topology.dns.push_back({"", DnKind::kExtension});
  auto remap_dn = [&](DnId id, DnId* to) {
    if (id == kNoDn) return true;
    *to = dn_map[id];
    return *to != kNoDn;
  };
  std::vector<CallId> call_map(any.config.call_names.size(), kNoCall);
  CallId calls = 0;
  for (const Stimulus& s : any.stimuli) {
    if (p.stimuli.size() == kMaxStimuli) break;
    const StimulusShape& shape = shape_of(s.kind);
    Stimulus t = s;
    if (!remap_dn(s.dn, &t.dn) || !remap_dn(s.dn2, &t.dn2)) continue;
    if (shape.creates_call) {
      t.call = call_map[s.call] = calls++;
    } else if (shape.has_call) {
      t.call = call_map[s.call];
      if (t.call == kNoCall) continue;  // its creator was dropped
    }
    p.stimuli.push_back(t);
  }
  p.config.call_names.resize(calls);
  name_program(&p);
  return p;
}

std::string check_program(const Session& s) {
  std::string why = validate_session(s);
  if (!why.empty()) return why;
  if (s.config.topology.dns.empty()) return "a program has at least one DN";
  if (s.config.topology.dns.size() > kMaxDns) return "more DNs than a program may have";
  if (s.stimuli.size() > kMaxStimuli) return "more stimuli than a program may have";
  if (!(normalize_program(s) == s)) {
    return "not in program normal form (names, ReferenceIDs, call order)";
  }
  return {};
}

}  // namespace callbench
