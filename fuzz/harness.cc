// The fuzz targets' bodies (harness.h).
#include "fuzz/harness.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/finding.h"
#include "fuzz/model_play.h"
#include "fuzz/program.h"
#include "replay/replayer.h"
#include "storage/codec.h"
#include "storage/journal.h"

namespace callbench {
namespace {

// A property of the code under test does not hold: a real bug, never bad input.
[[noreturn]] void property_failed(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: property violated: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// ---- fuzz_orderings -------------------------------------------------------------

// What run_orderings keeps between calls: the decoded program, the events, and the
// engine with the topology and options it was built for.
struct OrderingsState {
  Session program;
  std::vector<Event> events;
  std::optional<Engine> engine;
  std::vector<DnKind> kinds;
  SwitchProfile profile;

  Engine& engine_for(const SessionConfig& c) {
    bool same = engine && profile == c.profile && kinds.size() == c.topology.dns.size();
    for (std::size_t i = 0; same && i < kinds.size(); ++i)
      same = kinds[i] == c.topology.dns[i].kind;
    if (same) {
      engine->reset(c.seed);
      return *engine;
    }
    engine.emplace(c);
    profile = c.profile;
    kinds.clear();
    for (const Dn& dn : c.topology.dns) kinds.push_back(dn.kind);
    return *engine;
  }
};

// ---- fuzz_journal_reader --------------------------------------------------------

bool same_bytes(const Payload& p, const uint8_t* data, std::size_t size) {
  return p.size() == size && (size == 0 || std::memcmp(p.data(), data, size) == 0);
}

// The session config payloads are decoded against: one DN of every kind, two calls.
SessionConfig payload_config() {
  SessionConfig c;
  c.topology.dns = {{"7001", DnKind::kExtension},      {"7002", DnKind::kExtension},
                    {"8001", DnKind::kAcdQueue},       {"9001", DnKind::kRoutingPoint},
                    {"9101", DnKind::kRoutingQueue},   {"5550100", DnKind::kExternal},
                    {"6001", DnKind::kRemoteExtension}};
  c.call_names = {"c1", "c2"};
  return c;
}

void fuzz_payload(const uint8_t* data, std::size_t size) {
  static const SessionCodec codec(payload_config());
  thread_local Payload again;
  RecordedRequest request;
  if (codec.decode_request(data, size, &request).is_ok()) {
    ApplyResult r = request.ignored == IgnoreReason::kNone
                        ? ApplyResult{}
                        : ApplyResult{Outcome::kIgnored, request.ignored};
    codec.encode_request(request.stimulus, request.seq, r, &again);
    if (!same_bytes(again, data, size)) {
      property_failed("fuzz_journal_reader", "a decoded request does not re-encode to its bytes");
    }
  }
  Event event;
  if (codec.decode_event(data, size, &event).is_ok()) {
    codec.encode_event(event, &again);
    if (!same_bytes(again, data, size)) {
      property_failed("fuzz_journal_reader", "a decoded event does not re-encode to its bytes");
    }
  }
  SessionConfig config;
  std::string engine;
  if (decode_header(data, size, &config, &engine).is_ok()) {
    Payload header = encode_header(config);
    SessionConfig back;
    Status st = decode_header(header.data(), header.size(), &back, nullptr);
    if (!st.is_ok() || !(back == config)) {
      property_failed("fuzz_journal_reader",
                      "a decoded header does not round-trip: " + st.message());
    }
  }
  std::string json;
  (void)payload_json(data, size, &json);
}

// This process's scratch journal file, under the temporary directory.
const std::string& scratch_journal_path() {
  static const std::string path = [] {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    return (dir / ("callbench_fuzz_journal_" + std::to_string(::getpid()) + ".db")).string();
  }();
  return path;
}

void remove_journal_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

void fuzz_journal_file(const uint8_t* data, std::size_t size) {
  const std::string& path = scratch_journal_path();
  remove_journal_files(path);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;  // no scratch space: nothing to read
  bool written = std::fwrite(data, 1, size, f) == size;
  written = std::fclose(f) == 0 && written;
  if (written) {
    std::unique_ptr<Journal> journal;
    if (Journal::open(path, Journal::Mode::kRead, &journal).is_ok()) {
      std::vector<SessionInfo> sessions;
      (void)journal->sessions(&sessions);
      for (const SessionInfo& info : sessions) {
        for (Journal::Check check : {Journal::Check::kColumns, Journal::Check::kPayloads}) {
          LoadedSession loaded;
          if (!journal->load_session(info.id, &loaded, check).is_ok()) continue;
          std::vector<Event> events;
          (void)journal->load_events(loaded, &events);
        }
        ReplayResult replayed;
        (void)replay_session(*journal, info.id, &replayed);
      }
      std::string integrity;
      (void)journal->integrity_check(&integrity);
    }
  }
  remove_journal_files(path);
}

}  // namespace

int run_orderings(const uint8_t* data, std::size_t size) {
  static OrderingsState state;
  Session& program = state.program;
  if (!decode_program(data, size, &program)) return 0;
  init_fuzz_model_from_env();
  if (fuzz_model()) {
    // Another call model ($CALLBENCH_MODEL): inside what it supports, through the interface.
    restrict_program(&program);
    Verdict verdict = play_and_judge(program, &state.events);
    if (!verdict.ok()) {
      if (!keep_going()) report_and_abort(program, verdict);
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

int run_scenario_parser(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Scenario first;
  if (!parse_scenario(text, "fuzz.scn", &first).is_ok()) return 0;
  std::string why = validate_session(first.session);
  if (!why.empty()) {
    property_failed("fuzz_scenario_parser", "the parser accepted an invalid session: " + why);
  }
  (void)play(first.session);
  std::string printed = print_scenario(first.session);
  Scenario second;
  Status st = parse_scenario(printed, "printed.scn", &second);
  if (!st.is_ok()) {
    property_failed("fuzz_scenario_parser",
                    "the printed scenario does not parse: " + st.message() + "\n" + printed);
  }
  if (!(second.session == first.session)) {
    property_failed("fuzz_scenario_parser", "the printed scenario parses to another session:\n" +
                                                printed + "---\n" + print_scenario(second.session));
  }
  return 0;
}

int run_journal_reader(const uint8_t* data, std::size_t size) {
  fuzz_payload(data, size);
  fuzz_journal_file(data, size);
  return 0;
}

}  // namespace callbench
