// fuzz_orderings' body (harness.h). The other two targets' bodies are in
// harness_scenario_parser.cc and harness_journal_reader.cc, apart, so that fuzz_orderings
// links none of the parser's, journal's and replayer's coverage counters (fuzz/CMakeLists.txt).
#include "fuzz/harness.h"

#include <optional>
#include <vector>

#include "core/engine.h"
#include "core/oracle.h"
#include "fuzz/finding.h"
#include "fuzz/model_play.h"
#include "fuzz/mutator.h"
#include "fuzz/program.h"

namespace callbench {
namespace {

// What run_orderings keeps between calls: the decoded program, the events, and the
// engine, reset for each program.
struct OrderingsState {
  Session program;
  std::vector<Event> events;
  std::optional<Engine> engine;

  // One engine for every program: Engine::reset(config) is what a fresh engine gives,
  // without clearing its call table again.
  Engine& engine_for(const SessionConfig& c) {
    if (engine)
      engine->reset(c);
    else
      engine.emplace(c);
    return *engine;
  }
};

}  // namespace

int run_orderings(const uint8_t* data, std::size_t size) {
  static OrderingsState state;
  // What libFuzzer runs is mostly the mutation the custom mutator just wrote: its program
  // is taken as it is (the same program decode_program would give), not decoded again.
  const Session* written = last_written_program(data, size);
  if (!written) {
    if (!decode_program(data, size, &state.program)) return 0;
    written = &state.program;
  }
  const Session& program = *written;
  init_fuzz_model_from_env();
  if (fuzz_model()) {
    // Another call model ($CALLBENCH_MODEL): inside what it supports, through the interface.
    if (written != &state.program) state.program = program;
    Session& restricted = state.program;
    restrict_program(&restricted);
    Verdict verdict = play_and_judge(restricted, &state.events);
    if (!verdict.ok()) {
      if (!keep_going()) report_and_abort(restricted, verdict);
      record_finding(data, size, verdict);
    }
    count_flows(verdict);
    return 0;
  }
  Engine& engine = state.engine_for(program.config);
  state.events.clear();
  // The engine's invariants: after every stimulus, or once per program in fuzz builds
  // (CALLBENCH_FUZZ_INVARIANTS_PER_PROGRAM, the fuzz preset's default: a broken invariant
  // mostly stays broken, and the check was 3% of an execution). Builds with
  // CALLBENCH_CHECK_INVARIANTS (Debug, asan-ubsan) have apply() check them after every
  // stimulus itself; a test-only fault (CALLBENCH_FAULTS) breaks them on purpose.
  for (const Stimulus& s : program.stimuli) {
    engine.apply(s, &state.events);
#if !defined(CALLBENCH_CHECK_INVARIANTS) && !defined(CALLBENCH_FAULTS) && \
    !defined(CALLBENCH_FUZZ_INVARIANTS_PER_PROGRAM)
    engine.check_invariants();
#endif
  }
#if !defined(CALLBENCH_CHECK_INVARIANTS) && !defined(CALLBENCH_FAULTS) && \
    defined(CALLBENCH_FUZZ_INVARIANTS_PER_PROGRAM)
  engine.check_invariants();
#endif
  Verdict verdict = judge(program, state.events);
  if (!verdict.ok()) {
    if (!keep_going()) report_and_abort(program, verdict);
    record_finding(data, size, verdict);
  }
  count_flows(verdict);
  return 0;
}

}  // namespace callbench
