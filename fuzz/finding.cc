#include "fuzz/finding.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/minimize.h"
#include "fuzz/model_play.h"
#include "fuzz/program.h"
#include "replay/record.h"
#include "replay/replayer.h"
#include "storage/codec.h"
#include "storage/journal.h"

namespace callbench {
namespace {

// "agent-this-queue/EventRinging/ringing" -> "agent-this-queue-EventRinging-ringing"
std::string slug(const std::string& identity) {
  std::string out;
  for (char c : identity) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (keep) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "finding" : out;
}

const Rule* rule_named(const std::string& name) {
  for (const Rule& r : oracle_rules()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

bool write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (ok) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) std::remove(tmp.c_str());
  return ok;
}

void remove_journal(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

}  // namespace

std::string findings_dir() {
  const char* dir = std::getenv("CALLBENCH_FINDINGS_DIR");
  return dir && *dir ? dir : "findings";
}

std::string finding_slug(const std::string& identity) { return slug(identity); }

std::string finding_key(const std::string& identity) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a 64: stable across processes and builds
  for (char c : identity) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ull;
  }
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08llx", static_cast<unsigned long long>(hash >> 32));
  return slug(identity) + "-" + hex;
}

Status write_finding(const Session& session, const Verdict& verdict, const std::string& dir,
                     FindingReport* out) {
  *out = FindingReport{};
  if (verdict.violations.empty()) return Status::invalid("no violation to report");
  out->identity = verdict.violations[0].identity();
  out->original_stimuli = session.stimuli.size();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io(dir + ": cannot create the findings directory: " + ec.message());

  // Minimize at the program level; the identity must survive it.
  Session program = normalize_program(session);
  if (!breaks_with(program, out->identity)) program = session;  // keep the original form
  Session minimized = breaks_with(program, out->identity)
                          ? minimize_program(program, out->identity, nullptr)
                          : program;
  Verdict final_verdict;
  if (!breaks_with(minimized, out->identity, &final_verdict)) {
    return Status::mismatch("finding " + out->identity + " does not reproduce when played again");
  }
  out->minimized_stimuli = minimized.stimuli.size();

  std::string base = dir + "/" + finding_key(out->identity);
  out->scn_path = base + ".scn";
  out->journal_path = base + ".db";
  out->replay_command = "callbench replay " + out->journal_path;

  // The one-session journal, recorded then replayed: the report says whether it
  // reproduces bit-exactly.
  std::string tmp_journal = base + ".db.tmp-" + std::to_string(::getpid());
  remove_journal(tmp_journal);
  {
    std::unique_ptr<Journal> j;
    Status s = Journal::open(tmp_journal, Journal::Mode::kWrite, &j);
    Recorded rec;
    if (s.is_ok())
      s = record_session(j.get(), minimized, slug(out->identity), utc_now(), {}, &rec,
                         fuzz_model());
    if (s.is_ok()) s = exec_sql(j->db(), "PRAGMA journal_mode=DELETE;", "finding journal");
    if (!s.is_ok()) {
      remove_journal(tmp_journal);
      return s;
    }
  }
  {
    std::unique_ptr<Journal> j;
    Status s = Journal::open(tmp_journal, Journal::Mode::kRead, &j);
    ReplayResult r;
    // The finding replays on the model that produced it (this process's).
    ModelMaker maker = [](const ModelInfo&, CallModel** m) {
      *m = fuzz_model();
      return *m ? Status::ok() : Status::invalid("no call model to replay on");
    };
    if (s.is_ok()) s = replay_session(*j, 1, &r, &maker);
    out->reproduced = s.is_ok() && r.identical;
  }
  if (std::rename(tmp_journal.c_str(), out->journal_path.c_str()) != 0) {
    remove_journal(tmp_journal);
    return Status::io(out->journal_path + ": cannot move the finding's journal into place");
  }

  // The scenario a person reads, with the violated expectation as a comment.
  std::string scn = "# callbench finding " + out->identity + "\n";
  for (const Violation& x : final_verdict.violations) {
    if (x.identity() != out->identity) continue;
    const Rule* rule = rule_named(x.rule);
    // The two kinds a model under test adds (fuzz/model_play.h) are not the oracle's rules.
    std::string description =
        rule                         ? std::string(rule->description)
        : x.rule == kModelFailedRule ? "the call model under test crashed, hung, wrote a malformed "
                                       "line or answered another request's seq"
        : x.rule == kDiffersRule
            ? "the call model's events differ from the built-in engine's (--compare builtin)"
            : "";
    scn += "# rule " + x.rule + (description.empty() ? "" : ": " + description) + "\n";
    scn += "# violated at request " + std::to_string(x.request_seq) + ": " + x.message + "\n";
  }
  scn += "# minimized from " + std::to_string(out->original_stimuli) + " to " +
         std::to_string(out->minimized_stimuli) + " stimuli; replayed from its journal: " +
         (out->reproduced ? "bit-exact" : "NOT bit-exact") + "\n";
  // The scenario plays the bug on the model that has it.
  std::string model = fuzz_model() ? " --model '" + fuzz_model()->info().spec() + "'" : "";
  scn += "# replay: " + out->replay_command + "\n# play:   callbench run" + model + " " +
         out->scn_path + "\n";
  scn += print_scenario(minimized);
  if (!write_file(out->scn_path, scn))
    return Status::io(out->scn_path + ": cannot write the finding");

  out->text = scn + "\nfinding " + out->identity + ": " + out->scn_path +
              "\nreplay with: " + out->replay_command + "\n";
  return Status::ok();
}

bool keep_going() {
  static const bool on = [] {
    const char* v = std::getenv("CALLBENCH_KEEP_GOING");
    return v && std::strcmp(v, "1") == 0;
  }();
  return on;
}

void report_and_abort(const Session& session, const Verdict& verdict) {
  std::string dir = findings_dir();
  std::string identity = verdict.violations.empty() ? "none" : verdict.violations[0].identity();
  std::string scn = dir + "/" + finding_key(identity) + ".scn";
  if (::access(scn.c_str(), F_OK) == 0) {
    std::fprintf(stderr, "callbench: known finding %s (%s)\n%s", identity.c_str(), scn.c_str(),
                 verdict.report(session.config).c_str());
  } else {
    FindingReport r;
    Status s = write_finding(session, verdict, dir, &r);
    std::fprintf(stderr, "%s%s\n", r.text.c_str(), s.is_ok() ? "" : s.message().c_str());
  }
  std::fflush(stderr);
  std::abort();
}

namespace {

// What record_finding keeps: every identity this process saw, with its key and hits.
struct Hits {
  struct Entry {
    std::string key;
    uint64_t count = 0;
  };
  std::map<std::string, Entry> by_identity;
  bool dirty = false;
  bool registered = false;
  std::chrono::steady_clock::time_point last_flush;
};

Hits& hits() {
  static Hits h;
  return h;
}

// Publishes `data` as <dir>/<key>.input unless it exists: written whole to a temporary
// file first, then linked into place (link fails with EEXIST when another process won).
void publish_input(const std::string& dir, const std::string& key, const uint8_t* data,
                   std::size_t size) {
  std::string path = dir + "/" + key + ".input";
  if (::access(path.c_str(), F_OK) == 0) return;
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  bool ok = size == 0 || ::write(fd, data, size) == static_cast<ssize_t>(size);
  ok = ::close(fd) == 0 && ok;
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    std::fprintf(stderr, "callbench: %s: cannot record the finding: %s\n", path.c_str(),
                 std::strerror(errno));
  }
  ::unlink(tmp.c_str());
}

}  // namespace

void flush_finding_hits() {
  Hits& h = hits();
  h.last_flush = std::chrono::steady_clock::now();
  if (!h.dirty) return;
  std::string dir = findings_dir() + "/hits";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string text;
  for (const auto& [identity, e] : h.by_identity) {
    text += std::to_string(e.count) + " " + e.key + " " + identity + "\n";
  }
  if (write_file(dir + "/" + std::to_string(::getpid()) + ".hits", text)) h.dirty = false;
}

void record_finding(const uint8_t* data, std::size_t size, const Verdict& verdict) {
  if (verdict.violations.empty()) return;
  Hits& h = hits();
  if (!h.registered) {
    h.registered = true;
    h.last_flush = std::chrono::steady_clock::now();
    std::atexit([] { flush_finding_hits(); });
  }
  std::string identity = verdict.violations[0].identity();
  auto it = h.by_identity.find(identity);
  bool fresh = it == h.by_identity.end();
  if (fresh) {
    std::string key = finding_key(identity);
    std::string dir = findings_dir();
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    publish_input(dir, key, data, size);
    it = h.by_identity.emplace(identity, Hits::Entry{key, 0}).first;
  }
  ++it->second.count;
  h.dirty = true;
  if (fresh || std::chrono::steady_clock::now() - h.last_flush >= std::chrono::seconds(1)) {
    flush_finding_hits();
  }
}

namespace {

struct FlowCounts {
  std::vector<uint64_t> counts;  // documented_flow_points(), then "undocumented"
  uint64_t executions = 0;
  bool registered = false;
};

FlowCounts& flow_counts() {
  static FlowCounts c;
  return c;
}

void write_flow_counts() {
  const char* dir = std::getenv("CALLBENCH_FLOW_COUNTS_DIR");
  if (!dir || !*dir) return;
  const FlowCounts& c = flow_counts();
  const auto& points = documented_flow_points();
  std::string text;
  for (std::size_t i = 0; i < c.counts.size(); ++i) {
    if (c.counts[i] == 0) continue;
    std::string name = i < points.size() ? points[i] : "undocumented";
    for (char& ch : name) ch = ch == ' ' ? '_' : ch;
    text += name + " " + std::to_string(c.counts[i]) + "\n";
  }
  write_file(std::string(dir) + "/" + std::to_string(::getpid()) + ".counts", text);
}

}  // namespace

void count_flows(const Verdict& verdict) {
  FlowCounts& c = flow_counts();
  const auto& points = documented_flow_points();
  if (!c.registered) {
    c.counts.assign(points.size() + 1, 0);
    c.registered = true;
    std::atexit(write_flow_counts);
  }
  // Also written every 2^12 executions (a file of a few hundred bytes, about 25 times a
  // second at 100,000 exec/s): a process that crashes ends without running atexit, and
  // loses only the counts since.
  if ((++c.executions & 0xFFF) == 0) write_flow_counts();
  for (const CallFlow& f : verdict.flows) {
    ++c.counts[f.documented() ? static_cast<std::size_t>(f.point) : points.size()];
    for (int a : f.also) ++c.counts[static_cast<std::size_t>(a)];
  }
}

}  // namespace callbench
