// The oracle's cost per program, on two sets of programs played once; the loop judges
// them. Reports programs/s and events/s.
// - BM_OracleJudge: 2,000 random programs, each mutated up to 200 times toward 64 stimuli
//   (fuzz/mutator.h): long programs, many calls;
// - BM_OracleJudgeSeeds: what fuzz_orderings runs from its seed corpus: every documented
//   flow (corpus/flows) as a program (callbench_seeds), mutated 1 to 4 times by the custom
//   mutator, 50 per flow.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/flows.h"
#include "core/oracle.h"
#include "core/player.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"

namespace callbench {
namespace {

struct Judged {
  Session program;
  std::vector<Event> events;
};

const std::vector<Judged>& programs() {
  static const std::vector<Judged> all = [] {
    std::vector<Judged> out;
    Rng rng(20261124);
    while (out.size() < 2000) {
      Session p = random_program(rng);
      for (int k = 0; k < 200 && p.stimuli.size() < 64; ++k) mutate_program(&p, rng);
      Played played = play(p);
      out.push_back({p, played.events});
    }
    return out;
  }();
  return all;
}

const std::vector<Judged>& seed_programs() {
  static const std::vector<Judged> all = [] {
    std::vector<Judged> out;
    Rng rng(20261201);
    for (int round = 0; round < 50; ++round) {
      for (const Session& flow : documented_flows()) {
        Session p = normalize_program(flow);
        for (uint32_t k = 1 + rng.below(4); k-- > 0;) mutate_program(&p, rng);
        Played played = play(p);
        out.push_back({p, played.events});
      }
    }
    return out;
  }();
  return all;
}

void judge_loop(benchmark::State& state, const std::vector<Judged>& all) {
  std::size_t i = 0;
  int64_t events = 0, judged = 0;
  for (auto _ : state) {
    const Judged& j = all[i++ % all.size()];
    Verdict v = judge(j.program, j.events);
    benchmark::DoNotOptimize(v);
    events += static_cast<int64_t>(j.events.size());
    ++judged;
  }
  state.SetItemsProcessed(judged);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

void BM_OracleJudge(benchmark::State& state) { judge_loop(state, programs()); }
BENCHMARK(BM_OracleJudge);
void BM_OracleJudgeSeeds(benchmark::State& state) { judge_loop(state, seed_programs()); }
BENCHMARK(BM_OracleJudgeSeeds);

}  // namespace
}  // namespace callbench
