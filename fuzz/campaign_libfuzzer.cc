// Running the fuzzing processes of a campaign: one in-process libFuzzer per job, each in
// its own process group, supervised here (started again when one ends early, stopped at
// the time limit or on an interrupt), their status lines read and added up.
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
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

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

namespace {

using Clock = std::chrono::steady_clock;

// How an instance that ended abnormally ended, from its output (libFuzzer's reports) and,
// failing that, its exit status.
enum class End { kCrash, kTimeout, kOom };

// One job: a slot that runs one in-process libFuzzer at a time, started again for the
// time left when it ends early (a crash, a timeout, an out-of-memory).
struct Job {
  int slot = 0;
  int starts = 0;            // instances started in this slot
  int early_ends = 0;        // instances in a row that ended before fuzzing began
  bool done = false;         // no more instances: its time or runs are over, or given up
  uint64_t ended_execs = 0;  // executions of its ended instances
  std::FILE* log = nullptr;  // jobs/<slot>.log: every instance's output
  // The running instance.
  ChildProcess child;
  bool running = false;
  bool eof = false;       // its pipe closed (it may not have been reaped yet)
  bool inited = false;    // it ran its corpus and began fuzzing ("INITED")
  bool reported = false;  // a libFuzzer report (crash, timeout, ...) in its output
  std::string report;     // the report's first line
  End end = End::kCrash;
  uint64_t execs = 0, cov = 0, ft = 0, corpus = 0;
  std::string artifact;   // "Test unit written to PATH"
  std::string pending;    // output after its last newline
  std::string last_line;  // its last line of output, for a message

  uint64_t executions() const { return ended_execs + (running ? execs : 0); }
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The ceiling of a positive number of seconds, at least 1.
long long whole_seconds(double seconds) {
  return std::max(1LL, static_cast<long long>(std::ceil(seconds - 1e-9)));
}

// The file in `corpus` whose bytes are those of `artifact`: libFuzzer names both by the
// SHA-1 of the bytes (crash-<sha1>, <sha1>), and a file copied in by hand is found by its
// bytes. Empty when there is none.
std::string corpus_file_of(const std::string& corpus, const std::string& artifact) {
  std::error_code ec;
  std::string name = fs::path(artifact).filename().string();
  std::size_t dash = name.find('-');
  if (dash != std::string::npos) {
    fs::path by_name = fs::path(corpus) / name.substr(dash + 1);
    if (fs::is_regular_file(by_name, ec)) return by_name.string();
  }
  auto size = fs::file_size(artifact, ec);
  if (ec) return "";
  std::ifstream a(artifact, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  for (const auto& e : fs::directory_iterator(corpus, ec)) {
    std::error_code fec;
    if (!e.is_regular_file(fec) || e.file_size(fec) != size) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string other((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (other == bytes) return e.path().string();
  }
  return "";
}

}  // namespace

// The supervisor (campaign_internal.h). Each job's instance is an ordinary in-process
// libFuzzer: the corpus directory first (it writes what it finds there, and -reload reads
// every second what the other jobs wrote), its own seed, its own stop file check.
Status run_jobs(const CampaignOptions& o, const JobsPlan& plan,
                const std::vector<std::pair<std::string, std::string>>& env, const std::string& log,
                const std::function<std::string()>& findings_count, CampaignResult* out,
                const std::function<void(const std::string&)>& progress) {
  if (InterruptHandler::interrupted() > 0) {  // before it even started: nothing to stop
    out->interrupted = true;
    return Status::ok();
  }
  std::error_code ec;
  const std::string jobs_dir = plan.work + "/jobs", stop_file = plan.work + "/stop",
                    quarantine = plan.work + "/quarantine";
  fs::remove_all(jobs_dir, ec);  // this run's logs only
  fs::create_directories(jobs_dir, ec);
  if (ec) return Status::io(jobs_dir + ": cannot create: " + ec.message());
  fs::remove(stop_file, ec);  // a killed campaign's stop file would stop this one at once
  std::ofstream log_file(log, std::ios::trunc);
  if (!log_file) return Status::io(log + ": cannot write the campaign log");
  const int n_jobs = std::max(1, o.jobs);
  // --runs in all: each job runs its share, a restarted instance what its job has left.
  const uint64_t runs_per_job = o.runs == 0 ? 0
                                            : o.runs / static_cast<uint64_t>(n_jobs) +
                                                  (o.runs % static_cast<uint64_t>(n_jobs) != 0);
  std::vector<Job> jobs(static_cast<std::size_t>(n_jobs));
  for (int i = 0; i < n_jobs; ++i) {
    Job& j = jobs[static_cast<std::size_t>(i)];
    j.slot = i;
    std::string path = jobs_dir + "/" + std::to_string(i + 1) + ".log";
    j.log = std::fopen(path.c_str(), "wb");
    if (!j.log) return Status::io(path + ": cannot write: " + std::strerror(errno));
  }
  struct CloseLogs {
    std::vector<Job>* jobs;
    ~CloseLogs() {
      for (Job& j : *jobs) {
        if (j.log) std::fclose(j.log);
        j.log = nullptr;
      }
    }
  } close_logs{&jobs};

  const auto start = Clock::now();
  const auto limit = start + std::chrono::milliseconds(static_cast<int64_t>(o.seconds * 1000));
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto note = [&](const std::string& text) {
    log_file << "[" << static_cast<long long>(elapsed()) << "s] " << text << "\n";
    log_file.flush();
    out->notes.push_back(text);
    progress(text);
  };

  // Starts job j's next instance for the time (and runs) left; false when it could not.
  auto launch = [&](Job& j) -> Status {
    double left = std::chrono::duration<double>(limit - Clock::now()).count();
    const uint64_t instance = static_cast<uint64_t>(j.slot) +
                              static_cast<uint64_t>(j.starts) * static_cast<uint64_t>(n_jobs);
    std::vector<std::string> argv = {plan.fuzzer};
    argv.insert(argv.end(), plan.flags.begin(), plan.flags.end());
    argv.push_back("-seed=" + std::to_string((o.seed + instance) % 4294967295u + 1));
    // libFuzzer's own clock is a backup (callbench killed): the stop file ends it at the
    // limit, before its -max_total_time, which it counts in whole seconds from its start.
    argv.push_back("-max_total_time=" + std::to_string(whole_seconds(left)));
    argv.push_back("-stop_file=" + stop_file);
    if (runs_per_job > 0) argv.push_back("-runs=" + std::to_string(runs_per_job - j.ended_execs));
    argv.insert(argv.end(), plan.inputs.begin(), plan.inputs.end());
    std::string command = "$";
    for (const std::string& a : argv) command += " " + quote(a);
    log_file << "[" << static_cast<long long>(elapsed()) << "s] job " << j.slot + 1 << " start "
             << j.starts + 1 << ": " << command << "\n";
    log_file.flush();
    std::fprintf(j.log, "%s\n", command.c_str());
    Status s = spawn_child(argv, env, &j.child);
    if (!s.is_ok()) return s;
    ::fcntl(j.child.output, F_SETFL, ::fcntl(j.child.output, F_GETFL) | O_NONBLOCK);
    // Room for what it prints between two reads (a tenth of a second); the default 64 KiB
    // when the system refuses.
    ::fcntl(j.child.output, F_SETPIPE_SZ, 1 << 20);
    ++j.starts;
    ++out->processes;
    j.running = true;
    j.eof = j.inited = j.reported = false;
    j.report.clear();
    j.end = End::kCrash;
    j.execs = j.cov = j.ft = j.corpus = 0;
    j.artifact.clear();
    j.pending.clear();
    j.last_line.clear();
    return Status::ok();
  };

  // One line of an instance's output: its log, its status and its reports.
  auto take_line = [&](Job& j, const std::string& line) {
    std::fputs(line.c_str(), j.log);
    if (line.empty() || line.back() != '\n') std::fputc('\n', j.log);
    if (!trim(line).empty()) j.last_line = trim(line);
    if (line.rfind("stat::number_of_executed_units:", 0) == 0) {
      long long v = field(line, "stat::number_of_executed_units");
      if (v >= 0) j.execs = std::max<uint64_t>(j.execs, static_cast<uint64_t>(v));
      return;
    }
    // libFuzzer's and the sanitizers' reports ("==PID== ERROR: libFuzzer: deadly signal",
    // "... timeout after 10 seconds", "... out-of-memory (...)", "==PID==ERROR:
    // AddressSanitizer: ..."), before the process ends.
    if (line.find("ERROR: libFuzzer: ") != std::string::npos ||
        line.find("ERROR: LeakSanitizer") != std::string::npos ||
        line.find("ERROR: AddressSanitizer") != std::string::npos) {
      if (!j.reported) {
        j.end = End::kCrash;
        j.report = trim(line);
      }
      j.reported = true;
      if (line.find("out-of-memory") != std::string::npos) j.end = End::kOom;
      if (line.find("timeout") != std::string::npos) j.end = End::kTimeout;
      return;
    }
    if (line.rfind("ALARM: working on the last Unit", 0) == 0) {
      if (!j.reported) j.report = trim(line);
      j.reported = true;
      j.end = End::kTimeout;
      return;
    }
    const std::string written = "Test unit written to ";
    if (std::size_t at = line.find(written); at != std::string::npos) {
      j.artifact = trim(line.substr(at + written.size()));
      return;
    }
    if (line.empty() || line[0] != '#') return;
    long long execs = field(line, "#"), cov = field(line, "cov"), ft = field(line, "ft"),
              corp = field(line, "corp");
    if (execs >= 0) j.execs = std::max<uint64_t>(j.execs, static_cast<uint64_t>(execs));
    if (cov >= 0) j.cov = static_cast<uint64_t>(cov);
    if (ft >= 0) j.ft = static_cast<uint64_t>(ft);
    if (corp >= 0) j.corpus = static_cast<uint64_t>(corp);
    if (line.find("INITED") != std::string::npos) j.inited = true;
  };

  // Reads what the instance wrote; false at the end of its output.
  auto drain = [&](Job& j) {
    char buf[16384];
    for (;;) {
      ssize_t n = ::read(j.child.output, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return true;  // EAGAIN: nothing more now
      if (n == 0) {
        if (!j.pending.empty()) take_line(j, j.pending);
        j.pending.clear();
        return false;
      }
      j.pending.append(buf, static_cast<std::size_t>(n));
      std::size_t from = 0, nl;
      while ((nl = j.pending.find('\n', from)) != std::string::npos) {
        take_line(j, j.pending.substr(from, nl + 1 - from));
        from = nl + 1;
      }
      j.pending.erase(0, from);
      if (j.pending.size() > (1u << 16)) {  // a line without end: log it in parts
        take_line(j, j.pending);
        j.pending.clear();
      }
    }
  };

  enum class Stop { kNone, kStopFile, kTerminate, kKill } stop = Stop::kNone;
  auto stop_at = Clock::time_point::max();

  // An instance has ended: count it, and start the job again for the time left when it
  // ended early, unless that is a crash loop.
  auto ended = [&](Job& j, int status) {
    if (j.child.output >= 0) drain(j);
    signal_child(j.child, SIGKILL);  // what it started and left behind (a model process)
    close_child(&j.child);
    std::fflush(j.log);
    j.running = false;
    j.ended_execs += j.execs;
    out->libfuzzer_exit = status;
    const bool clean = status == 0 && !j.reported;
    if (clean || stop != Stop::kNone) {
      j.done = true;  // its -runs, its time, or the stop: libFuzzer ends 0 only then
      return;
    }
    const char* what = "crash";
    if (j.end == End::kTimeout || status == 70) {
      ++out->timeouts;
      what = "timeout";
    } else if (j.end == End::kOom || status == 71) {
      ++out->ooms;
      what = "out-of-memory";
    } else {
      ++out->crashes;
    }
    std::string where = j.artifact.empty() ? "" : " (" + j.artifact + ")";
    std::string job = "job " + std::to_string(j.slot + 1);
    j.early_ends = j.inited ? 0 : j.early_ends + 1;
    if (!j.inited) {
      // It ended while running the corpus: an input there ends it at every start. One in
      // the campaign's own corpus is moved aside; after three such ends the job stops.
      std::string culprit = j.artifact.empty() ? "" : corpus_file_of(plan.inputs[0], j.artifact);
      if (!culprit.empty()) {
        fs::create_directories(quarantine, ec);
        std::string to = quarantine + "/" + fs::path(culprit).filename().string();
        fs::rename(culprit, to, ec);
        if (!ec) {
          note(job + ": the corpus input " + culprit + " ends the target at start (" + what +
               "); moved to " + to);
          // That end is accounted for: the next start runs a corpus without it. (Each such
          // move takes one input out of a finite corpus, so this cannot loop for ever.)
          j.early_ends = 0;
        }
      }
      if (j.early_ends >= 3) {
        std::string last = j.report.empty() ? j.last_line : j.report;
        note(job + " given up: the target ended " + std::to_string(j.early_ends) +
             " times in a row before fuzzing began (last: " + what + where + ", exit status " +
             std::to_string(status) + (last.empty() ? "" : ", \"" + last + "\"") + "); see " +
             jobs_dir + "/" + std::to_string(j.slot + 1) + ".log");
        j.done = true;
        return;
      }
    }
    if (runs_per_job > 0 && j.ended_execs >= runs_per_job) {
      j.done = true;
      return;
    }
    double left = std::chrono::duration<double>(limit - Clock::now()).count();
    if (left < 1) {
      j.done = true;
      return;
    }
    log_file << "[" << static_cast<long long>(elapsed()) << "s] " << job << " ended early (" << what
             << ")" << where << ", exit status " << status << "; started again for the "
             << whole_seconds(left) << " s left\n";
    Status s = launch(j);
    if (!s.is_ok()) {
      note(job + " could not start again: " + s.message());
      j.done = true;
    }
  };

  for (Job& j : jobs) {
    Status s = launch(j);
    if (!s.is_ok()) {
      for (Job& k : jobs) {
        if (k.running) {
          signal_child(k.child, SIGKILL);
          int ignored;
          while (!child_ended(&k.child, &ignored)) ::usleep(10000);
          close_child(&k.child);
        }
      }
      return s;
    }
  }

  auto last_sample = Clock::now() - std::chrono::hours(1);
  auto last_wake = last_sample;
  auto last_progress = last_sample;
  auto totals = [&](uint64_t* execs, uint64_t* cov, uint64_t* ft, uint64_t* corp) {
    *execs = 0;
    for (const Job& j : jobs) {
      *execs += j.executions();
      // Coverage and corpus: the job that has most (they share their corpus).
      if (j.running) {
        *cov = std::max(*cov, j.cov);
        *ft = std::max(*ft, j.ft);
        *corp = std::max(*corp, j.corpus);
      }
    }
  };
  for (;;) {
    auto now = Clock::now();
    if (InterruptHandler::interrupted() > 0 && !out->interrupted) {
      out->interrupted = true;
      progress(
          "interrupted: stopping the fuzzing processes, then the summary (interrupt again to quit "
          "at once)");
    }
    bool any_running = false;
    for (const Job& j : jobs) any_running = any_running || j.running;
    if (!any_running) {
      bool all_done = true;
      for (const Job& j : jobs) all_done = all_done && j.done;
      if (all_done) break;
    }
    if (stop == Stop::kNone && (now >= limit || out->interrupted)) {
      // libFuzzer's stop file: each instance looks once a second, ends its loop, prints
      // its final stats and exits normally (its counts written at exit).
      std::ofstream(stop_file) << "stop\n";
      stop = Stop::kStopFile;
      stop_at = now + std::chrono::seconds(2);
    } else if (stop == Stop::kStopFile && now >= stop_at) {
      // Still loading its corpus, or stuck in one input: SIGTERM (libFuzzer prints its
      // final stats and exits at once), then SIGKILL.
      for (Job& j : jobs)
        if (j.running) signal_child(j.child, SIGTERM);
      stop = Stop::kTerminate;
      stop_at = now + std::chrono::seconds(2);
    } else if (stop == Stop::kTerminate && now >= stop_at) {
      for (Job& j : jobs)
        if (j.running) signal_child(j.child, SIGKILL);
      stop = Stop::kKill;
      stop_at = now + std::chrono::seconds(2);
    } else if (stop == Stop::kKill && now >= stop_at) {
      // A process that outlives SIGKILL (uninterruptible sleep): stop waiting for it.
      for (Job& j : jobs) {
        if (!j.running) continue;
        close_child(&j.child);
        j.running = false;
        j.ended_execs += j.execs;
        j.done = true;
      }
      break;
    }
    std::vector<pollfd> fds;
    std::vector<Job*> polled;
    for (Job& j : jobs) {
      if (!j.running || j.eof) continue;
      fds.push_back(pollfd{j.child.output, POLLIN, 0});
      polled.push_back(&j);
    }
    // At most ten wakes a second: the processes print a line per new or reduced input
    // (hundreds a second), and waking for each would take CPU from them on a machine
    // with as many cores as jobs. The pipes hold what comes meanwhile.
    auto wake = Clock::now();
    if (wake - last_wake < std::chrono::milliseconds(100)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100) - (wake - last_wake));
    }
    last_wake = Clock::now();
    int ready = fds.empty() ? 0 : ::poll(fds.data(), fds.size(), 100);
    if (fds.empty()) ::usleep(50000);
    if (ready > 0) {
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        if (!drain(*polled[i])) polled[i]->eof = true;
      }
    }
    for (Job& j : jobs) {
      int status = 0;
      if (j.running && child_ended(&j.child, &status)) ended(j, status);
    }
    now = Clock::now();
    uint64_t execs = 0, cov = 0, ft = 0, corp = 0;
    totals(&execs, &cov, &ft, &corp);
    out->executions = execs;
    out->coverage = std::max(out->coverage, cov);
    out->corpus = std::max(out->corpus, corp);
    double secs = elapsed();
    if (secs > 0) out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(execs) / secs);
    if (now - last_sample >= std::chrono::seconds(1)) {
      // The campaign's own status line: the report's progress samples (fuzz/report.h).
      last_sample = now;
      int running = 0;
      for (const Job& j : jobs) running += j.running;
      log_file << "#" << execs << ": cov: " << out->coverage << " ft: " << ft
               << " corp: " << out->corpus << " exec/s: " << out->exec_per_sec
               << " oom/timeout/crash: " << out->ooms << "/" << out->timeouts << "/" << out->crashes
               << " time: " << static_cast<long long>(secs) << "s jobs: " << running << "/"
               << n_jobs << " processes: " << out->processes << "\n";
      log_file.flush();
    }
    if (now - last_progress >= std::chrono::milliseconds(250)) {
      last_progress = now;
      uint64_t restarts = out->crashes + out->timeouts + out->ooms;
      char status[320];
      std::snprintf(status, sizeof status,
                    "[%s] %3.0fs  execs %llu  exec/s %llu  cov %llu  corpus %llu  findings %s%s",
                    o.target.c_str(), secs, static_cast<unsigned long long>(execs),
                    static_cast<unsigned long long>(out->exec_per_sec),
                    static_cast<unsigned long long>(out->coverage),
                    static_cast<unsigned long long>(out->corpus), findings_count().c_str(),
                    restarts ? ("  restarts " + std::to_string(restarts)).c_str() : "");
      progress(status);
    }
  }
  fs::remove(stop_file, ec);
  out->seconds = elapsed();
  uint64_t execs = 0, cov = 0, ft = 0, corp = 0;
  totals(&execs, &cov, &ft, &corp);
  out->executions = execs;
  if (out->seconds > 0)
    out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / out->seconds);
  char done[256];
  std::snprintf(done, sizeof done,
                "DONE: %llu executions in %.3f s, %d job%s, %llu processes, oom/timeout/crash: "
                "%llu/%llu/%llu\n",
                static_cast<unsigned long long>(out->executions), out->seconds, n_jobs,
                n_jobs == 1 ? "" : "s", static_cast<unsigned long long>(out->processes),
                static_cast<unsigned long long>(out->ooms),
                static_cast<unsigned long long>(out->timeouts),
                static_cast<unsigned long long>(out->crashes));
  log_file << done;
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
