// Running libFuzzer: the process group, its time limit and interrupts, and reading its
// status lines (executions, coverage, corpus).
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
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/oracle.h"
#include "fuzz/campaign.h"
#include "fuzz/campaign_internal.h"
#include "fuzz/finding.h"
#include "fuzz/process.h"
#include "fuzz/report.h"
#include "fuzz/seeds.h"
#include "replay/record.h"
#include "storage/journal.h"

namespace callbench {
namespace fs = std::filesystem;
namespace {

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

}  // namespace

// The environment every process of a campaign gets, and the one a reproduction gets.
std::vector<std::pair<std::string, std::string>> campaign_env(const std::string& findings,
                                                              const std::string& flows) {
  return {{"CALLBENCH_KEEP_GOING", "1"},
          {"CALLBENCH_FINDINGS_DIR", findings},
          {"CALLBENCH_FLOW_COUNTS_DIR", flows}};
}

// Runs libFuzzer and follows its output until it ends. The time limit holds: libFuzzer
// gets -max_total_time, but in fork mode it only looks at the clock when a job ends
// and then waits for the running jobs, so at the limit the campaign writes libFuzzer's
// own stop file (jobs then end within a second, normally: their corpus is merged and
// their counts written), terminates the group (SIGTERM) 2 s later and kills it 2 s
// after that. A first interrupt of callbench starts the same sequence at once.
Status run_libfuzzer(const CampaignOptions& o, const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env,
                     const std::string& log, const std::function<std::string()>& findings_count,
                     CampaignResult* out, const std::function<void(const std::string&)>& progress) {
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
      progress(
          "interrupted: stopping the fuzzing processes, then the summary (interrupt again to quit "
          "at once)");
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
      if (std::size_t at = line.find(marker);
          at != std::string::npos && line.find("-fork=") != std::string::npos) {
        fork_dir = line.substr(at + marker.size());
        while (!fork_dir.empty() && (fork_dir.back() == '\n' || fork_dir.back() == '\r'))
          fork_dir.pop_back();
        if (fork_dir.find("libFuzzerTemp.FuzzWithFork") == std::string::npos) fork_dir.clear();
      }
      if (line.empty() || line[0] != '#') continue;
      // (libFuzzer's exec/s in fork mode is one job's; the campaign's is counted here.)
      long long execs = field(line, "#"), cov = field(line, "cov"), corp = field(line, "corp");
      if (execs >= 0) out->executions = static_cast<uint64_t>(execs);
      if (cov >= 0) out->coverage = static_cast<uint64_t>(cov);
      if (corp >= 0) out->corpus = static_cast<uint64_t>(corp);
      double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      if (elapsed > 0)
        out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / elapsed);
      char status[256];
      std::snprintf(status, sizeof status,
                    "[%s] %3.0fs  execs %llu  exec/s %llu  cov %llu  corpus %llu  findings %s",
                    o.target.c_str(), elapsed, static_cast<unsigned long long>(out->executions),
                    static_cast<unsigned long long>(out->exec_per_sec),
                    static_cast<unsigned long long>(out->coverage),
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
  if (out->seconds > 0)
    out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / out->seconds);
  return Status::ok();
}

// Has the target write the bug report of every finding that has none yet: the target
// binary run on the finding's first input, reproducing (fuzz/finding.h): it minimizes,
// records, replays and writes <key>.scn and <key>.db, then aborts. Its output goes to
// `log`. Runs after the fuzzing has stopped, also after an interrupt.
void report_findings(const std::string& fuzzer, const std::string& findings,
                     const std::string& work, const std::string& log,
                     const std::function<void(const std::string&)>& progress) {
  std::string scratch = work + "/reproduce";
  std::error_code ec;
  for (const std::string& key : sorted_keys(findings, ".input")) {
    if (fs::exists(findings + "/" + key + ".scn", ec)) continue;
    progress("writing the bug report of " + key);
    fs::create_directories(scratch, ec);
    run_child({fuzzer, "-runs=1", "-timeout=300", "-artifact_prefix=" + scratch + "/",
               findings + "/" + key + ".input"},
              {{"CALLBENCH_KEEP_GOING", ""},
               {"CALLBENCH_FINDINGS_DIR", findings},
               {"CALLBENCH_FLOW_COUNTS_DIR", ""}},
              log);
  }
  fs::remove_all(scratch, ec);
}

}  // namespace callbench
