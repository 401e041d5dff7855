#include "fuzz/loop.h"

#include <chrono>
#include <unordered_set>

#include "core/engine.h"
#include "fuzz/model_play.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"

namespace callbench {
namespace {

uint64_t signature(const Session& p, const std::vector<Event>& events) {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (const Event& e : events) {
    uint64_t token = (static_cast<uint64_t>(e.type) << 16) |
                     (static_cast<uint64_t>(p.config.topology.dns[e.this_dn].kind) << 8) |
                     (e.call == kNoCall ? 0xFFu : (e.call & 3u));
    h ^= token + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  }
  return h;
}

}  // namespace

LoopResult run_loop(const LoopOptions& options, const std::function<bool(const Verdict&)>& wanted) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  Rng rng(options.seed);
  std::vector<Session> corpus = options.seeds;
  if (corpus.empty()) corpus.push_back(random_program(rng));
  std::unordered_set<uint64_t> seen;
  LoopResult r;
  std::vector<Event> events;
  for (uint64_t n = 0; n < options.max_executions; ++n) {
    Session p = corpus[rng.below(static_cast<uint32_t>(corpus.size()))];
    if (rng.one_in(8) && corpus.size() > 1) {
      p = crossover_programs(p, corpus[rng.below(static_cast<uint32_t>(corpus.size()))], rng);
    }
    for (uint32_t k = 1 + rng.below(3); k-- > 0;) mutate_program(&p, rng);
    restrict_program(&p);
    Verdict v = play_and_judge(p, &events);
    r.executions = n + 1;
    if (!v.ok() && wanted(v)) {
      r.found = true;
      r.program = p;
      r.verdict = std::move(v);
      break;
    }
    if (seen.insert(signature(p, events)).second && corpus.size() < 20000) corpus.push_back(p);
  }
  r.corpus = corpus.size();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

}  // namespace callbench
