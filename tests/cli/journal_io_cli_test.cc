// Journals as the real binary reads and writes them under stress: every reader
// verifies the same way, readers work where they cannot write and leave nothing
// behind, creation is atomic and safe when several processes create at once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/journal_util.h"

namespace callbench {
namespace {

namespace fs = std::filesystem;
using testing::callbench;
using testing::run_command;
using testing::source_path;
using testing::temp_journal;

using testing::edit;
using testing::flow;
using testing::recorded;

// A fresh empty directory for this test.
std::string temp_dir(const std::string& tag) {
  std::string d = temp_journal(tag) + ".d";
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Starts callbench with `args`, stdout and stderr to files beside `log`.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open((log + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((log + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    std::string bin = callbench();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// ---- one verification path ---------------------------------------------------------

TEST(JournalIoCliTest, EveryReaderRefusesAnEditedColumnNamingSessionSeqAndColumn) {
  std::string j = recorded("j");
  edit(j, "UPDATE events SET this_dn = '9999' WHERE session_id = 2 AND seq = 2");
  std::string out = temp_journal("bug");
  for (const std::string& cmd :
       std::vector<std::string>{" replay " + j, " check " + j, " show " + j + " --session 2",
                                " export " + j + " --session 2 --out " + out}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("session 2 event 2: column this_dn differs from the payload"),
              std::string::npos)
        << cmd << ": " << r.err;
    EXPECT_EQ(r.out.find("session 2 'park': 2 requests"), std::string::npos)
        << cmd << ": " << r.out;
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(JournalIoCliTest, ExportRefusesAChangedDigestAndOrphanRowsFailEveryReader) {
  std::string j = recorded("j");
  edit(j, "UPDATE sessions SET digest = '0123456789abcdef' WHERE session_id = 1");
  std::string out = temp_journal("bug");
  auto e = run_command(callbench() + " export " + j + " --session 1 --out " + out);
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_NE(e.err.find("session 1: its events hash to digest"), std::string::npos) << e.err;
  EXPECT_FALSE(fs::exists(out));

  std::string o = recorded("orphans", flow("acd"));
  edit(o,
       "INSERT INTO events SELECT 5, seq, request_seq, payload, event, call, conn_id, this_dn, "
       "this_dn_role, "
       "other_dn, other_dn_role, third_party_dn, third_party_dn_role, this_queue, "
       "third_party_queue, "
       "call_state, reference_id, error_code FROM events WHERE session_id = 1");
  for (const std::string& cmd :
       std::vector<std::string>{" replay " + o, " check " + o, " show " + o + " --session 1",
                                " export " + o + " --session 1 --out " + out}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("events row session 5 seq 1 belongs to no session"), std::string::npos)
        << cmd << r.err;
  }
}

// `replay` of every session finds orphan rows as its scan reads them (ReplayScan::covers),
// not by a check before the first session: wherever they sort (before the first session,
// between two, among them as a REAL key, after the last, as TEXT after every number), in
// either table, the replay exits 2 naming the row.
TEST(JournalIoCliTest, ReplayOfEverySessionFindsOrphanRowsWhereverTheySort) {
  const std::string flows =
      flow("hold") + flow("routing_2") + flow("multi_acd") + flow("outbound_1") + flow("park_busy");
  std::string clean = recorded("orphan_clean", flows);
  auto ok = run_command(callbench() + " replay " + clean);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("session 5 'park_busy'"), std::string::npos) << ok.out;

  const std::string event_columns =
      "seq, request_seq, payload, event, call, conn_id, this_dn, this_dn_role, other_dn, "
      "other_dn_role, third_party_dn, third_party_dn_role, this_queue, third_party_queue, "
      "call_state, reference_id, error_code";
  const std::string request_columns =
      "seq, payload, request, tlib, call, conn_id, this_dn, other_dn, reference_id, call_state, "
      "ignored";
  struct Case {
    const char* name;
    std::string sql;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"a session row deleted (its rows between two sessions)",
       "DELETE FROM sessions WHERE session_id = 3", "row session 3 seq 1 belongs to no session"},
      {"an event row before the first session",
       "INSERT INTO events SELECT 0, " + event_columns + " FROM events WHERE session_id = 2",
       "events row session 0 seq 1 belongs to no session"},
      {"a request row with a REAL key between two sessions",
       "INSERT INTO requests SELECT 2.5, " + request_columns +
           " FROM requests WHERE session_id = 4",
       "requests row with session_id 2.5 (REAL) seq 1 belongs to no session"},
      {"an event row after the last session",
       "INSERT INTO events SELECT 99, " + event_columns + " FROM events WHERE session_id = 4",
       "events row session 99 seq 1 belongs to no session"},
      {"a request row with a TEXT key",
       "INSERT INTO requests SELECT 'x', " + request_columns +
           " FROM requests WHERE session_id = 1",
       "requests row with session_id 'x' (TEXT) seq 1 belongs to no session"},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string j = recorded("orphan_" + std::to_string(n++), flows);
    edit(j, c.sql);
    auto r = run_command(callbench() + " replay " + j);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.name << ": " << r.err;
  }
}

// A column that is not decoded from a payload holds exactly its storage class, for every
// reader: a REAL 2.5, a TEXT '2x' or a BLOB read as an integer or text would otherwise pass
// as the value it converts to, while SQL comparing or joining on it would not find it.
TEST(JournalIoCliTest, EveryReaderRefusesAColumnOfAnotherStorageClass) {
  const std::string flows = flow("routing_2") + flow("multi_acd_2") + flow("park_busy");
  struct Case {
    std::string sql;
    int session;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"UPDATE events SET request_seq = request_seq + 0.5 WHERE session_id = 2 AND seq = 2", 2,
       "session 2 event 2: column request_seq holds REAL, not INTEGER"},
      // A TEXT or BLOB seq sorts after every number: the seq it held is missing.
      {"UPDATE events SET seq = CAST(seq AS TEXT) || 'x' WHERE session_id = 3 AND seq = 3", 3,
       "session 3: event seq 3 is missing (next is 4)"},
      {"UPDATE events SET seq = seq + 0.5 WHERE session_id = 1 AND seq = 4", 1,
       "column seq holds REAL, not INTEGER"},
      {"UPDATE requests SET seq = CAST(seq AS BLOB) WHERE session_id = 1 AND seq = 2", 1,
       "session 1: request seq 2 is missing (next is 3)"},
      {"UPDATE requests SET seq = seq + 0.25 WHERE session_id = 1 AND seq = 2", 1,
       "session 1 request 2: column seq holds REAL, not INTEGER"},
      {"UPDATE sessions SET event_count = event_count + 0.5 WHERE session_id = 2", 2,
       "session 2: column event_count holds REAL, not INTEGER"},
      {"UPDATE sessions SET request_count = request_count || 'x' WHERE session_id = 3", 3,
       "session 3: column request_count holds TEXT, not INTEGER"},
      {"UPDATE sessions SET digest = CAST(digest AS BLOB) WHERE session_id = 1", 1,
       "session 1: column digest holds BLOB, not TEXT"},
      {"UPDATE sessions SET seed = CAST(seed AS BLOB) WHERE session_id = 2", 2,
       "session 2: column seed holds BLOB, not TEXT"},
      {"UPDATE sessions SET engine_version = CAST(engine_version AS BLOB) WHERE session_id = 3", 3,
       "session 3: column engine_version holds BLOB, not TEXT"},
      {"UPDATE sessions SET header = CAST(header AS TEXT) WHERE session_id = 1", 1,
       "session 1: column header holds TEXT, not BLOB"},
      {"UPDATE events SET payload = CAST(payload AS TEXT) WHERE session_id = 2 AND seq = 1", 2,
       "session 2 event 1: column payload holds TEXT, not BLOB"},
      {"UPDATE requests SET payload = CAST(payload AS TEXT) WHERE session_id = 3 AND seq = 2", 3,
       "session 3 request 2: column payload holds TEXT, not BLOB"},
      {"UPDATE requests SET conn_id = CAST(conn_id AS BLOB) WHERE session_id = 2 AND seq = "
       "(SELECT min(seq) FROM requests WHERE session_id = 2 AND conn_id IS NOT NULL)",
       2, "column conn_id is not a ConnID"},
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string j = recorded("typed_" + std::to_string(n++), flows);
    edit(j, c.sql);
    const std::string s = " --session " + std::to_string(c.session);
    const std::string out = j + ".bug.db";
    for (const std::string& cmd : {" replay " + j, " replay " + j + s, " check " + j + s,
                                   " show " + j + s, " export " + j + s + " --out " + out}) {
      auto r = run_command(callbench() + cmd);
      EXPECT_EQ(r.exit_code, 2) << c.sql << "\n" << cmd << ": " << r.out << r.err;
      EXPECT_NE(r.err.find(c.says), std::string::npos) << c.sql << "\n" << cmd << ": " << r.err;
      EXPECT_EQ(r.out.find("session " + std::to_string(c.session) + " '"), std::string::npos)
          << c.sql << "\n"
          << cmd << ": the edited session is never called bit-exact\n"
          << r.out;
    }
    EXPECT_FALSE(fs::exists(out)) << c.sql;
  }
}

// ---- readers in read-only places ---------------------------------------------------

std::vector<std::string> sidecars(const std::string& j) {
  std::vector<std::string> found;
  for (const char* s : {"-wal", "-shm", "-journal"}) {
    if (fs::exists(j + s)) found.push_back(j + s);
  }
  return found;
}

TEST(JournalIoCliTest, ReadersLeaveNoWalOrShmBesideAJournal) {
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flow("acd")).exit_code, 0);
  EXPECT_EQ(sidecars(j), std::vector<std::string>{}) << "after recording";
  for (const std::string& cmd : std::vector<std::string>{
           " replay " + j, " check " + j, " show " + j, " sql " + j + " 'SELECT 1'",
           " export " + j + " --out " + dir + "/bug.db"}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_EQ(sidecars(j), std::vector<std::string>{}) << cmd;
  }
}

// Runs `command` with `dir` mounted read-only (a private mount namespace, as root) or
// with the directory made unwritable (as another user). Skips when neither works.
testing::CommandResult run_with_read_only(const std::string& dir, const std::string& command) {
  if (::geteuid() != 0) {
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    auto r = run_command(command);
    fs::permissions(dir, fs::perms::owner_all);
    return r;
  }
  return run_command("unshare -m sh -c 'mount --bind " + dir + " " + dir +
                     " && mount -o remount,bind,ro " + dir + " " + dir + " && touch " + dir +
                     "/probe 2>/dev/null && exit 99; " + command + "'");
}

TEST(JournalIoCliTest, ReadersWorkOnAReadOnlyMount) {
  if (::geteuid() == 0 && run_command("unshare -m true").exit_code != 0)
    GTEST_SKIP() << "no mount namespace";
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flow("acd")).exit_code, 0);
  // A journal left in WAL mode too (its writer never switched back), with no -wal.
  std::string w = dir + "/wal.db";
  fs::copy_file(j, w);
  ASSERT_EQ(run_command("sqlite3 " + w + " 'PRAGMA journal_mode=WAL' >/dev/null").exit_code, 0);
  ASSERT_TRUE(sidecars(w).empty());
  for (const std::string& jj : std::vector<std::string>{j, w}) {
    for (const std::string& cmd : std::vector<std::string>{
             " replay " + jj, " check " + jj, " show " + jj, " sql " + jj + " \"SELECT 1\"",
             " export " + jj + " --out " + temp_journal("bug") + " --force"}) {
      auto r = run_with_read_only(dir, callbench() + cmd);
      ASSERT_NE(r.exit_code, 99) << "the mount is not read-only";
      EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
      EXPECT_EQ(r.err.find("readonly"), std::string::npos) << r.err;
    }
  }
}

// What a writer killed mid-way leaves beside a journal. The journal at `path` is a copy
// of `source` (sessions 1 and 2) whose file holds session 1; session 2 is where the
// killed writer left it: committed in a -wal (with its -shm, or with the -shm lost), or
// half-written into the file with a hot rollback journal that undoes it.
enum class Left { kWal, kWalWithoutShm, kHotJournal };

void leave_killed_writer(const std::string& source, const std::string& path, Left left) {
  fs::copy_file(source, path);
  testing::edit(
      path,
      "DELETE FROM events WHERE session_id = 2; DELETE FROM requests WHERE session_id = 2; "
      "DELETE FROM sessions WHERE session_id = 2");
  ASSERT_EQ(
      run_command("sqlite3 " + path + " 'PRAGMA journal_mode=DELETE; VACUUM' >/dev/null").exit_code,
      0);
  std::string copy = "ATTACH '" + source + "' AS s; BEGIN; " +
                     "INSERT INTO sessions SELECT * FROM s.sessions WHERE session_id = 2; "
                     "INSERT INTO requests SELECT * FROM s.requests WHERE session_id = 2; "
                     "INSERT INTO events SELECT * FROM s.events WHERE session_id = 2; ";
  std::string sql =
      left == Left::kHotJournal
          ? "PRAGMA cache_size = 1; " + copy + "UPDATE events SET payload = payload;"
          : "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; " + copy + "COMMIT;";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    ::_exit(rc == SQLITE_OK ? 0 : 1);  // killed: no checkpoint, no rollback, no close
  }
  ASSERT_EQ(wait_exit(pid), 0);
  if (left == Left::kWalWithoutShm) fs::remove(path + "-shm");
  ASSERT_EQ(fs::exists(path + "-wal"), left != Left::kHotJournal);
  ASSERT_EQ(fs::exists(path + "-shm"), left == Left::kWal);
  if (left == Left::kHotJournal) {
    ASSERT_GT(fs::file_size(path + "-journal"), 0u);
  }
}

std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

const char* left_name(Left left) {
  return left == Left::kWal             ? "-wal and -shm"
         : left == Left::kWalWithoutShm ? "-wal without -shm"
                                        : "hot -journal";
}

// Readers on a read-only mount read what a killed writer committed (its -wal, with or
// without the -shm index) and do not see what it left half-written (a hot rollback
// journal), where SQLite alone could not read without writing beside the journal;
// they write nothing there, and leave no private copy behind in $TMPDIR.
TEST(JournalIoCliTest, ReadersReadWhatAKilledWriterLeftOnAReadOnlyMount) {
  if (::geteuid() == 0 && run_command("unshare -m true").exit_code != 0)
    GTEST_SKIP() << "no mount namespace";
  std::string source = recorded("source");
  for (Left left : {Left::kWal, Left::kWalWithoutShm, Left::kHotJournal}) {
    std::string dir = temp_dir(std::string("d") + std::to_string(static_cast<int>(left)));
    std::string tmp = temp_dir(std::string("tmp") + std::to_string(static_cast<int>(left)));
    std::string j = dir + "/j.db";
    ASSERT_NO_FATAL_FAILURE(leave_killed_writer(source, j, left));
    std::set<std::string> before = listing(dir);
    std::string sessions = left == Left::kHotJournal ? "1" : "2";
    for (const std::string& cmd : std::vector<std::string>{
             " replay " + j, " check " + j, " show " + j + " --session 1",
             " export " + j + " --session 1 --out " + temp_journal("bug") + " --force",
             " sql --csv " + j + " \"SELECT count(*) FROM sessions\""}) {
      auto r = run_with_read_only(dir, "TMPDIR=" + tmp + " " + callbench() + cmd);
      ASSERT_NE(r.exit_code, 99) << "the mount is not read-only";
      EXPECT_EQ(r.exit_code, 0) << left_name(left) << ":" << cmd << ": " << r.err;
      EXPECT_EQ(r.err.find("not a callbench journal"), std::string::npos) << r.err;
      if (cmd.find(" sql ") == 0) {
        EXPECT_EQ(r.out, "count(*)\n" + sessions + "\n") << left_name(left);
      }
      if (cmd.find(" replay ") == 0 && left != Left::kHotJournal) {
        EXPECT_NE(r.out.find("session 2 'park'"), std::string::npos) << left_name(left) << r.out;
      }
      EXPECT_EQ(listing(dir), before) << left_name(left) << ":" << cmd;
      EXPECT_TRUE(fs::is_empty(tmp))
          << left_name(left) << ":" << cmd << ": a private copy was left";
    }
  }
}

// Where a reader may write, it finishes a killed writer's work (checkpoint, back to
// rollback mode) rather than leave a -shm (or a -wal) it created beside the journal.
TEST(JournalIoCliTest, ReadersCreateNoWalOrShmBesideAJournalInWalMode) {
  std::string source = recorded("source");
  const std::vector<std::string> readers = {
      " replay ", " check ", " show --session 1 ",
      " export --session 1 --force --out " + temp_journal("bug") + " ", " sql --csv "};
  for (const std::string& reader : readers) {
    std::string dir = temp_dir("d");
    std::string j = dir + "/j.db";
    std::string sql =
        reader.find("sql") != std::string::npos ? " \"SELECT count(*) FROM sessions\"" : "";
    // A journal its last writer left in WAL mode, with no -wal.
    fs::copy_file(source, j);
    ASSERT_EQ(run_command("sqlite3 " + j + " 'PRAGMA journal_mode=WAL' >/dev/null").exit_code, 0);
    ASSERT_TRUE(sidecars(j).empty());
    auto r = run_command(callbench() + reader + j + sql);
    EXPECT_EQ(r.exit_code, 0) << reader << ": " << r.err;
    EXPECT_EQ(sidecars(j), std::vector<std::string>{}) << "WAL mode, no -wal:" << reader;
    // A killed writer's -wal whose -shm was lost.
    fs::remove(j);
    ASSERT_NO_FATAL_FAILURE(leave_killed_writer(source, j, Left::kWalWithoutShm));
    r = run_command(callbench() + reader + j + sql);
    EXPECT_EQ(r.exit_code, 0) << reader << ": " << r.err;
    EXPECT_FALSE(fs::exists(j + "-shm")) << "-wal without -shm:" << reader;
    if (!sql.empty()) {
      EXPECT_EQ(r.out, "count(*)\n2\n") << "the -wal's session was read";
    }
  }
}

// A label outside core/names.h's rule, edited into the journal, is refused by every
// reader naming the session and the column, and never printed raw.
TEST(JournalIoCliTest, EveryReaderRefusesALabelOrTimeOutsideTheRule) {
  std::string j0 = recorded("j");
  struct Edit {
    std::string sql, column;
  };
  for (const Edit& e :
       std::vector<Edit>{{"label = 'x' || char(10) || 'option dial-info off #'", "label"},
                         {"label = char(27) || '[31mred'", "label"},
                         {"label = printf('%.450c', 'x')", "label"},
                         {"label = x'7061726b'", "label"},
                         {"label = ''", "label"},
                         {"created_at = char(27) || ']0;title' || char(7)", "created_at"},
                         {"created_at = NULL", "created_at"}}) {
    std::string j = temp_journal("edited");
    fs::copy_file(j0, j);
    if (e.sql == "created_at = NULL") {
      // NOT NULL: a journal whose table lost the constraint.
      ASSERT_EQ(run_command("sqlite3 " + j +
                            " \"PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = "
                            "replace(sql, 'created_at     TEXT NOT NULL', 'created_at TEXT') WHERE "
                            "name = 'sessions'\"")
                    .exit_code,
                0);
    }
    testing::edit(j, "UPDATE sessions SET " + e.sql + " WHERE session_id = 2");
    for (const std::string& cmd : std::vector<std::string>{
             " replay " + j, " check " + j, " show --format scn --session 2 " + j,
             " show --format jsonl --session 2 " + j,
             " export --session 2 --out " + temp_journal("bug") + " " + j,
             " sql " + j + " \"SELECT label FROM sessions\""}) {
      auto r = run_command(callbench() + cmd);
      EXPECT_EQ(r.exit_code, 2) << e.sql << ":" << cmd << ": " << r.out << r.err;
      EXPECT_NE(r.err.find("session 2: column " + e.column), std::string::npos)
          << e.sql << ":" << cmd << ": " << r.err;
      EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << "raw escape in " << r.err;
      EXPECT_EQ(r.out.find("option dial-info off"), std::string::npos) << r.out;
    }
  }
}

// A writer (run --journal, fuzz --journal) on a read-only mount names the file and
// why, as an I/O failure, and writes nothing there.
TEST(JournalIoCliTest, WritersOnAReadOnlyMountNameTheCause) {
  if (::geteuid() == 0 && run_command("unshare -m true").exit_code != 0)
    GTEST_SKIP() << "no mount namespace";
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flow("acd")).exit_code, 0);
  std::set<std::string> before = listing(dir);
  std::string work = temp_dir("work");
  for (const std::string& cmd :
       std::vector<std::string>{" run --journal " + j + flow("park"),
                                " fuzz --time 1 --workdir " + work + " --journal " + j}) {
    auto r = run_with_read_only(dir, callbench() + cmd);
    ASSERT_NE(r.exit_code, 99) << "the mount is not read-only";
    EXPECT_EQ(r.exit_code, 3) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find(j + ": cannot record into it: the file " + j +
                         " is not writable (Read-only file system)"),
              std::string::npos)
        << cmd << ": " << r.err;
    EXPECT_EQ(listing(dir), before) << cmd;
  }
  // Nor can a page be written there: the failure names its cause.
  auto html = run_with_read_only(dir, callbench() + " check --html " + dir + "/page.html " + j);
  EXPECT_EQ(html.exit_code, 3) << html.err;
  EXPECT_NE(html.err.find(dir + "/page.html: cannot write: Read-only file system"),
            std::string::npos)
      << html.err;
  EXPECT_EQ(listing(dir), before);
}

// ---- creating journals -------------------------------------------------------------

TEST(JournalIoCliTest, KilledWhileCreatingLeavesNoJournalOrAWholeOne) {
  uint64_t seed = testing::test_seed(20261130);
  testing::TestRng rng(seed);
  std::string dir = temp_dir("d");
  // How long a whole recording takes on this machine now: the kills land all over it.
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(
      wait_exit(spawn({"run", "--journal", dir + "/whole.db", source_path("corpus/flows/acd.scn")},
                      dir + "/log")),
      0);
  auto whole = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  int existed = 0;
  for (int i = 0; i < 25; ++i) {
    std::string j = dir + "/j" + std::to_string(i) + ".db";
    pid_t pid = spawn({"run", "--journal", j, source_path("corpus/flows/acd.scn")}, dir + "/log");
    std::this_thread::sleep_for(
        std::chrono::microseconds(rng.below(static_cast<uint32_t>(whole.count()) + 1)));
    ::kill(pid, SIGKILL);
    wait_exit(pid);
    if (!fs::exists(j)) continue;
    ++existed;
    auto r = run_command(callbench() + " sql " + j + " \"SELECT count(*) FROM sessions\"");
    EXPECT_EQ(r.exit_code, 0) << "kill " << i << ": " << r.err;
    auto again = run_command(callbench() + " run --journal " + j + flow("acd"));
    EXPECT_EQ(again.exit_code, 0) << "kill " << i << ": " << again.err;
  }
  std::printf("[ info     ] %d of 25 killed recorders left a journal\n", existed);
}

// What a creator killed mid-creation leaves (a hidden temporary file) is removed by the
// next creator once it is older than any live creation could be.
TEST(JournalIoCliTest, StaleTemporaryFilesOfKilledCreatorsAreRemoved) {
  std::string dir = temp_dir("d");
  std::string stale = dir + "/.j.db.creating-AbC123", fresh = dir + "/.j.db.creating-XyZ789";
  std::string stale_journal = stale + "-journal";
  for (const std::string& f : {stale, stale_journal, fresh}) std::ofstream(f) << "x";
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(stale, old);
  fs::last_write_time(stale_journal, old);
  ASSERT_EQ(run_command(callbench() + " run --journal " + dir + "/j.db" + flow("acd")).exit_code,
            0);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_journal));
  EXPECT_TRUE(fs::exists(fresh)) << "a creation that may still be running is left alone";
}

TEST(JournalIoCliTest, ConcurrentCreatorsAllRecord) {
  std::string dir = temp_dir("d");
  for (int round = 0; round < 6; ++round) {
    std::string j = dir + "/j" + std::to_string(round) + ".db";
    std::vector<pid_t> pids;
    for (int k = 0; k < 4; ++k) {
      pids.push_back(spawn({"run", "--journal", j, source_path("corpus/flows/acd.scn")},
                           dir + "/log" + std::to_string(k)));
    }
    for (int k = 0; k < 4; ++k) {
      EXPECT_EQ(wait_exit(pids[static_cast<std::size_t>(k)]), 0)
          << "round " << round << ": " << slurp(dir + "/log" + std::to_string(k) + ".err");
    }
    auto r = run_command(callbench() + " sql --csv " + j + " \"SELECT count(*) FROM sessions\"");
    EXPECT_EQ(r.out, "count(*)\n4\n") << r.err;
  }
}

TEST(JournalIoCliTest, AFullDiskDuringCreationLeavesNoJournal) {
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  // A file-size limit of 1 KiB makes every write past it fail with EFBIG, as a full
  // disk would fail it (SIGXFSZ ignored, so the write returns the error).
  auto r = run_command("bash -c 'trap \"\" XFSZ; ulimit -f 1; exec " + callbench() +
                       " run --journal " + j + flow("acd") + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(j), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(j)) << "no 0-byte journal";
  EXPECT_TRUE(fs::is_empty(dir)) << "no temporary file left behind";
}

TEST(JournalIoCliTest, ConcurrentWritersPrintTheSessionsTheyRecorded) {
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flow("acd")).exit_code, 0);
  std::vector<std::string> args = {"run", "--format", "jsonl", "--journal", j};
  for (int i = 0; i < 60; ++i) args.push_back(source_path("corpus/flows/internal.scn"));
  pid_t a = spawn(args, dir + "/a"), b = spawn(args, dir + "/b");
  ASSERT_EQ(wait_exit(a), 0) << slurp(dir + "/a.err");
  ASSERT_EQ(wait_exit(b), 0) << slurp(dir + "/b.err");
  // "recorded sessions 2 to 5, 9, 12 to 20 in J": parse back the ids each printed.
  auto ids = [&](const std::string& err) {
    std::set<int64_t> out;
    std::size_t at = err.find("recorded sessions ");
    EXPECT_NE(at, std::string::npos) << err;
    std::string list = err.substr(at + 18, err.find(" in ", at) - at - 18);
    for (std::size_t p = 0; p < list.size();) {
      std::size_t comma = list.find(", ", p);
      std::string part = list.substr(p, comma == std::string::npos ? std::string::npos : comma - p);
      std::size_t to = part.find(" to ");
      int64_t lo = std::stoll(part.substr(0, to)),
              hi = to == std::string::npos ? lo : std::stoll(part.substr(to + 4));
      for (int64_t k = lo; k <= hi; ++k) out.insert(k);
      p = comma == std::string::npos ? list.size() : comma + 2;
    }
    return out;
  };
  std::set<int64_t> x = ids(slurp(dir + "/a.err")), y = ids(slurp(dir + "/b.err"));
  EXPECT_EQ(x.size(), 60u);
  EXPECT_EQ(y.size(), 60u);
  for (int64_t k : x) EXPECT_EQ(y.count(k), 0u) << "session " << k << " printed by both";
  std::set<int64_t> all = x;
  all.insert(y.begin(), y.end());
  EXPECT_EQ(*all.begin(), 2);
  EXPECT_EQ(*all.rbegin(), 121);
}

TEST(JournalIoCliTest, ExportRefusesToOverwriteItsOwnInput) {
  std::string dir = temp_dir("d");
  std::string j = dir + "/j.db";
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flow("acd") + flow("park")).exit_code,
            0);
  fs::create_symlink(j, dir + "/link.db");
  fs::create_hard_link(j, dir + "/hard.db");
  for (const std::string& out :
       std::vector<std::string>{dir + "/./j.db", dir + "/link.db", dir + "/hard.db",
                                dir + "/../" + fs::path(dir).filename().string() + "/j.db"}) {
    auto r = run_command(callbench() + " export " + j + " --session 1 --out " + out + " --force");
    EXPECT_EQ(r.exit_code, 2) << out << ": " << r.err;
    EXPECT_NE(r.err.find("is the journal being exported"), std::string::npos) << r.err;
  }
  // Nor the files SQLite keeps beside it.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    auto r =
        run_command(callbench() + " export " + j + " --session 1 --out " + j + suffix + " --force");
    EXPECT_EQ(r.exit_code, 2) << suffix << ": " << r.err;
    EXPECT_NE(r.err.find("a file SQLite keeps beside the journal being exported"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(j + suffix)) << suffix;
  }
  auto replay = run_command(callbench() + " replay " + j);
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("session 2 'park'"), std::string::npos)
      << "both sessions are still there";
}

// replay reads every session in one pass over each table when all are replayed; a session
// the one pass cannot call bit-exact (altered, diverging, incomplete) is read again on its
// own and reported as before, after the sessions before it, and the pass goes on past it.
TEST(JournalIoCliTest, ReplayOfEverySessionReportsTheBadOneAfterThoseBeforeIt) {
  const std::string flows = flow("acd") + flow("park") + flow("internal") + flow("hold");
  struct Case {
    const char* sql;
    int exit_code;
    const char* says;
  };
  for (const Case& c : {
           Case{"UPDATE events SET this_dn = '7009' WHERE session_id = 3 AND seq = 2", 2,
                "session 3 event 2: column this_dn differs from the payload"},
           Case{"UPDATE sessions SET status = 'incomplete' WHERE session_id = 3", 0,
                "session 3 'internal': "},
           Case{"DELETE FROM events WHERE session_id = 3 AND seq = 3", 2, "session 3"},
       }) {
    std::string j = recorded("scan", flows);
    edit(j, c.sql);
    auto r = run_command(callbench() + " replay " + j);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.sql << "\n" << r.out << r.err;
    EXPECT_NE((r.out + r.err).find(c.says), std::string::npos) << c.sql << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("session 1 'acd': "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("session 2 'park': "), std::string::npos) << r.out;
    if (c.exit_code == 0) {
      EXPECT_NE(r.out.find("incomplete recording"), std::string::npos) << r.out;
      EXPECT_NE(r.out.find("session 4 'hold': "), std::string::npos) << r.out;
    } else {
      EXPECT_EQ(r.out.find("session 4"), std::string::npos) << r.out;
    }
    // Each session alone says the same of it.
    auto alone = run_command(callbench() + " replay " + j + " --session 3");
    EXPECT_EQ(alone.exit_code, c.exit_code);
    EXPECT_NE((alone.out + alone.err).find(c.says), std::string::npos) << alone.out << alone.err;
    EXPECT_EQ(run_command(callbench() + " replay " + j + " --session 4").exit_code, 0);
  }
}

}  // namespace
}  // namespace callbench
