// Program generation, mutation and crossover, and libFuzzer's byte-level entry points
// (mutator.h).
#include "fuzz/mutator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "fuzz/generate.h"
#include "fuzz/kinds.h"
#include "fuzz/model_play.h"
#include "fuzz/program.h"

namespace callbench {
namespace {

constexpr std::size_t kMaxStimuli = limits::kMaxProgramStimuli;
constexpr std::size_t kMaxDns = limits::kMaxProgramDns;

const char* const kOpNames[kMutationOpCount] = {
    "insert", "delete", "swap", "move", "duplicate", "change-arg", "change-config", "topology",
};
// How often mutate_program picks each op, in MutationOp order: mostly the ones that
// change the order and arguments of stimuli, the fuzzer's real search space.
constexpr uint32_t kOpWeights[kMutationOpCount] = {5, 2, 1, 1, 1, 4, 1, 1};

// An id no stimulus uses: a program's calls are 0..n-1.
CallId fresh_call(const Session& p) { return static_cast<CallId>(p.config.call_names.size()); }

bool insert(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  if (st.size() >= kMaxStimuli) return false;
  std::size_t pos = rng.biased_high(static_cast<uint32_t>(st.size() + 1));
  Stimulus s = random_stimulus(*p, pos, fresh_call(*p), rng);
  st.insert(st.begin() + static_cast<std::ptrdiff_t>(pos), s);
  repair_program(p, rng);
  return true;
}

bool erase(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  if (st.empty()) return false;
  st.erase(st.begin() + rng.below(static_cast<uint32_t>(st.size())));
  repair_program(p, rng);
  return true;
}

bool swap(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  auto n = static_cast<uint32_t>(st.size());
  if (n < 2) return false;
  uint32_t i = rng.below(n), j = (i + 1 + rng.below(n - 1)) % n;
  std::swap(st[i], st[j]);
  repair_program(p, rng);
  return true;
}

bool move(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  auto n = static_cast<uint32_t>(st.size());
  if (n < 2) return false;
  uint32_t from = rng.below(n), to = (from + 1 + rng.below(n - 1)) % n;
  Stimulus s = st[from];
  st.erase(st.begin() + from);
  st.insert(st.begin() + to, s);
  repair_program(p, rng);
  return true;
}

bool duplicate(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  auto n = static_cast<uint32_t>(st.size());
  if (n == 0 || n >= kMaxStimuli) return false;
  uint32_t i = rng.below(n);
  Stimulus copy = st[i];
  if (kind_shape(copy.kind).creates_call) copy.call = fresh_call(*p);
  uint32_t pos = i + 1 + rng.below(n - i);  // somewhere after the original
  st.insert(st.begin() + pos, copy);
  repair_program(p, rng);
  return true;
}

bool change_arg(Session* p, Rng& rng) {
  auto& st = p->stimuli;
  std::array<uint32_t, kMaxStimuli> with_args;  // [0, n)
  uint32_t n = 0;
  for (uint32_t i = 0; i < st.size(); ++i) {
    if (kind_args(st[i].kind).count > 0) with_args[n++] = i;
  }
  if (n == 0) return false;
  uint32_t i = with_args[rng.below(n)];
  Stimulus& s = st[i];
  const StimulusArgs& args = kind_args(s.kind);
  const StimulusArg& a = args.arg[rng.below(args.count)];
  switch (a.kind) {
    case StimulusArg::Kind::kDn:
      arg_dn(s, a) = random_dn(p->config.topology, s.kind, a, rng);
      break;
    case StimulusArg::Kind::kCall:
      s.call = static_cast<CallId>(rng.below(static_cast<uint32_t>(calls_before(*p, i))));
      break;
    case StimulusArg::Kind::kReason: {
      uint32_t r = rng.below(kProgramReasonCount + 1);
      s.has_call_state = r != 0;
      s.call_state = r == 0 ? CallState::kOk : program_reason(static_cast<int>(r - 1));
      break;
    }
  }
  return true;
}

bool change_config(Session* p, Rng& rng) {
  SessionConfig& c = p->config;
  if (rng.one_in(2)) {
    auto i = static_cast<int>(rng.below(kProfileOptionCount));
    const ProfileOption& o = profile_options()[i];
    int flipped = 1 - profile_option_value(c.profile, i);
    if (!domain_has_option_value(i, flipped)) return false;  // the model takes one value only
    set_profile_option(&c.profile, o.name, o.values[flipped]);
  } else if (rng.one_in(2)) {
    c.seed = rng.next();
  } else {
    c.seed += rng.one_in(2) ? 1 : ~uint64_t{0};  // a neighbouring seed
  }
  return true;
}

bool topology(Session* p, Rng& rng) {
  auto& dns = p->config.topology.dns;
  auto n = static_cast<uint32_t>(dns.size());
  uint32_t what = rng.below(3);
  if (what == 0 && n < kMaxDns) {
    dns.push_back({"", random_dn_kind(rng)});
  } else if (what == 1 || n < 2) {
    Dn& dn = dns[rng.below(n)];
    // Another kind inside the domain: the next allowed one after a random step.
    auto step = 1 + rng.below(kDnKindCount - 1);
    auto kind = static_cast<uint32_t>(dn.kind);
    for (int tries = 0; tries < kDnKindCount; ++tries) {
      kind = (kind + step) % kDnKindCount;
      if (domain_has(static_cast<DnKind>(kind))) break;
      step = 1;
    }
    if (kind == static_cast<uint32_t>(dn.kind)) return false;  // no other kind allowed
    dn.kind = static_cast<DnKind>(kind);
  } else {
    auto gone = static_cast<DnId>(rng.below(n));
    dns.erase(dns.begin() + gone);
    auto remap = [&](DnId* id) {
      if (*id == kNoDn) return;
      if (*id == gone)
        *id = static_cast<DnId>(rng.below(n - 1));
      else if (*id > gone)
        --*id;
    };
    for (Stimulus& s : p->stimuli) remap(&s.dn), remap(&s.dn2);
  }
  name_program(p);
  return true;
}

// b's DN `id` in out's topology: the DN of the same kind with the same rank among its
// kind, else a new DN of that kind when there is room, else any.
DnId map_dn(const Topology& b, DnId id, Session* out, std::array<DnId, kMaxDns>* added) {
  if ((*added)[id] != kNoDn) return (*added)[id];
  DnKind kind = b.dns[id].kind;
  uint32_t rank = 0;
  for (DnId i = 0; i < id; ++i) rank += b.dns[i].kind == kind;
  auto& dns = out->config.topology.dns;
  std::array<DnId, kMaxDns> same{};
  uint32_t nsame = 0;
  for (std::size_t i = 0; i < dns.size(); ++i) {
    if (dns[i].kind == kind) same[nsame++] = static_cast<DnId>(i);
  }
  DnId to;
  if (nsame > 0) {
    to = same[rank % nsame];
  } else if (dns.size() < kMaxDns) {
    to = static_cast<DnId>(dns.size());
    dns.push_back({"", kind});
  } else {
    to = static_cast<DnId>(id % dns.size());
  }
  (*added)[id] = to;
  return to;
}

// The program the byte-level entry points last wrote, whole, and its bytes. libFuzzer
// mutates a unit several times in a row, each time the previous mutation's result
// (MutateAndTestOne), and crosses it over with another unit: most calls are handed the
// bytes written last, so they take the program from here instead of decoding those bytes
// again (decode(encode(p)) == p for every program, fuzz/program.h: the same program
// either way). The fuzz_orderings target takes it from here too (last_written_program):
// what libFuzzer runs next is the mutation just written.
struct LastWritten {
  Session program;
  std::vector<uint8_t> bytes;
  bool valid = false;

  bool holds(const uint8_t* data, std::size_t size) const {
    return valid && bytes.size() == size &&
           (size == 0 || std::memcmp(bytes.data(), data, size) == 0);
  }
};

LastWritten& last_written() {
  thread_local LastWritten last;
  return last;
}

// Writes `p` into out[0, max), cut at a stimulus boundary when it is too long. Leaves
// last_written() holding `p` and its bytes when they fit whole (else empty).
std::size_t write_program(const Session& p, uint8_t* out, std::size_t max) {
  LastWritten& last = last_written();
  std::vector<uint8_t>& bytes = last.bytes;
  encode_program(p, &bytes);
  std::size_t n = bytes.size();
  last.valid = n <= max;
  if (n > max) {
    n = program_header_size(p.config.topology.dns.size());
    if (n <= max) {
      for (const Stimulus& s : p.stimuli) {
        std::size_t next = n + program_stimulus_size(s.kind);
        if (next > max) break;
        n = next;
      }
    } else {
      n = max;  // not even the topology fits: decoding is lenient with what is left
    }
  }
  std::memcpy(out, bytes.data(), n);
  return n;
}

}  // namespace

const char* mutation_op_name(MutationOp op) {
  auto i = static_cast<std::size_t>(op);
  return i < kMutationOpCount ? kOpNames[i] : "?";
}

Session random_program(Rng& rng) {
  Session p;
  uint32_t ndns = 4 + rng.below(5);
  // Two extensions first (most flows need a caller and a party), when the domain has them.
  DnKind first = domain_has(DnKind::kExtension) ? DnKind::kExtension : random_dn_kind(rng);
  p.config.topology.dns.push_back({"", first});
  p.config.topology.dns.push_back({"", first});
  while (p.config.topology.dns.size() < ndns) {
    p.config.topology.dns.push_back({"", random_dn_kind(rng)});
  }
  for (int i = 0; i < kProfileOptionCount; ++i) {
    bool second = rng.one_in(8);
    if (!domain_has_option_value(i, 0)) second = true;
    if (second && domain_has_option_value(i, 1))
      set_profile_option(&p.config.profile, profile_options()[i].name,
                         profile_options()[i].values[1]);
  }
  p.config.seed = rng.next();
  uint32_t n = 1 + rng.below(8);
  for (uint32_t i = 0; i < n; ++i) {
    p.stimuli.push_back(random_stimulus(p, p.stimuli.size(), fresh_call(p), rng));
    if (kind_shape(p.stimuli.back().kind).creates_call) p.config.call_names.emplace_back();
  }
  repair_program(&p, rng);
  return p;
}

bool apply_mutation(Session* p, MutationOp op, Rng& rng) {
  switch (op) {
    case MutationOp::kInsert:
      return insert(p, rng);
    case MutationOp::kDelete:
      return erase(p, rng);
    case MutationOp::kSwap:
      return swap(p, rng);
    case MutationOp::kMove:
      return move(p, rng);
    case MutationOp::kDuplicate:
      return duplicate(p, rng);
    case MutationOp::kChangeArg:
      return change_arg(p, rng);
    case MutationOp::kChangeConfig:
      return change_config(p, rng);
    case MutationOp::kTopology:
      return topology(p, rng);
  }
  return false;
}

MutationOp mutate_program(Session* p, Rng& rng) {
  uint32_t total = 0;
  for (uint32_t w : kOpWeights) total += w;
  for (;;) {  // ends: insert applies below kMaxStimuli stimuli, delete at it
    uint32_t r = rng.below(total);
    int op = 0;
    while (r >= kOpWeights[op]) r -= kOpWeights[op++];
    if (apply_mutation(p, static_cast<MutationOp>(op), rng)) return static_cast<MutationOp>(op);
  }
}

namespace {

// crossover_programs into *out, reusing its storage. `out` is neither `a` nor `b`.
void crossover_into(const Session& a, const Session& b, Rng& rng, Session* out_session) {
  Session& out = *out_session;
  out.config = a.config;
  out.observed = false;  // as a new Session
  out.profile_known = true;
  auto cut_a = rng.below(static_cast<uint32_t>(a.stimuli.size() + 1));
  auto cut_b = rng.below(static_cast<uint32_t>(b.stimuli.size() + 1));
  out.stimuli.assign(a.stimuli.begin(), a.stimuli.begin() + cut_a);
  // Ids for the calls of b: b's suffix creates its own (offset past a's ids), uses of
  // calls b's prefix created get an id nobody creates, so repair_program moves them
  // onto a random call of a's prefix, or drops them.
  const CallId offset = static_cast<CallId>(limits::kMaxCalls);
  const CallId lost = static_cast<CallId>(2 * limits::kMaxCalls);
  auto b_prefix_calls = static_cast<CallId>(calls_before(b, cut_b));
  std::array<DnId, kMaxDns> dn_map;
  dn_map.fill(kNoDn);
  for (std::size_t i = cut_b; i < b.stimuli.size(); ++i) {
    Stimulus s = b.stimuli[i];
    if (s.dn != kNoDn) s.dn = map_dn(b.config.topology, s.dn, &out, &dn_map);
    if (s.dn2 != kNoDn) s.dn2 = map_dn(b.config.topology, s.dn2, &out, &dn_map);
    if (s.call != kNoCall)
      s.call = s.call < b_prefix_calls ? lost : static_cast<CallId>(offset + s.call);
    out.stimuli.push_back(s);
  }
  repair_program(&out, rng);
}

}  // namespace

Session crossover_programs(const Session& a, const Session& b, Rng& rng) {
  Session out;
  crossover_into(a, b, rng, &out);
  return out;
}

std::size_t mutate_bytes(uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed) {
  Rng rng(seed);
  LastWritten& last = last_written();
  // The program is changed in place, in last.program: write_program then encodes it
  // into last.bytes (write_program reads it before it changes last.valid).
  Session& p = last.program;
  bool have = last.holds(data, size);
  last.valid = false;
  if (!have && !decode_program(data, size, &p)) {
    p = random_program(rng);
  } else {
    mutate_program(&p, rng);
    while (rng.one_in(3)) mutate_program(&p, rng);  // now and then a few at once
  }
  restrict_program(&p);  // inside what the call model under test supports
  return write_program(p, data, max_size);
}

std::size_t crossover_bytes(const uint8_t* data1, std::size_t size1, const uint8_t* data2,
                            std::size_t size2, uint8_t* out, std::size_t max_out, unsigned seed) {
  Rng rng(seed);
  LastWritten& last = last_written();
  thread_local Session a, b;
  // data1 is mostly the unit being mutated, written last; data2 another unit.
  const Session* first = &a;
  if (last.holds(data1, size1)) {
    first = &last.program;
  } else if (!decode_program(data1, size1, &a)) {
    a = random_program(rng);
  }
  const Session* second = &b;
  if (last.holds(data2, size2)) {
    second = &last.program;
  } else if (!decode_program(data2, size2, &b)) {
    b = random_program(rng);
  }
  // Into a buffer of its own (the inputs may be last.program), then swapped in: no
  // allocation once warm.
  thread_local Session c;
  crossover_into(*first, *second, rng, &c);
  restrict_program(&c);
  last.valid = false;
  std::swap(last.program, c);
  return write_program(last.program, out, max_out);
}

void forget_written_program() { last_written().valid = false; }

const Session* last_written_program(const uint8_t* data, std::size_t size) {
  const LastWritten& last = last_written();
  return last.holds(data, size) ? &last.program : nullptr;
}

}  // namespace callbench
