// Helpers shared by the test suites: scenarios from text, the command line as a
// subprocess, and the seed every randomised test prints and honours.
#ifndef CALLBENCH_TESTS_TEST_UTIL_H_
#define CALLBENCH_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/player.h"
#include "core/scenario.h"

namespace callbench::testing {

inline std::string source_path(const std::string& relative) {
  return std::string(CALLBENCH_SOURCE_DIR) + "/" + relative;
}

// Parses a scenario written in the test; fails the test on a parse error.
inline Scenario parse_text(const std::string& text) {
  Scenario sc;
  Status st = parse_scenario(text, "test.scn", &sc);
  EXPECT_TRUE(st.is_ok()) << st.message();
  return sc;
}

inline Played play_text(const std::string& text) { return play(parse_text(text).session); }

// The events caused by stimulus number `n` (1-based, as request_seq).
inline std::vector<Event> events_of(const Played& p, uint32_t n) {
  std::vector<Event> out;
  for (const Event& e : p.events) {
    if (e.request_seq == n) out.push_back(e);
  }
  return out;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command line, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command) {
  static int counter = 0;
  std::string err_path = ::testing::TempDir() + "callbench_stderr_" + std::to_string(::getpid()) +
                         "_" + std::to_string(counter++);
  CommandResult r;
  std::FILE* p = ::popen((command + " 2>" + err_path).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (std::FILE* f = std::fopen(err_path.c_str(), "rb")) {
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.err.append(buf, n);
    std::fclose(f);
  }
  std::remove(err_path.c_str());
  return r;
}

inline std::string callbench() { return CALLBENCH_BINARY; }

// The seed of a randomised test: CALLBENCH_SEED when set, else `fallback`. Printed,
// so a failure names the seed that reproduces it.
inline uint64_t test_seed(uint64_t fallback) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("CALLBENCH_SEED")) seed = std::strtoull(env, nullptr, 0);
  std::printf("[ seed     ] CALLBENCH_SEED=%llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

// A small deterministic PRNG for tests (SplitMix64).
struct TestRng {
  uint64_t state;
  explicit TestRng(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

// A random session over base's topology and options: up to `n` stimuli of any kind,
// with any DNs and calls (a call is created before it is used), ReferenceIDs 1, 2, ...
// and, for remote-busy, a reason half the time.
inline Session random_session(TestRng& rng, const Session& base, int n) {
  Session s = base;
  auto ndns = static_cast<uint32_t>(s.config.topology.dns.size());
  uint32_t refs = 0;
  for (int i = 0; i < n; ++i) {
    Stimulus st;
    st.kind = static_cast<StimulusKind>(rng.below(kStimulusKindCount));
    const StimulusShape& shape = shape_of(st.kind);
    if (shape.has_call && !shape.creates_call && s.config.call_names.empty()) continue;
    if (shape.has_dn) st.dn = static_cast<DnId>(rng.below(ndns));
    if (shape.has_dn2) st.dn2 = static_cast<DnId>(rng.below(ndns));
    if (shape.creates_call) {
      st.call = static_cast<CallId>(s.config.call_names.size());
      s.config.call_names.push_back("c" + std::to_string(st.call));
    } else if (shape.has_call) {
      st.call = static_cast<CallId>(rng.below(static_cast<uint32_t>(s.config.call_names.size())));
    }
    if (shape.client_request) st.reference_id = ++refs;
    if (shape.has_reason && rng.below(2)) {
      st.has_call_state = true;
      st.call_state = CallState::kSitIntercept;
    }
    s.stimuli.push_back(st);
  }
  return s;
}

}  // namespace callbench::testing

#endif  // CALLBENCH_TESTS_TEST_UTIL_H_
