// A fuzzing campaign (fuzz/campaign.h): arguments checked, the work directory locked,
// the fuzzing processes run (campaign_libfuzzer.cc), findings imported (campaign_findings.cc) and
// reports written (campaign_reports.cc). The targets are in campaign_targets.cc.
#include "fuzz/campaign.h"

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
#include "fuzz/campaign_internal.h"
#include "fuzz/finding.h"
#include "fuzz/process.h"
#include "fuzz/report.h"
#include "fuzz/seeds.h"
#include "models/model_spec.h"
#include "replay/record.h"
#include "storage/journal.h"

namespace callbench {
namespace fs = std::filesystem;
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

}  // namespace

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs a shell command with its output appended to `log`; its exit status.
int run_logged(const std::string& command, const std::string& log) {
  int rc = std::system((command + " >>" + quote(log) + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
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

bool CampaignResult::any_new() const {
  for (const CampaignFinding& f : findings) {
    if (f.is_new) return true;
  }
  return false;
}

Status run_campaign(const CampaignOptions& o, CampaignResult* out,
                    const std::function<void(const std::string&)>& progress) {
  *out = CampaignResult{};
  InterruptHandler interrupts;
  // Every argument is checked before anything runs.
  const FuzzTarget* target = find_fuzz_target(o.target);
  if (!target)
    return Status::invalid("--target: expected " + fuzz_target_names() + ", found '" + o.target +
                           "'");
  if ((o.model != "builtin" || o.compare) && o.target != "fuzz_orderings") {
    return Status::invalid("--model and --compare apply to --target fuzz_orderings only");
  }
  if (o.compare && o.model == "builtin") {
    return Status::invalid(
        "--compare builtin: the model under test is the builtin engine already (give --model)");
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
  const std::string corpus = work + "/corpus", seeds = work + "/seeds",
                    findings = work + "/findings", artifacts = work + "/artifacts",
                    flows = work + "/flows", hits = findings + "/hits";
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
  if (target->programs) {
    std::size_t n = 0;
    s = write_seed_corpus(o.source_dir + "/corpus/flows", seeds, &n);
    if (!s.is_ok()) return s;
    inputs.push_back(seeds);
  }
  for (const char* dir : target->inputs) {
    if (dir) inputs.push_back(o.source_dir + "/" + dir);
  }
  if (target->dict) dict = o.source_dir + "/" + target->dict;

  JobsPlan plan;
  plan.fuzzer = fuzzer;
  plan.work = work;
  plan.flags = {"-reload=1", "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1",
                "-artifact_prefix=" + artifacts + "/"};
  if (!dict.empty()) plan.flags.push_back("-dict=" + dict);
  plan.inputs = inputs;
  const fs::file_time_type started = fs::file_time_type::clock::now();
  auto findings_count = [&] {
    std::size_t inputs_n = sorted_keys(findings, ".input").size(), crashes = 0;
    for (const auto& e : fs::directory_iterator(artifacts, ec)) {
      crashes += e.path().filename().string().rfind("crash-", 0) == 0;
    }
    return std::to_string(inputs_n + crashes);
  };
  const std::string log = work + "/libfuzzer.log";
  s = run_jobs(o, plan, campaign_env(findings, flows), log, findings_count, out, progress);
  if (!s.is_ok()) return s;

  // ---- The end work, also after an interrupt (a second one exits at once). ----------
  if (target->programs) {
    report_findings(fuzzer, findings, work, work + "/reports.log", progress);
    collect_oracle_findings(findings, sorted_keys(findings, ".input"), read_hits(hits),
                            &out->findings);
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
  if (target->programs) {
    for (std::string name : documented_flow_points()) {
      std::string key = name;
      std::replace(key.begin(), key.end(), '_', ' ');
      out->flow_counts.emplace_back(name, sums[key]);
    }
    out->flow_counts.emplace_back("undocumented", sums["undocumented"]);
  }

  return write_reports(o, work, log, out);
}

}  // namespace callbench
