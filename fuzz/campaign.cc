#include "fuzz/campaign.h"

#include "models/model_spec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/oracle.h"
#include "fuzz/finding.h"
#include "fuzz/process.h"
#include "fuzz/report.h"
#include "fuzz/seeds.h"
#include "replay/record.h"
#include "storage/journal.h"

namespace callbench {
namespace fs = std::filesystem;
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs a shell command with its output appended to `log`; its exit status.
int run_logged(const std::string& command, const std::string& log) {
  int rc = std::system((command + " >>" + quote(log) + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

// The number after `key` in a libFuzzer status line ("cov: 812"), or -1.
long long field(const std::string& line, const std::string& key) {
  std::size_t at = line.find(key);
  if (at == std::string::npos) return -1;
  at += key.size();
  while (at < line.size() && (line[at] == ' ' || line[at] == ':')) ++at;
  long long v = 0;
  bool any = false;
  while (at < line.size() && line[at] >= '0' && line[at] <= '9') {
    v = v * 10 + (line[at++] - '0');
    any = true;
  }
  return any ? v : -1;
}

std::string utc(long long seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* const kFindingsSchema = R"sql(
CREATE TABLE IF NOT EXISTS findings (
  identity    TEXT PRIMARY KEY,  -- rule/first offending event/flow state
  rule        TEXT NOT NULL,
  target      TEXT NOT NULL,
  first_seen  TEXT NOT NULL,     -- UTC
  last_seen   TEXT NOT NULL,
  count       INTEGER NOT NULL,  -- occurrences
  session_id  INTEGER,           -- the minimized session, recorded in this journal
  scn         TEXT,              -- the bug report's scenario
  journal     TEXT,              -- its one-session journal
  reproduced  INTEGER NOT NULL   -- 1: replayed bit-exactly from its journal
);
)sql";

// Ensures the target binary exists: the given one, or the fuzz preset's (built now).
Status locate_fuzzer(const CampaignOptions& o, const std::string& work, std::string* path,
                     const std::function<void(const std::string&)>& progress) {
  if (!o.fuzzer.empty()) {
    if (::access(o.fuzzer.c_str(), X_OK) != 0) return Status::not_found(o.fuzzer + ": no such fuzz target binary");
    *path = o.fuzzer;
    return Status::ok();
  }
  *path = o.source_dir + "/build-fuzz/" + o.target;
  if (::access(path->c_str(), X_OK) == 0) return Status::ok();
  std::string log = work + "/build.log";
  progress("building " + o.target + " with the fuzz preset (clang, libFuzzer); log: " + log);
  std::string cd = "cd " + quote(o.source_dir) + " && ";
  if (::access((o.source_dir + "/build-fuzz/build.ninja").c_str(), F_OK) != 0 &&
      run_logged(cd + "cmake --preset fuzz", log) != 0) {
    return Status::io("configuring the fuzz preset failed; see " + log);
  }
  if (run_logged(cd + "cmake --build --preset fuzz --target " + quote(o.target), log) != 0) {
    return Status::io("building " + o.target + " failed; see " + log);
  }
  if (::access(path->c_str(), X_OK) != 0) return Status::io(*path + " was not built; see " + log);
  return Status::ok();
}

// This run's hits of fuzz_orderings' findings: every process's hits/<pid>.hits added up,
// by key, with the identity each names.
std::map<std::string, std::pair<std::string, uint64_t>> read_hits(const std::string& dir) {
  std::map<std::string, std::pair<std::string, uint64_t>> hits;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".hits") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      uint64_t n = 0;
      std::string key, identity;
      if (!(fields >> n >> key) || !std::getline(fields >> std::ws, identity)) continue;
      auto& h = hits[key];
      h.first = identity;
      h.second += n;
    }
  }
  return hits;
}

// The findings of fuzz_orderings: one <key>.input per identity (its first input), this
// run's hits, and the bug report (<key>.scn, .db) that the target wrote when it
// reproduced the input (report_findings).
void collect_oracle_findings(const std::string& dir, const std::vector<std::string>& keys,
                             const std::map<std::string, std::pair<std::string, uint64_t>>& hits,
                             std::vector<CampaignFinding>* out) {
  for (const std::string& key : keys) {
    CampaignFinding f;
    auto h = hits.find(key);
    if (h != hits.end()) {
      f.identity = h->second.first;
      f.hits = h->second.second;
    }
    f.input = dir + "/" + key + ".input";
    f.first_seen = utc_now();
    std::error_code ec;
    auto mtime = fs::last_write_time(f.input, ec);
    if (!ec) {
      auto since = mtime - fs::file_time_type::clock::now() + std::chrono::system_clock::now();
      f.first_seen = utc(std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count());
    }
    std::string scn = dir + "/" + key + ".scn";
    std::ifstream in(scn);
    std::string line;
    while (in && std::getline(in, line) && line.rfind("#", 0) == 0) {
      if (line.rfind("# callbench finding ", 0) == 0) f.identity = line.substr(20);
      if (line.find("replayed from its journal: bit-exact") != std::string::npos) f.reproduced = true;
    }
    if (fs::exists(scn, ec)) {
      f.scn = scn;
      f.journal = dir + "/" + key + ".db";
      f.replay = "callbench replay " + f.journal;
    } else {
      f.scn = f.input;  // no report: the input itself, which the target reproduces
    }
    if (f.identity.empty()) f.identity = key;
    f.rule = f.identity.substr(0, f.identity.find('/'));
    out->push_back(std::move(f));
  }
}

// Crashes (and leaks and timeouts): each libFuzzer artifact is one finding, hit in this
// run when it was written after `since`.
void collect_crashes(const std::string& dir, const std::string& target, fs::file_time_type since,
                     std::vector<CampaignFinding>* out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("crash-", 0) != 0 && name.rfind("leak-", 0) != 0 && name.rfind("timeout-", 0) != 0) continue;
    CampaignFinding f;
    f.identity = "crash/" + target + "/" + name;
    f.rule = "no-crash";
    f.hits = e.last_write_time(ec) >= since ? 1 : 0;
    f.first_seen = utc_now();
    f.scn = e.path().string();
    f.replay = "build/" + target + "_replay " + e.path().string();
    out->push_back(std::move(f));
  }
}

Status import_findings(const CampaignOptions& o, const std::string& journal_path, std::vector<CampaignFinding>* findings) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(journal_path, Journal::Mode::kWrite, &j);
  if (!s.is_ok()) return s;
  s = exec_sql(j->db(), kFindingsSchema, journal_path + ": creating the findings table");
  if (!s.is_ok()) return s;
  for (CampaignFinding& f : *findings) {
    Journal::Statement lookup;
    s = j->prepare("SELECT count, session_id FROM findings WHERE identity = ?", &lookup);
    if (!s.is_ok()) return s;
    lookup->bind_text(1, f.identity);
    int rc = lookup->step();
    f.is_new = rc == SQLITE_DONE;
    // Oracle findings add this run's hits to the total; a crash artifact stays in the
    // work directory between runs and counts once.
    uint64_t count = f.hits;
    if (!f.is_new) {
      uint64_t before = static_cast<uint64_t>(lookup->col_int(0));
      count = f.rule == "no-crash" ? std::max<uint64_t>(before, 1) : before + f.hits;
      f.session_id = lookup->col_null(1) ? 0 : lookup->col_int(1);
    }
    lookup = Journal::Statement();
    if (f.is_new) count = std::max<uint64_t>(count, 1);
    if (f.is_new && !f.journal.empty()) {
      // The minimized session, recorded into the campaign journal beside the others.
      std::unique_ptr<Journal> finding;
      LoadedSession ls;
      Recorded rec;
      Status r = Journal::open(f.journal, Journal::Mode::kRead, &finding);
      if (r.is_ok()) r = finding->load_session(1, &ls);
      if (r.is_ok()) r = record_session(j.get(), ls.session, "finding " + f.identity, utc_now(), {}, &rec);
      if (r.is_ok()) f.session_id = rec.session_id;
    }
    Journal::Statement upsert;
    s = j->prepare(
        "INSERT INTO findings (identity, rule, target, first_seen, last_seen, count, session_id, scn, journal, "
        "reproduced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (identity) DO UPDATE SET "
        "last_seen = ?5, count = ?6",
        &upsert);
    if (!s.is_ok()) return s;
    upsert->bind_text(1, f.identity);
    upsert->bind_text(2, f.rule);
    upsert->bind_text(3, o.target);
    upsert->bind_text(4, f.first_seen);
    std::string now = utc_now();
    upsert->bind_text(5, now);
    upsert->bind_int(6, static_cast<int64_t>(count));
    if (f.session_id) upsert->bind_int(7, f.session_id); else upsert->bind_null(7);
    upsert->bind_text(8, f.scn);
    upsert->bind_text(9, f.journal);
    upsert->bind_int(10, f.reproduced ? 1 : 0);
    s = upsert->run(journal_path + ": recording finding " + f.identity);
    if (!s.is_ok()) return s;
    f.count = count;
  }
  return Status::ok();
}

Status write_junit(const CampaignOptions& o, const CampaignResult& r, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> cases;  // name, description
  if (o.target == "fuzz_orderings") {
    for (const Rule& rule : oracle_rules()) cases.emplace_back(rule.name, rule.description);
  }
  cases.emplace_back("no-crash", "arbitrary input is answered with an error, never a crash, hang or leak");
  std::size_t failures = 0;
  std::string body;
  for (const auto& [name, description] : cases) {
    body += "    <testcase classname=\"callbench." + o.target + "\" name=\"" + xml(name) + "\" time=\"0\">\n";
    std::string found;
    for (const CampaignFinding& f : r.findings) {
      if (f.rule != name) continue;
      found += f.identity + " (" + std::to_string(f.count) + "x" + (f.is_new ? ", new" : "") + "): " + f.scn +
               (f.replay.empty() ? "" : "; " + f.replay) + "\n";
    }
    if (!found.empty()) {
      ++failures;
      body += "      <failure message=\"" + xml(description) + "\">" + xml(found) + "</failure>\n";
    }
    body += "    </testcase>\n";
  }
  std::string text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"callbench.fuzz." +
                     o.target + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                     std::to_string(failures) + "\" errors=\"0\" time=\"" + std::to_string(r.seconds) + "\">\n" + body +
                     "  </testsuite>\n</testsuites>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Status::io(path + ": cannot write the JUnit report");
  return Status::ok();
}

}  // namespace

bool CampaignResult::any_new() const {
  for (const CampaignFinding& f : findings) {
    if (f.is_new) return true;
  }
  return false;
}

namespace {

// The work directory's lock, held for the whole campaign: two campaigns on one work
// directory would mix their corpora, findings and coverage tables. flock(2), so the
// kernel releases it however the process ends; close-on-exec, so no child keeps it.
class WorkdirLock {
 public:
  ~WorkdirLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status acquire(const std::string& workdir) {
    std::string path = workdir + "/.campaign.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::io(path + ": cannot open: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char pid[32] = {0};
      ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
      std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      return Status::invalid(workdir + ": another campaign is running in this work directory" +
                             (holder.empty() ? "" : " (pid " + holder + ")") +
                             "; wait for it or use another --workdir");
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
      // The pid is only for the message above; the lock holds without it.
    }
    return Status::ok();
  }

 private:
  int fd_ = -1;
};

// The target a binary was built as: the name after "callbench-fuzz-target:" up to ';'
// (CALLBENCH_FUZZ_TARGET in fuzz/harness.h), or "" when it carries none.
std::string built_target(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string tag = std::string("callbench-fuzz-") + "target:";
  std::string window;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    window.append(buf, static_cast<std::size_t>(in.gcount()));
    for (std::size_t at = window.find(tag); at != std::string::npos; at = window.find(tag, at + 1)) {
      std::size_t end = at + tag.size();
      while (end < window.size() && (std::islower(static_cast<unsigned char>(window[end])) || window[end] == '_')) ++end;
      if (end < window.size() && window[end] == ';' && end > at + tag.size()) {
        return window.substr(at + tag.size(), end - at - tag.size());
      }
    }
    // Keep a tail that may hold the start of a marker cut by the buffer.
    if (window.size() > 128) window.erase(0, window.size() - 128);
  }
  return "";
}

Status check_fuzzer(const std::string& path, const std::string& target) {
  std::string built = built_target(path);
  if (built.empty()) {
    return Status::invalid("--fuzzer " + path + ": not a callbench fuzz target (it does not name one; see "
                           "CALLBENCH_FUZZ_TARGET in fuzz/harness.h)");
  }
  if (built != target) {
    return Status::invalid("--fuzzer " + path + ": a build of " + built + ", not of the target " + target +
                           " (--target)");
  }
  return Status::ok();
}

// The journal must be a callbench journal (or not exist yet) that takes the findings
// table: checked before any fuzzing, not after it.
Status check_journal(const std::string& path) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kWrite, &j);
  if (!s.is_ok()) return s;
  return exec_sql(j->db(), kFindingsSchema, path + ": creating the findings table");
}

std::vector<std::string> sorted_keys(const std::string& dir, const std::string& ext) {
  std::vector<std::string> keys;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ext) keys.push_back(e.path().stem().string());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The environment every process of a campaign gets, and the one a reproduction gets.
std::vector<std::pair<std::string, std::string>> campaign_env(const std::string& findings,
                                                              const std::string& flows) {
  return {{"CALLBENCH_KEEP_GOING", "1"}, {"CALLBENCH_FINDINGS_DIR", findings},
          {"CALLBENCH_FLOW_COUNTS_DIR", flows}};
}

// Runs libFuzzer and follows its output until it ends. The time limit holds: libFuzzer
// gets -max_total_time, but in fork mode it only looks at the clock when a job ends
// and then waits for the running jobs, so at the limit the campaign writes libFuzzer's
// own stop file (jobs then end within a second, normally: their corpus is merged and
// their counts written), terminates the group (SIGTERM) 2 s later and kills it 2 s
// after that. A first interrupt of callbench starts the same sequence at once.
Status run_libfuzzer(const CampaignOptions& o, const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env, const std::string& log,
                     const std::function<std::string()>& findings_count, CampaignResult* out,
                     const std::function<void(const std::string&)>& progress) {
  if (InterruptHandler::interrupted() > 0) {  // before it even started: nothing to stop
    out->interrupted = true;
    return Status::ok();
  }
  std::ofstream log_file(log, std::ios::trunc);
  log_file << "$";
  for (const std::string& a : argv) log_file << " " << quote(a);
  log_file << "\n";
  ChildProcess child;
  Status s = spawn_child(argv, env, &child);
  if (!s.is_ok()) return s;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto limit = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000));
  enum class Stop { kNone, kStopFile, kInterrupt, kKill } stop = Stop::kNone;
  auto stop_at = Clock::time_point::max();
  std::string fork_dir;  // libFuzzer's fork-mode temporary directory, from its output
  std::string pending;
  bool eof = false;
  while (!eof) {
    auto now = Clock::now();
    if (InterruptHandler::interrupted() > 0 && !out->interrupted) {
      out->interrupted = true;
      progress("interrupted: stopping the fuzzing processes, then the summary (interrupt again to quit at once)");
    }
    if (stop == Stop::kNone && (now >= limit || out->interrupted)) {
      stop = Stop::kStopFile;
      stop_at = now + std::chrono::seconds(2);
      if (!fork_dir.empty()) {
        std::ofstream(fork_dir + "/STOP") << "1";
      } else {
        stop_at = now;  // no stop file to write (not fork mode): on to SIGTERM at once
      }
    } else if (now >= stop_at && stop == Stop::kStopFile) {
      // SIGTERM, not SIGINT: the fork-mode parent ignores SIGINT while it waits for a
      // job (system(3)); on SIGTERM it and its jobs exit at once, removing their
      // temporary directory.
      signal_child(child, SIGTERM);
      stop = Stop::kInterrupt;
      stop_at = now + std::chrono::seconds(2);
    } else if (now >= stop_at && stop == Stop::kInterrupt) {
      signal_child(child, SIGKILL);
      stop = Stop::kKill;
      stop_at = now + std::chrono::seconds(2);
    } else if (now >= stop_at && stop == Stop::kKill) {
      break;  // something outside the group holds the pipe open: stop reading
    }
    pollfd p{child.output, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (ready <= 0) continue;  // a timeout, or EINTR from an interrupt
    char buf[4096];
    ssize_t n = ::read(child.output, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof = true;
      n = 0;
    }
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos || (eof && !pending.empty())) {
      std::string line = nl == std::string::npos ? pending : pending.substr(0, nl + 1);
      pending.erase(0, line.size());
      log_file << line;
      const std::string marker = "starting to fuzz in ";
      if (std::size_t at = line.find(marker); at != std::string::npos && line.find("-fork=") != std::string::npos) {
        fork_dir = line.substr(at + marker.size());
        while (!fork_dir.empty() && (fork_dir.back() == '\n' || fork_dir.back() == '\r')) fork_dir.pop_back();
        if (fork_dir.find("libFuzzerTemp.FuzzWithFork") == std::string::npos) fork_dir.clear();
      }
      if (line.empty() || line[0] != '#') continue;
      // (libFuzzer's exec/s in fork mode is one job's; the campaign's is counted here.)
      long long execs = field(line, "#"), cov = field(line, "cov"), corp = field(line, "corp");
      if (execs >= 0) out->executions = static_cast<uint64_t>(execs);
      if (cov >= 0) out->coverage = static_cast<uint64_t>(cov);
      if (corp >= 0) out->corpus = static_cast<uint64_t>(corp);
      double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      if (elapsed > 0) out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / elapsed);
      char status[256];
      std::snprintf(status, sizeof status, "[%s] %3.0fs  execs %llu  exec/s %llu  cov %llu  corpus %llu  findings %s",
                    o.target.c_str(), elapsed, static_cast<unsigned long long>(out->executions),
                    static_cast<unsigned long long>(out->exec_per_sec), static_cast<unsigned long long>(out->coverage),
                    static_cast<unsigned long long>(out->corpus), findings_count().c_str());
      progress(status);
    }
  }
  if (stop == Stop::kKill || !eof) signal_child(child, SIGKILL);
  out->libfuzzer_exit = wait_child(&child);
  // A killed fork-mode libFuzzer leaves its temporary directory behind.
  std::error_code ec;
  if (!fork_dir.empty()) fs::remove_all(fork_dir, ec);
  out->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (out->seconds > 0) out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / out->seconds);
  return Status::ok();
}

// Has the target write the bug report of every finding that has none yet: the target
// binary run on the finding's first input, reproducing (fuzz/finding.h): it minimizes,
// records, replays and writes <key>.scn and <key>.db, then aborts. Its output goes to
// `log`. Runs after the fuzzing has stopped, also after an interrupt.
void report_findings(const std::string& fuzzer, const std::string& findings, const std::string& work,
                     const std::string& log, const std::function<void(const std::string&)>& progress) {
  std::string scratch = work + "/reproduce";
  std::error_code ec;
  for (const std::string& key : sorted_keys(findings, ".input")) {
    if (fs::exists(findings + "/" + key + ".scn", ec)) continue;
    progress("writing the bug report of " + key);
    fs::create_directories(scratch, ec);
    run_child({fuzzer, "-runs=1", "-timeout=300", "-artifact_prefix=" + scratch + "/",
               findings + "/" + key + ".input"},
              {{"CALLBENCH_KEEP_GOING", ""}, {"CALLBENCH_FINDINGS_DIR", findings}, {"CALLBENCH_FLOW_COUNTS_DIR", ""}},
              log);
  }
  fs::remove_all(scratch, ec);
}

// Every report written from a campaign's result, in one place, called last in the end
// work (also after an interrupt), once the findings are imported and the flow coverage
// added up: JUnit now. Another report writer (an HTML campaign report, ...) goes here.
Status write_reports(const CampaignOptions& o, const std::string& work, const std::string& log, CampaignResult* out) {
  out->junit_path = work + "/junit.xml";
  Status s = write_junit(o, *out, out->junit_path);
  if (!s.is_ok()) return s;
  return write_campaign_report(o, *out, log, work + "/report.html");
}

}  // namespace

Status run_campaign(const CampaignOptions& o, CampaignResult* out,
                    const std::function<void(const std::string&)>& progress) {
  *out = CampaignResult{};
  InterruptHandler interrupts;
  // Every argument is checked before anything runs.
  if (std::find(std::begin(kFuzzTargets), std::end(kFuzzTargets), o.target) == std::end(kFuzzTargets)) {
    return Status::invalid("--target: expected fuzz_orderings, fuzz_scenario_parser or fuzz_journal_reader, found '" +
                           o.target + "'");
  }
  if ((o.model != "builtin" || o.compare) && o.target != "fuzz_orderings") {
    return Status::invalid("--model and --compare apply to --target fuzz_orderings only");
  }
  if (o.compare && o.model == "builtin") {
    return Status::invalid("--compare builtin: the model under test is the builtin engine already (give --model)");
  }
  {
    // The model must start and say hello before any fuzzing (a plugin: load and match
    // the ABI); every process of the campaign then makes its own from the environment.
    std::string spec = o.model;
    if (spec.rfind("plugin:", 0) == 0) {
      std::error_code aec;
      fs::path abs = fs::absolute(spec.substr(7), aec);
      if (!aec) spec = "plugin:" + abs.string();
    }
    std::unique_ptr<CallModel> model;
    Status ms = make_model(spec, o.model_timeout, &model);
    if (!ms.is_ok()) return ms;
    if (spec == "builtin") {
      ::unsetenv("CALLBENCH_MODEL");
      ::unsetenv("CALLBENCH_COMPARE");
    } else {
      ::setenv("CALLBENCH_MODEL", spec.c_str(), 1);
      ::setenv("CALLBENCH_MODEL_TIMEOUT", std::to_string(o.model_timeout).c_str(), 1);
      ::setenv("CALLBENCH_COMPARE", o.compare ? "builtin" : "", 1);
    }
  }
  if (!o.fuzzer.empty()) {
    if (::access(o.fuzzer.c_str(), X_OK) != 0 || fs::is_directory(o.fuzzer)) {
      return Status::not_found("--fuzzer " + o.fuzzer + ": no such executable");
    }
    Status s = check_fuzzer(o.fuzzer, o.target);
    if (!s.is_ok()) return s;
  }
  std::error_code ec;
  fs::create_directories(o.workdir, ec);
  if (ec) return Status::io(o.workdir + ": cannot create the work directory: " + ec.message());
  WorkdirLock lock;
  Status s = lock.acquire(o.workdir);
  if (!s.is_ok()) return s;
  out->journal_path = o.journal.empty() ? o.workdir + "/campaign.db" : o.journal;
  s = check_journal(out->journal_path);
  if (!s.is_ok()) return s;

  const std::string work = o.workdir + "/" + o.target;
  const std::string corpus = work + "/corpus", seeds = work + "/seeds", findings = work + "/findings",
                    artifacts = work + "/artifacts", flows = work + "/flows", hits = findings + "/hits";
  for (const std::string& d : {corpus, seeds, findings, artifacts, flows, hits}) {
    fs::create_directories(d, ec);
    if (ec) return Status::io(d + ": cannot create: " + ec.message());
  }
  for (const std::string& d : {flows, hits}) {  // this run's counts only
    for (const auto& e : fs::directory_iterator(d, ec)) fs::remove(e.path(), ec);
  }

  std::string fuzzer;
  s = locate_fuzzer(o, work, &fuzzer, progress);
  if (!s.is_ok()) return s;
  if (o.fuzzer.empty()) {
    s = check_fuzzer(fuzzer, o.target);
    if (!s.is_ok()) return s;
  }

  std::vector<std::string> inputs = {corpus};
  std::string dict;
  if (o.target == "fuzz_orderings") {
    std::size_t n = 0;
    s = write_seed_corpus(o.source_dir + "/corpus/flows", seeds, &n);
    if (!s.is_ok()) return s;
    inputs.push_back(seeds);
    inputs.push_back(o.source_dir + "/corpus/findings");
  } else if (o.target == "fuzz_scenario_parser") {
    inputs.push_back(o.source_dir + "/corpus/parser");
    inputs.push_back(o.source_dir + "/corpus/flows");
    dict = o.source_dir + "/corpus/fuzz.dict";
  } else {
    inputs.push_back(o.source_dir + "/corpus/journal");
  }

  std::vector<std::string> argv = {fuzzer,
                                   "-fork=" + std::to_string(std::max(1, o.jobs)),
                                   "-ignore_crashes=1",
                                   "-ignore_timeouts=1",
                                   "-ignore_ooms=1",
                                   "-timeout=10",
                                   "-rss_limit_mb=2048",
                                   "-max_total_time=" + std::to_string(std::max(1, static_cast<int>(o.seconds))),
                                   "-seed=" + std::to_string(o.seed % 4294967295u + 1),
                                   "-print_final_stats=1",
                                   "-artifact_prefix=" + artifacts + "/"};
  if (o.runs > 0) argv.push_back("-runs=" + std::to_string(o.runs));
  if (!dict.empty()) argv.push_back("-dict=" + dict);
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  const fs::file_time_type started = fs::file_time_type::clock::now();
  auto findings_count = [&] {
    std::size_t inputs_n = sorted_keys(findings, ".input").size(), crashes = 0;
    for (const auto& e : fs::directory_iterator(artifacts, ec)) {
      crashes += e.path().filename().string().rfind("crash-", 0) == 0;
    }
    return std::to_string(inputs_n + crashes);
  };
  const std::string log = work + "/libfuzzer.log";
  s = run_libfuzzer(o, argv, campaign_env(findings, flows), log, findings_count, out, progress);
  if (!s.is_ok()) return s;

  // ---- The end work, also after an interrupt (a second one exits at once). ----------
  if (o.target == "fuzz_orderings") {
    report_findings(fuzzer, findings, work, work + "/reports.log", progress);
    collect_oracle_findings(findings, sorted_keys(findings, ".input"), read_hits(hits), &out->findings);
  }
  collect_crashes(artifacts, o.target, started, &out->findings);
  s = import_findings(o, out->journal_path, &out->findings);
  if (!s.is_ok()) return s;

  // Flow coverage: every process's counts, added up.
  std::map<std::string, uint64_t> sums;
  for (const auto& e : fs::directory_iterator(flows, ec)) {
    std::ifstream in(e.path());
    std::string name;
    uint64_t n;
    while (in >> name >> n) {
      std::replace(name.begin(), name.end(), '_', ' ');
      sums[name] += n;
    }
  }
  if (o.target == "fuzz_orderings") {
    for (std::string name : documented_flow_points()) {
      std::string key = name;
      std::replace(key.begin(), key.end(), '_', ' ');
      out->flow_counts.emplace_back(name, sums[key]);
    }
    out->flow_counts.emplace_back("undocumented", sums["undocumented"]);
  }

  return write_reports(o, work, log, out);
}

std::string resume_command(const CampaignOptions& o) {
  // Quoted only when the shell needs it, so the usual command reads as typed.
  auto arg = [](const std::string& v) {
    bool plain = !v.empty();
    for (char c : v) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._-+=:,@%", c));
    return plain ? v : quote(v);
  };
  std::string cmd = "callbench fuzz --target " + o.target + " --time " + std::to_string(static_cast<int>(o.seconds)) +
                    " --jobs " + std::to_string(o.jobs);
  if (o.runs > 0) cmd += " --runs " + std::to_string(o.runs);
  cmd += " --seed " + std::to_string(o.seed + 1) + " --workdir " + arg(o.workdir);
  if (!o.journal.empty()) cmd += " --journal " + arg(o.journal);
  if (!o.fuzzer.empty()) cmd += " --fuzzer " + arg(o.fuzzer);
  if (o.model != "builtin") cmd += " --model " + arg(o.model);
  if (o.model_timeout != 5.0) {
    std::ostringstream t;
    t << o.model_timeout;
    cmd += " --model-timeout " + t.str();
  }
  if (o.compare) cmd += " --compare builtin";
  return cmd;
}

std::string campaign_summary(const CampaignOptions& o, const CampaignResult& r) {
  std::ostringstream s;
  s << "campaign " << o.target << ": " << static_cast<int>(r.seconds + 0.5) << " s"
    << (r.interrupted ? " (interrupted)" : "") << ", " << o.jobs << " job" << (o.jobs == 1 ? "" : "s") << ", seed "
    << o.seed << "\n";
  s << "  " << r.executions << " executions (" << r.exec_per_sec << "/s), coverage " << r.coverage << ", corpus "
    << r.corpus << "\n";
  std::size_t fresh = 0;
  for (const CampaignFinding& f : r.findings) fresh += f.is_new;
  if (r.findings.empty()) {
    s << "  findings: none\n";
  } else {
    s << "  findings: " << r.findings.size() << " (" << fresh << " new)\n";
    for (const CampaignFinding& f : r.findings) {
      s << "    " << (f.is_new ? "NEW " : "    ") << f.identity << "  x" << f.hits << " in this run, x" << f.count
        << " in all\n";
      if (!f.scn.empty()) s << "        " << f.scn << "\n";
      if (!f.replay.empty()) {
        s << "        replay: " << f.replay
          << (f.journal.empty() ? "" : f.reproduced ? "  (bit-exact)" : "  (did NOT replay bit-exactly)") << "\n";
      }
    }
  }
  if (!r.flow_counts.empty()) {
    s << "flow coverage (calls that followed each documented flow and interruption point):\n";
    for (const auto& [name, n] : r.flow_counts) {
      char line[128];
      std::snprintf(line, sizeof line, "  %-26s %12llu%s\n", name.c_str(), static_cast<unsigned long long>(n),
                    n == 0 ? "  never reached" : "");
      s << line;
    }
  }
  s << "journal: " << r.journal_path << " (findings table); JUnit: " << r.junit_path << "; report: "
    << r.junit_path.substr(0, r.junit_path.rfind('/') + 1) << "report.html\n";
  s << "seed " << o.seed << "; resume with: " << resume_command(o) << "\n";
  s << "  (the corpus in " << o.workdir << "/" << o.target << "/corpus is kept)\n";
  return s.str();
}

}  // namespace callbench
