// The oracle's cost per program, on programs like those fuzz_orderings runs: random
// bytes decoded leniently into programs of up to 64 stimuli (fuzz/program.h), played
// once; the loop judges them. Reports programs/s and events/s.
#include <benchmark/benchmark.h>

#include <vector>

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

void BM_OracleJudge(benchmark::State& state) {
  const auto& all = programs();
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
BENCHMARK(BM_OracleJudge);

}  // namespace
}  // namespace callbench
