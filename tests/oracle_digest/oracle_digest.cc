// build/tests/callbench_oracle_digest: the oracle's differential check (issue 12). Judges a
// large fixed set of streams and prints one digest per set of everything the oracle says
// about each (every Violation field, the report text, every CallFlow field), and one
// digest of the fuzz program codec and mutator's output on the same fixed seeds. Two
// builds that print the same lines judge those streams byte for byte alike: speed work on
// core/oracle*.cc and fuzz/{program,mutator,generate}.cc runs it before and after
// (`--dump FILE` writes one line per stream, to find the first that differs).
//
// The sets, all deterministic (fixed seeds, the corpus in the source tree):
//   corpus           every corpus flow as recorded, as an observed stream (no stimuli,
//                    profile known and unknown), and as a tail from each event on
//                    (calls_under_way + judge_tails, as `callbench check` of a log does);
//   corpus-mutants   every corpus flow changed one event at a time (dropped, duplicated,
//                    swapped with the next, given every other type, moved to every DN,
//                    each attribute removed, OtherDN and CallState changed), judged with
//                    its stimuli and as an observed stream;
//   programs         PROGRAMS (default 200,000) generated and mutated programs, played by
//                    the engine; every 8th also as an observed stream and a tail;
//   faults           each test-only fault of core/faults.h active in turn, over 400
//                    programs and every corpus flow;
//   codec            the bytes libFuzzer's custom mutator and crossover write from the
//                    seed programs on fixed seeds, and decode(encode(p)) of each program.
//
// Usage: callbench_oracle_digest [--programs N] [--dump FILE]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/faults.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"

namespace callbench {
namespace {

struct Digest {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  }
  void str(const std::string& s) {
    num(s.size());
    bytes(s.data(), s.size());
  }
  void cstr(const char* s) { str(std::string(s ? s : "(null)")); }
  void num(uint64_t v) { bytes(&v, sizeof v); }
};

struct Set {
  explicit Set(const char* n) : name(n) {}
  const char* name;
  Digest d;
  std::size_t streams = 0, violations = 0, flows = 0, documented = 0;
};

std::FILE* dump = nullptr;

void add_verdict(Set* set, const Session& s, const Verdict& v, const char* what, std::size_t n) {
  Digest one;
  one.str(v.report(s.config));
  one.num(v.violations.size());
  for (const Violation& x : v.violations) {
    one.str(x.rule);
    one.num(x.request_seq);
    one.num(x.event_seqs.size());
    for (uint32_t q : x.event_seqs) one.num(q);
    one.num(static_cast<uint64_t>(x.first_event));
    one.num(x.has_event);
    one.str(x.state);
    one.str(x.message);
    one.str(x.identity());
  }
  one.num(v.flows.size());
  for (const CallFlow& f : v.flows) {
    one.num(f.call);
    one.num(static_cast<uint64_t>(static_cast<int64_t>(f.point)));
    one.cstr(f.flow);
    one.cstr(f.stars);
    one.num(f.also.size());
    for (int a : f.also) one.num(static_cast<uint64_t>(static_cast<int64_t>(a)));
    one.num(f.in_progress);
    one.num(f.under_way);
    one.num(f.from_row);
    one.str(f.name());
    one.str(f.summary());
    set->documented += f.documented();
  }
  set->d.num(one.h);
  ++set->streams;
  set->violations += v.violations.size();
  set->flows += v.flows.size();
  if (dump)
    std::fprintf(dump, "%s %s %zu %016llx\n", set->name, what, n, (unsigned long long)one.h);
}

void add_bytes(Set* set, const uint8_t* data, std::size_t size) {
  set->d.num(size);
  set->d.bytes(data, size);
  ++set->streams;
}

// The stream with its stimuli, as observed (profile known and unknown), and as tails.
void judge_all_ways(Set* set, const Session& s, const std::vector<Event>& events, const char* what,
                    std::size_t n, bool tails) {
  add_verdict(set, s, judge(s, events), what, n);
  Session observed = s;
  observed.stimuli.clear();
  observed.observed = true;
  std::vector<Event> ev = events;
  for (Event& e : ev) e.request_seq = 0;
  for (bool known : {true, false}) {
    observed.profile_known = known;
    add_verdict(set, observed, judge(observed, ev), what, n);
  }
  if (!tails) return;
  observed.profile_known = false;
  for (std::size_t from = 1; from < ev.size(); ++from) {
    std::vector<Event> tail(ev.begin() + static_cast<std::ptrdiff_t>(from), ev.end());
    Verdict v = judge(observed, tail);
    std::vector<bool> joined = calls_under_way(observed, tail);
    judge_tails(observed, tail, joined, &v);
    add_verdict(set, observed, v, what, n);
  }
}

std::vector<Session> corpus() {
  std::vector<std::string> paths;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(CALLBENCH_SOURCE_DIR) + "/corpus/flows")) {
    if (e.path().extension() == ".scn") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Session> out;
  for (const std::string& p : paths) {
    Scenario sc;
    Status st = load_scenario(p, &sc);
    if (!st.is_ok()) {
      std::fprintf(stderr, "callbench_oracle_digest: %s\n", st.message().c_str());
      std::exit(2);
    }
    out.push_back(sc.session);
  }
  return out;
}

constexpr EventType kTypes[] = {
    EventType::kError,          EventType::kQueued,
    EventType::kDiverted,       EventType::kAbandoned,
    EventType::kRinging,        EventType::kDialing,
    EventType::kNetworkReached, EventType::kDestinationBusy,
    EventType::kEstablished,    EventType::kReleased,
    EventType::kHeld,           EventType::kRetrieved,
    EventType::kRouteRequest,   EventType::kRouteUsed,
};

// One-event changes of a stream (a smaller cousin of tests/core/oracle_mutation_test.cc).
std::vector<std::vector<Event>> mutants(const Session& s, const std::vector<Event>& base) {
  std::vector<std::vector<Event>> out;
  auto renumber = [](std::vector<Event>* ev) {
    for (std::size_t i = 0; i < ev->size(); ++i) (*ev)[i].seq = static_cast<uint32_t>(i + 1);
  };
  auto ndns = static_cast<DnId>(s.config.topology.dns.size());
  for (std::size_t i = 0; i < base.size(); ++i) {
    {
      auto m = base;
      m.erase(m.begin() + static_cast<std::ptrdiff_t>(i));
      renumber(&m);
      out.push_back(std::move(m));
    }
    {
      auto m = base;
      m.insert(m.begin() + static_cast<std::ptrdiff_t>(i), base[i]);
      renumber(&m);
      out.push_back(std::move(m));
    }
    if (i + 1 < base.size()) {
      auto m = base;
      std::swap(m[i], m[i + 1]);
      renumber(&m);
      out.push_back(std::move(m));
    }
    for (EventType t : kTypes) {
      if (t == base[i].type) continue;
      auto m = base;
      m[i].type = t;
      out.push_back(std::move(m));
    }
    for (DnId d = 0; d < ndns; ++d) {
      if (d != base[i].this_dn) {
        auto m = base;
        m[i].this_dn = d;
        out.push_back(std::move(m));
      }
      if (base[i].has(Attr::kOtherDn) && d != base[i].other_dn) {
        auto m = base;
        m[i].other_dn = d;
        out.push_back(std::move(m));
      }
    }
    for (int a = 0; a < kAttrCount; ++a) {
      auto attr = static_cast<Attr>(a);
      if (attr == Attr::kThisDn) continue;
      auto m = base;
      if (base[i].has(attr)) {
        m[i].clear(attr);
      } else {
        // Added with a valid value: the first DN, a role, a reason.
        m[i].set(attr);
        Event& e = m[i];
        if (e.this_queue == kNoDn) e.this_queue = 0;
        if (e.other_dn == kNoDn) e.other_dn = 0;
        if (e.third_party_dn == kNoDn) e.third_party_dn = 0;
        if (e.third_party_queue == kNoDn) e.third_party_queue = 0;
        if (e.this_role == DnRole::kUnknown) e.this_role = DnRole::kDestination;
        if (e.other_role == DnRole::kUnknown) e.other_role = DnRole::kOrigination;
        if (e.third_party_role == DnRole::kUnknown) e.third_party_role = DnRole::kDestination;
        if (e.error == ErrorReason::kNone) e.error = ErrorReason::kDnBusy;
      }
      out.push_back(std::move(m));
    }
    for (CallState cs : {CallState::kOk, CallState::kBusy, CallState::kRedirected}) {
      if (base[i].has(Attr::kCallState) && base[i].call_state == cs) continue;
      auto m = base;
      m[i].set(Attr::kCallState);
      m[i].call_state = cs;
      out.push_back(std::move(m));
    }
  }
  return out;
}

Session random_mutated_program(uint64_t seed) {
  Rng rng(seed);
  Session p = random_program(rng);
  uint32_t n = rng.below(48);
  for (uint32_t k = 0; k < n && p.stimuli.size() < limits::kMaxProgramStimuli; ++k)
    mutate_program(&p, rng);
  return p;
}

int run(int argc, char** argv) {
  std::size_t programs = 200000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--programs" && i + 1 < argc) {
      programs = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--dump" && i + 1 < argc) {
      dump = std::fopen(argv[++i], "w");
      if (!dump) {
        std::fprintf(stderr, "callbench_oracle_digest: cannot write %s\n", argv[i]);
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: callbench_oracle_digest [--programs N] [--dump FILE]\n");
      return 2;
    }
  }
  std::vector<Session> flows = corpus();
  Set sets[] = {Set("corpus"), Set("corpus-mutants"), Set("programs"), Set("faults"), Set("codec")};
  Set& c = sets[0];
  Set& cm = sets[1];
  Set& pr = sets[2];
  Set& fa = sets[3];
  Set& co = sets[4];

  for (std::size_t i = 0; i < flows.size(); ++i) {
    Played played = play(flows[i]);
    judge_all_ways(&c, flows[i], played.events, "flow", i, true);
    std::size_t k = 0;
    for (const auto& m : mutants(flows[i], played.events))
      judge_all_ways(&cm, flows[i], m, "flow-mutant", i * 100000 + k++, false);
  }

  for (std::size_t i = 0; i < programs; ++i) {
    Session p = random_mutated_program(1000003ull * i + 17);
    std::vector<uint8_t> bytes = encode_program(p);
    add_bytes(&co, bytes.data(), bytes.size());
    Played played = play(p);
    if (i % 8 == 0) {
      judge_all_ways(&pr, p, played.events, "program", i, true);
    } else {
      add_verdict(&pr, p, judge(p, played.events), "program", i);
    }
  }

  for (int f = 1; f < kFaultCount; ++f) {
    set_active_fault(fault_infos()[f].fault);
    for (std::size_t i = 0; i < flows.size(); ++i) {
      Played played = play(flows[i]);
      add_verdict(&fa, flows[i], judge(flows[i], played.events), "fault-flow",
                  static_cast<std::size_t>(f) * 1000 + i);
    }
    for (std::size_t i = 0; i < 400; ++i) {
      Session p = random_mutated_program(7919ull * i + static_cast<uint64_t>(f));
      Played played = play(p);
      add_verdict(&fa, p, judge(p, played.events), "fault-program",
                  static_cast<std::size_t>(f) * 1000 + i);
    }
  }
  set_active_fault(Fault::kNone);

  // The byte-level custom mutator and crossover, from the corpus as programs, on fixed
  // seeds: each output is the next input, as libFuzzer's MutateAndTestOne does, and a
  // crossover with another unit now and then; decoding, names and encoding together.
  std::vector<std::vector<uint8_t>> units;
  for (const Session& s : flows) units.push_back(encode_program(normalize_program(s)));
  std::vector<uint8_t> buf(kMaxProgramBytes), other(kMaxProgramBytes);
  for (std::size_t u = 0; u < units.size(); ++u) {
    std::size_t size = units[u].size();
    std::memcpy(buf.data(), units[u].data(), size);
    for (unsigned step = 0; step < 2000; ++step) {
      unsigned seed = static_cast<unsigned>(u * 7777 + step);
      if (step % 5 == 4) {
        const auto& v = units[(u + step) % units.size()];
        size =
            crossover_bytes(buf.data(), size, v.data(), v.size(), other.data(), other.size(), seed);
        std::memcpy(buf.data(), other.data(), size);
      } else {
        size = mutate_bytes(buf.data(), size, step % 7 == 6 ? 64 : buf.size(), seed);
      }
      add_bytes(&co, buf.data(), size);
      Session p;
      if (decode_program(buf.data(), size, &p)) {
        std::vector<uint8_t> again = encode_program(p);
        add_bytes(&co, again.data(), again.size());
        for (const Dn& dn : p.config.topology.dns) co.d.str(dn.name);
        for (const std::string& n : p.config.call_names) co.d.str(n);
        for (const Stimulus& s : p.stimuli) co.d.num(s.reference_id);
      }
    }
  }
  // Arbitrary bytes decoded leniently.
  Rng rng(424242);
  for (int i = 0; i < 20000; ++i) {
    std::size_t size = rng.below(200);
    for (std::size_t k = 0; k < size; ++k) buf[k] = static_cast<uint8_t>(rng.below(256));
    if (size > 0 && rng.below(4) != 0) buf[0] = kProgramMagic;
    Session p;
    bool ok = decode_program(buf.data(), size, &p);
    co.d.num(ok);
    if (ok) {
      std::vector<uint8_t> again = encode_program(p);
      add_bytes(&co, again.data(), again.size());
      for (const Dn& dn : p.config.topology.dns) co.d.str(dn.name);
      for (const std::string& n : p.config.call_names) co.d.str(n);
    }
  }

  for (const Set& s : sets) {
    std::printf("%-15s %9zu streams %9zu violations %9zu flows %9zu documented  digest %016llx\n",
                s.name, s.streams, s.violations, s.flows, s.documented,
                static_cast<unsigned long long>(s.d.h));
  }
  if (dump) std::fclose(dump);
  return 0;
}

}  // namespace
}  // namespace callbench

int main(int argc, char** argv) { return callbench::run(argc, argv); }
