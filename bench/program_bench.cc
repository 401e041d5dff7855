// The fuzz program path's cost per execution of fuzz_orderings, on the programs it runs
// from its seeds: every documented flow (corpus/flows) as a program, mutated 1 to 4 times.
// - BM_DecodeProgram: decode_program of a program's bytes (fuzz_orderings, every run);
// - BM_MutateBytes: libFuzzer's custom mutator (mutate_bytes) on its own last output, as
//   MutateAndTestOne calls it: a program-level mutation, repaired, named and encoded;
// - BM_CrossoverBytes: the custom crossover of two programs' bytes.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "bench/flows.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"
#include "fuzz/rng.h"

namespace callbench {
namespace {

const std::vector<std::vector<uint8_t>>& seed_bytes() {
  static const std::vector<std::vector<uint8_t>> all = [] {
    std::vector<std::vector<uint8_t>> out;
    Rng rng(20261201);
    for (int round = 0; round < 20; ++round) {
      for (const Session& flow : documented_flows()) {
        Session p = normalize_program(flow);
        for (uint32_t k = 1 + rng.below(4); k-- > 0;) mutate_program(&p, rng);
        out.push_back(encode_program(p));
      }
    }
    return out;
  }();
  return all;
}

void BM_DecodeProgram(benchmark::State& state) {
  const auto& all = seed_bytes();
  Session p;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& b = all[i++ % all.size()];
    benchmark::DoNotOptimize(decode_program(b.data(), b.size(), &p));
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_DecodeProgram);

void BM_MutateBytes(benchmark::State& state) {
  const auto& all = seed_bytes();
  std::vector<uint8_t> buf(kMaxProgramBytes);
  std::size_t i = 0, size = 0;
  unsigned seed = 1;
  for (auto _ : state) {
    if (i % 8 == 0) {  // a new unit now and then, as libFuzzer picks another
      const auto& b = all[(i / 8) % all.size()];
      std::memcpy(buf.data(), b.data(), b.size());
      size = b.size();
    }
    ++i;
    size = mutate_bytes(buf.data(), size, buf.size(), seed++);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_MutateBytes);

void BM_CrossoverBytes(benchmark::State& state) {
  const auto& all = seed_bytes();
  std::vector<uint8_t> out(kMaxProgramBytes);
  std::size_t i = 0;
  unsigned seed = 1;
  for (auto _ : state) {
    const auto& a = all[i % all.size()];
    const auto& b = all[(i * 7 + 3) % all.size()];
    ++i;
    benchmark::DoNotOptimize(
        crossover_bytes(a.data(), a.size(), b.data(), b.size(), out.data(), out.size(), seed++));
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}
BENCHMARK(BM_CrossoverBytes);

}  // namespace
}  // namespace callbench
