// What a campaign reports: JUnit XML, the HTML report, the summary and the command that
// resumes it.
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
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Status write_junit(const CampaignOptions& o, const CampaignResult& r, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> cases;  // name, description
  const FuzzTarget* target = find_fuzz_target(o.target);
  if (target && target->programs) {
    for (const Rule& rule : oracle_rules()) cases.emplace_back(rule.name, rule.description);
  }
  cases.emplace_back("no-crash",
                     "arbitrary input is answered with an error, never a crash, hang or leak");
  std::size_t failures = 0;
  std::string body;
  for (const auto& [name, description] : cases) {
    body += "    <testcase classname=\"callbench." + o.target + "\" name=\"" + xml(name) +
            "\" time=\"0\">\n";
    std::string found;
    for (const CampaignFinding& f : r.findings) {
      if (f.rule != name) continue;
      found += f.identity + " (" + std::to_string(f.count) + "x" + (f.is_new ? ", new" : "") +
               "): " + f.scn + (f.replay.empty() ? "" : "; " + f.replay) + "\n";
    }
    if (!found.empty()) {
      ++failures;
      body += "      <failure message=\"" + xml(description) + "\">" + xml(found) + "</failure>\n";
    }
    body += "    </testcase>\n";
  }
  std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite "
      "name=\"callbench.fuzz." +
      o.target + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
      std::to_string(failures) + "\" errors=\"0\" time=\"" + std::to_string(r.seconds) + "\">\n" +
      body + "  </testsuite>\n</testsuites>\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Status::io(path + ": cannot write the JUnit report");
  return Status::ok();
}

// Every report written from a campaign's result, in one place, called last in the end
// work (also after an interrupt), once the findings are imported and the flow coverage
// added up: JUnit now. Another report writer (an HTML campaign report, ...) goes here.
Status write_reports(const CampaignOptions& o, const std::string& work, const std::string& log,
                     CampaignResult* out) {
  out->junit_path = work + "/junit.xml";
  Status s = write_junit(o, *out, out->junit_path);
  if (!s.is_ok()) return s;
  return write_campaign_report(o, *out, log, work + "/report.html");
}

std::string resume_command(const CampaignOptions& o) {
  // Quoted only when the shell needs it, so the usual command reads as typed.
  auto arg = [](const std::string& v) {
    bool plain = !v.empty();
    for (char c : v)
      plain =
          plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._-+=:,@%", c));
    return plain ? v : quote(v);
  };
  std::string cmd = "callbench fuzz --target " + o.target + " --time " +
                    std::to_string(static_cast<int>(o.seconds)) + " --jobs " +
                    std::to_string(o.jobs);
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
    << (r.interrupted ? " (interrupted)" : "") << ", " << o.jobs << " job"
    << (o.jobs == 1 ? "" : "s") << ", seed " << o.seed << "\n";
  s << "  " << r.executions << " executions (" << r.exec_per_sec << "/s), coverage " << r.coverage
    << ", corpus " << r.corpus << "\n";
  const uint64_t early = r.crashes + r.timeouts + r.ooms;
  s << "  processes: " << r.processes << " started";
  if (early == 0) {
    s << ", none ended early\n";
  } else {
    const uint64_t again = r.processes > static_cast<uint64_t>(o.jobs)
                               ? r.processes - static_cast<uint64_t>(o.jobs)
                               : 0;
    s << ", " << early << " ended early (crash " << r.crashes << ", timeout " << r.timeouts
      << ", out of memory " << r.ooms << "), " << again << " started again for the time left\n";
  }
  for (const std::string& n : r.notes) s << "  " << n << "\n";
  std::size_t fresh = 0;
  for (const CampaignFinding& f : r.findings) fresh += f.is_new;
  if (r.findings.empty()) {
    s << "  findings: none\n";
  } else {
    s << "  findings: " << r.findings.size() << " (" << fresh << " new)\n";
    for (const CampaignFinding& f : r.findings) {
      s << "    " << (f.is_new ? "NEW " : "    ") << f.identity << "  x" << f.hits
        << " in this run, x" << f.count << " in all\n";
      if (!f.scn.empty()) s << "        " << f.scn << "\n";
      if (!f.replay.empty()) {
        s << "        replay: " << f.replay
          << (f.journal.empty() ? ""
              : f.reproduced    ? "  (bit-exact)"
                                : "  (did NOT replay bit-exactly)")
          << "\n";
      }
    }
  }
  if (!r.flow_counts.empty()) {
    s << "flow coverage (calls that followed each documented flow and interruption point):\n";
    for (const auto& [name, n] : r.flow_counts) {
      char line[128];
      std::snprintf(line, sizeof line, "  %-26s %12llu%s\n", name.c_str(),
                    static_cast<unsigned long long>(n), n == 0 ? "  never reached" : "");
      s << line;
    }
  }
  s << "journal: " << r.journal_path << " (findings table); JUnit: " << r.junit_path
    << "; report: " << r.junit_path.substr(0, r.junit_path.rfind('/') + 1) << "report.html\n";
  s << "seed " << o.seed << "; resume with: " << resume_command(o) << "\n";
  s << "  (the corpus in " << o.workdir << "/" << o.target << "/corpus is kept)\n";
  return s.str();
}

}  // namespace callbench
