#include "fuzz/campaign.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/oracle.h"
#include "fuzz/finding.h"
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

// The findings of fuzz_orderings: one .seen counter per identity, its report beside it.
void collect_oracle_findings(const std::string& dir, const std::string& target, std::vector<CampaignFinding>* out) {
  std::error_code ec;
  std::vector<fs::path> seen;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".seen") seen.push_back(e.path());
  }
  std::sort(seen.begin(), seen.end());
  for (const fs::path& p : seen) {
    CampaignFinding f;
    std::ifstream in(p);
    long long t, first = -1, last = -1;
    while (in >> t) {
      ++f.count;
      first = first < 0 ? t : std::min(first, t);
      last = std::max(last, t);
    }
    f.first_seen = first < 0 ? utc_now() : utc(first);
    std::string slug = p.stem().string();
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind(slug + "-", 0) == 0 && e.path().extension() == ".scn") f.scn = e.path().string();
    }
    if (!f.scn.empty()) {
      f.journal = f.scn.substr(0, f.scn.size() - 4) + ".db";
      std::ifstream scn(f.scn);
      std::string line;
      while (std::getline(scn, line) && line.rfind("#", 0) == 0) {
        if (line.rfind("# callbench finding ", 0) == 0) f.identity = line.substr(20);
        if (line.find("replayed from its journal: bit-exact") != std::string::npos) f.reproduced = true;
      }
      f.replay = "callbench replay " + f.journal;
    }
    if (f.identity.empty()) f.identity = slug;
    f.rule = f.identity.substr(0, f.identity.find('/'));
    (void)target;
    out->push_back(std::move(f));
  }
}

// The crashes of the other targets: each libFuzzer artifact is one finding.
void collect_crashes(const std::string& dir, const std::string& target, std::vector<CampaignFinding>* out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("crash-", 0) != 0 && name.rfind("leak-", 0) != 0 && name.rfind("timeout-", 0) != 0) continue;
    CampaignFinding f;
    f.identity = "crash/" + target + "/" + name;
    f.rule = "no-crash";
    f.count = 1;
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
    uint64_t count = f.count;
    if (!f.is_new) {
      count = std::max<uint64_t>(count, static_cast<uint64_t>(lookup->col_int(0)));
      f.session_id = lookup->col_null(1) ? 0 : lookup->col_int(1);
    }
    lookup = Journal::Statement();
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
  } else {
    cases.emplace_back("no-crash", "arbitrary input is answered with an error, never a crash, hang or leak");
  }
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

Status run_campaign(const CampaignOptions& o, CampaignResult* out,
                    const std::function<void(const std::string&)>& progress) {
  *out = CampaignResult{};
  if (std::find(std::begin(kFuzzTargets), std::end(kFuzzTargets), o.target) == std::end(kFuzzTargets)) {
    return Status::invalid("--target: expected fuzz_orderings, fuzz_scenario_parser or fuzz_journal_reader, found '" +
                           o.target + "'");
  }
  const std::string work = o.workdir + "/" + o.target;
  const std::string corpus = work + "/corpus", seeds = work + "/seeds", findings = work + "/findings",
                    artifacts = work + "/artifacts", flows = work + "/flows";
  std::error_code ec;
  for (const std::string& d : {corpus, seeds, findings, artifacts, flows}) {
    fs::create_directories(d, ec);
    if (ec) return Status::io(d + ": cannot create: " + ec.message());
  }
  for (const auto& e : fs::directory_iterator(flows, ec)) fs::remove(e.path(), ec);  // this run's counts only

  std::string fuzzer;
  Status s = locate_fuzzer(o, work, &fuzzer, progress);
  if (!s.is_ok()) return s;

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

  std::string command = quote(fuzzer) + " -fork=" + std::to_string(std::max(1, o.jobs)) +
                        " -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048" +
                        " -max_total_time=" + std::to_string(std::max(1, static_cast<int>(o.seconds))) +
                        " -seed=" + std::to_string(o.seed % 4294967295u + 1) + " -print_final_stats=1" +
                        " -artifact_prefix=" + quote(artifacts + "/");
  if (!dict.empty()) command += " -dict=" + quote(dict);
  for (const std::string& in : inputs) command += " " + quote(in);
  ::setenv("CALLBENCH_FINDINGS_DIR", findings.c_str(), 1);
  ::setenv("CALLBENCH_FLOW_COUNTS_DIR", flows.c_str(), 1);
  std::string log = work + "/libfuzzer.log";
  std::ofstream log_file(log, std::ios::trunc);
  log_file << "$ " << command << "\n";

  auto start = std::chrono::steady_clock::now();
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return Status::io("cannot start " + fuzzer);
  char buf[4096];
  auto count_findings = [&] {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(o.target == "fuzz_orderings" ? findings : artifacts, ec)) {
      std::string name = e.path().filename().string();
      n += o.target == "fuzz_orderings" ? e.path().extension() == ".seen" : name.rfind("crash-", 0) == 0;
    }
    return n;
  };
  while (std::fgets(buf, sizeof buf, pipe)) {
    std::string line(buf);
    log_file << line;
    if (line.empty() || line[0] != '#') continue;
    // (libFuzzer's exec/s in fork mode is one job's; the campaign's is counted here.)
    long long execs = field(line, "#"), cov = field(line, "cov"), corp = field(line, "corp");
    if (execs >= 0) out->executions = static_cast<uint64_t>(execs);
    if (cov >= 0) out->coverage = static_cast<uint64_t>(cov);
    if (corp >= 0) out->corpus = static_cast<uint64_t>(corp);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > 0) out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / elapsed);
    char status[256];
    std::snprintf(status, sizeof status, "[%s] %3.0fs  execs %llu  exec/s %llu  cov %llu  corpus %llu  findings %zu",
                  o.target.c_str(), elapsed, static_cast<unsigned long long>(out->executions),
                  static_cast<unsigned long long>(out->exec_per_sec), static_cast<unsigned long long>(out->coverage),
                  static_cast<unsigned long long>(out->corpus), count_findings());
    progress(status);
  }
  int rc = ::pclose(pipe);
  out->libfuzzer_exit = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
  out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (out->seconds > 0) out->exec_per_sec = static_cast<uint64_t>(static_cast<double>(out->executions) / out->seconds);

  if (o.target == "fuzz_orderings") {
    collect_oracle_findings(findings, o.target, &out->findings);
  } else {
    collect_crashes(artifacts, o.target, &out->findings);
  }
  out->journal_path = o.journal.empty() ? o.workdir + "/campaign.db" : o.journal;
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
  out->junit_path = work + "/junit.xml";
  s = write_junit(o, *out, out->junit_path);
  if (!s.is_ok()) return s;
  log_file.close();
  return write_campaign_report(o, *out, log, work + "/report.html");
}

std::string campaign_summary(const CampaignOptions& o, const CampaignResult& r) {
  std::ostringstream s;
  s << "campaign " << o.target << ": " << static_cast<int>(r.seconds + 0.5) << " s, " << o.jobs << " job"
    << (o.jobs == 1 ? "" : "s") << ", seed " << o.seed << "\n";
  s << "  " << r.executions << " executions (" << r.exec_per_sec << "/s), coverage " << r.coverage << ", corpus "
    << r.corpus << "\n";
  std::size_t fresh = 0;
  for (const CampaignFinding& f : r.findings) fresh += f.is_new;
  if (r.findings.empty()) {
    s << "  findings: none\n";
  } else {
    s << "  findings: " << r.findings.size() << " (" << fresh << " new)\n";
    for (const CampaignFinding& f : r.findings) {
      s << "    " << (f.is_new ? "NEW " : "    ") << f.identity << "  x" << f.count << "\n";
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
  s << "seed " << o.seed << "; resume with: callbench fuzz --target " << o.target << " --time "
    << static_cast<int>(o.seconds) << " --jobs " << o.jobs << " --seed " << (o.seed + 1)
    << " --workdir " << o.workdir << " (the corpus in " << o.workdir << "/" << o.target << "/corpus is kept)\n";
  return s.str();
}

}  // namespace callbench
