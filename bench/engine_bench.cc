// Engine throughput over a mix of the documented flows: every scenario in
// corpus/flows/, each on its own engine that is reset (not rebuilt) per session, so
// the loop measures what the engine does per event. Reports events/s as
// items_per_second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "bench/flows.h"
#include "core/engine.h"

namespace callbench {
namespace {

struct Flow {
  Session session;
  std::unique_ptr<Engine> engine;
};

std::vector<Flow>& flows() {
  static std::vector<Flow> all = [] {
    std::vector<Flow> out;
    for (const Session& s : documented_flows()) {
      Flow f{s, nullptr};
      f.engine = std::make_unique<Engine>(f.session.config);
      out.push_back(std::move(f));
    }
    return out;
  }();
  return all;
}

void BM_EngineDocumentedFlows(benchmark::State& state) {
  std::vector<Flow>& all = flows();
  std::vector<Event> events;
  events.reserve(64);
  uint64_t seed = 1;
  int64_t total = 0;
  for (auto _ : state) {
    for (Flow& f : all) {
      f.engine->reset(seed++);
      for (const Stimulus& s : f.session.stimuli) {
        events.clear();
        benchmark::DoNotOptimize(f.engine->apply(s, &events));
        total += static_cast<int64_t>(events.size());
      }
      benchmark::DoNotOptimize(events.data());
    }
  }
  state.SetItemsProcessed(total);
  state.counters["flows"] = static_cast<double>(all.size());
}
BENCHMARK(BM_EngineDocumentedFlows);

}  // namespace
}  // namespace callbench

BENCHMARK_MAIN();
