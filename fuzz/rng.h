// Rng: the fuzzer's one source of randomness, xoshiro256** seeded through SplitMix64.
// Seeded explicitly, never from a clock or the environment, so the same seed gives the
// same mutations in any process (DESIGN.md principle 1). Plain value; no allocation.
#ifndef CALLBENCH_FUZZ_RNG_H_
#define CALLBENCH_FUZZ_RNG_H_

#include <cstdint>

namespace callbench {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
  }

  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) (multiply-shift: bias below 2^-32 for the small n used here).
  // REQUIRES: n > 0.
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>(((next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  bool one_in(uint32_t n) { return below(n) == 0; }
  // In [0, n), biased toward n - 1: the larger of two draws, P(k) = (2k + 1) / n^2.
  uint32_t biased_high(uint32_t n) {
    uint32_t a = below(n), b = below(n);
    return a > b ? a : b;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_RNG_H_
