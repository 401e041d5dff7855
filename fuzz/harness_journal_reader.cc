// fuzz_journal_reader's body (harness.h): apart from fuzz_orderings' (harness.cc), so
// that each target carries only the coverage counters that guide it (fuzz/CMakeLists.txt).
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/harness.h"
#include "replay/replayer.h"
#include "storage/codec.h"
#include "storage/journal.h"

namespace callbench {
namespace {

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

int run_journal_reader(const uint8_t* data, std::size_t size) {
  fuzz_payload(data, size);
  fuzz_journal_file(data, size);
  return 0;
}

}  // namespace callbench
