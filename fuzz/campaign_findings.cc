// The findings store: what the targets left in the findings directory, read, counted
// and imported into the campaign journal's findings table.
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

}  // namespace

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
      f.first_seen =
          utc(std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count());
    }
    std::string scn = dir + "/" + key + ".scn";
    std::ifstream in(scn);
    std::string line;
    while (in && std::getline(in, line) && line.rfind("#", 0) == 0) {
      if (line.rfind("# callbench finding ", 0) == 0) f.identity = line.substr(20);
      if (line.find("replayed from its journal: bit-exact") != std::string::npos)
        f.reproduced = true;
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

// Crashes (and leaks, timeouts and out-of-memory ends): each libFuzzer artifact is one
// finding, hit in this run when it was written after `since`.
void collect_crashes(const std::string& dir, const std::string& target, fs::file_time_type since,
                     std::vector<CampaignFinding>* out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("crash-", 0) != 0 && name.rfind("leak-", 0) != 0 &&
        name.rfind("timeout-", 0) != 0 && name.rfind("oom-", 0) != 0)
      continue;
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

Status import_findings(const CampaignOptions& o, const std::string& journal_path,
                       std::vector<CampaignFinding>* findings) {
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
      if (r.is_ok())
        r = record_session(j.get(), ls.session, "finding " + f.identity, utc_now(), {}, &rec);
      if (r.is_ok()) f.session_id = rec.session_id;
    }
    Journal::Statement upsert;
    s = j->prepare(
        "INSERT INTO findings (identity, rule, target, first_seen, last_seen, count, session_id, "
        "scn, journal, "
        "reproduced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (identity) DO "
        "UPDATE SET "
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
    if (f.session_id)
      upsert->bind_int(7, f.session_id);
    else
      upsert->bind_null(7);
    upsert->bind_text(8, f.scn);
    upsert->bind_text(9, f.journal);
    upsert->bind_int(10, f.reproduced ? 1 : 0);
    s = upsert->run(journal_path + ": recording finding " + f.identity);
    if (!s.is_ok()) return s;
    f.count = count;
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

}  // namespace callbench
