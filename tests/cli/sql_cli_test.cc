// callbench sql on a journal someone else wrote: read-only, defensive, bounded in time.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::callbench;
using testing::run_command;
using testing::source_path;
using testing::temp_journal;

std::string recorded(const std::string& tag) {
  std::string j = temp_journal(tag);
  auto r =
      run_command(callbench() + " run --journal " + j + " " + source_path("corpus/flows/acd.scn"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return j;
}

TEST(SqlCliTest, Fts3TokenizerCannotCrashOrLeakAnAddress) {
  std::string j = recorded("j");
  auto crash = run_command(
      callbench() + " sql " + j +
      " \"select fts3_tokenizer('simple', x'4141414141414141'); CREATE VIRTUAL TABLE temp.t "
      "USING fts3(tokenize=simple); INSERT INTO temp.t VALUES('hello')\"");
  EXPECT_EQ(crash.exit_code, 2) << crash.err;
  EXPECT_NE(crash.err.find("fts3_tokenizer"), std::string::npos) << crash.err;
  auto leak = run_command(callbench() + " sql " + j + " \"select fts3_tokenizer('simple')\"");
  EXPECT_EQ(leak.exit_code, 2) << leak.out;
  EXPECT_EQ(leak.out, "");
  auto vtab =
      run_command(callbench() + " sql " + j + " \"CREATE VIRTUAL TABLE temp.t USING fts3(x)\"");
  EXPECT_EQ(vtab.exit_code, 2) << vtab.err;
  auto temp = run_command(callbench() + " sql " + j +
                          " \"CREATE TEMP TABLE t(x); INSERT INTO t VALUES(1)\"");
  EXPECT_EQ(temp.exit_code, 2) << temp.err;
}

TEST(SqlCliTest, VacuumIntoAttachAndWritesAreRefused) {
  std::string j = recorded("j");
  std::string copy = temp_journal("copy");
  for (const std::string& q : std::vector<std::string>{
           "VACUUM INTO '" + copy + "'", "ATTACH '" + copy + "' AS x", "DELETE FROM events",
           "PRAGMA journal_mode=DELETE", "PRAGMA writable_schema=1", "SELECT load_extension('x')",
           "UPDATE events SET this_dn = '9999'", "VACUUM"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("SQL error"), std::string::npos) << q << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(copy)) << q;
  }
  EXPECT_EQ(run_command(callbench() + " replay " + j).exit_code, 0) << "the journal is untouched";
  // Reading still works: tables, views, decode(), schema PRAGMAs.
  auto ok = run_command(
      callbench() + " sql " + j +
      " \"SELECT count(*) FROM event_causes; SELECT count(*) FROM request_answers; "
      "SELECT json_extract(decode(payload), '\\$.event') FROM events WHERE seq = 1; "
      "PRAGMA table_info(events); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
      "FROM n WHERE i < 3) SELECT sum(i) FROM n\"");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("EventDialing"), std::string::npos) << ok.out;
}

TEST(SqlCliTest, AWritingStatementAnywhereRunsNothing) {
  std::string j = recorded("j");
  auto r = run_command(callbench() + " sql " + j + " \"SELECT 1; SELECT 2; DELETE FROM events\"");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "") << "nothing ran before the refusal";
  EXPECT_NE(r.err.find("SQL error"), std::string::npos) << r.err;
}

TEST(SqlCliTest, AQueryThatNeverEndsStopsAtTheTimeout) {
  std::string j = recorded("j");
  auto start = std::chrono::steady_clock::now();
  auto r = run_command(callbench() + " sql --timeout 1 " + j +
                       " \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT "
                       "count(*) FROM n\"");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("longer than --timeout 1 seconds"), std::string::npos) << r.err;
  EXPECT_LT(took, std::chrono::seconds(10));
  for (const char* t : {"-1", "nan", "inf", "x", "''"}) {
    auto bad = run_command(callbench() + " sql --timeout " + t + " " + j + " \"SELECT 1\"");
    EXPECT_EQ(bad.exit_code, 2) << t << ": " << bad.err;
    EXPECT_NE(bad.err.find("--timeout"), std::string::npos) << bad.err;
  }
}

// Verifying a journal counts against --timeout like a statement.
TEST(SqlCliTest, VerifyingALargeJournalStopsAtTheTimeout) {
  std::string j = temp_journal("large");
  std::string flows;
  for (int i = 0; i < 40; ++i)
    flows += " " + source_path("corpus/flows/acd.scn") + " " + source_path("corpus/flows/park.scn");
  ASSERT_EQ(run_command(callbench() + " run --format jsonl --journal " + j + flows + " >/dev/null")
                .exit_code,
            0);
  auto r = run_command(callbench() + " sql --timeout 0.0001 " + j + " \"SELECT 1\"");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("verifying the journal took longer than --timeout 0.0001 seconds"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  auto ok = run_command(callbench() + " sql --csv " + j + " \"SELECT count(*) FROM sessions\"");
  EXPECT_EQ(ok.out, "count(*)\n80\n") << ok.err;
}

TEST(SqlCliTest, CtrlCStopsTheQueryCleanly) {
  std::string j = recorded("j");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::string bin = callbench();
    ::execl(
        bin.c_str(), bin.c_str(), "sql", "--timeout", "0", j.c_str(),
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
        static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Long enough for the process to start and the query to run, on a loaded machine too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ::kill(pid, SIGINT);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 200 && (done = ::waitpid(pid, &status, WNOHANG)) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "the query did not stop on SIGINT";
  }
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
}

TEST(SqlCliTest, AnEmptyQueryIsAnError) {
  std::string j = recorded("j");
  for (const char* q : {"''", "' '", "'-- only a comment'"}) {
    auto r = run_command(callbench() + " sql " + j + " " + q);
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("no statement to run"), std::string::npos) << r.err;
  }
}

TEST(SqlCliTest, PragmaTableFunctionsThatCouldWriteAreRefused) {
  std::string j = recorded("j");
  for (const char* q :
       {"SAVEPOINT a", "ANALYZE", "CREATE INDEX i ON events(this_dn)", "PRAGMA query_only=0",
        "SELECT * FROM pragma_writable_schema", "SELECT * FROM pragma_compile_options"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("callbench sql only reads"), std::string::npos) << q << ": " << r.err;
  }
  // A table-valued PRAGMA's argument is never a value to set: SQLite refuses these.
  for (const char* q :
       {"SELECT * FROM pragma_journal_mode('DELETE')", "SELECT * FROM pragma_user_version(5)"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("SQL error"), std::string::npos) << q << ": " << r.err;
  }
  EXPECT_EQ(run_command(callbench() + " sql " + j + " \"PRAGMA journal_mode\"").out.find("wal"),
            std::string::npos);
}

// The PRAGMAs README's sql section lists as allowed, in both forms: the statement and
// the table-valued function; setting one is refused in either.
TEST(SqlCliTest, PragmasThatReadAreAllowedInBothForms) {
  std::string j = recorded("j");
  struct Case {
    std::string query, expected;
  };
  for (const Case& c :
       std::vector<Case>{{"PRAGMA user_version", "1"},
                         {"SELECT * FROM pragma_user_version", "1"},
                         {"SELECT user_version FROM pragma_user_version", "1"},
                         {"SELECT * FROM pragma_application_id", "1128417870"},
                         {"SELECT count(*) > 0 FROM pragma_page_count", "1"},
                         {"SELECT name FROM pragma_table_info('events') WHERE cid = 7", "this_dn"},
                         {"SELECT count(*) FROM pragma_table_list WHERE name = 'events'", "1"},
                         {"SELECT * FROM pragma_integrity_check", "ok"},
                         {"SELECT * FROM pragma_quick_check", "ok"},
                         {"SELECT journal_mode FROM pragma_journal_mode", "delete"},
                         {"SELECT * FROM pragma_temp_store", "2"}}) {
    auto r = run_command(callbench() + " sql --csv " + j + " \"" + c.query + "\"");
    EXPECT_EQ(r.exit_code, 0) << c.query << ": " << r.err;
    EXPECT_EQ(r.out.substr(r.out.find('\n') + 1), c.expected + "\n") << c.query;
  }
  for (const char* q :
       {"PRAGMA user_version = 5", "PRAGMA application_id = 7", "PRAGMA temp_store = FILE",
        "PRAGMA main.journal_mode = WAL", "PRAGMA cache_size = 5"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("callbench sql only reads"), std::string::npos) << q << ": " << r.err;
  }
  EXPECT_EQ(run_command(callbench() + " sql --csv " + j + " \"PRAGMA user_version\"").out,
            "user_version\n1\n");
}

// sql verifies the journal as replay, check, show and export do, before any statement
// reads it: a tampered journal is refused with the same message.
TEST(SqlCliTest, SqlRefusesATamperedJournalAsEveryReaderDoes) {
  struct Case {
    std::string edit, message;
  };
  for (const Case& c :
       std::vector<Case>{{"UPDATE events SET this_dn = '9999' WHERE session_id = 1 AND seq = 2",
                          "session 1 event 2: column this_dn differs from the payload"},
                         {"UPDATE requests SET call = 'c9' WHERE session_id = 1 AND seq = 1",
                          "session 1 request 1: column call differs from the payload"},
                         {"UPDATE sessions SET digest = '0123456789abcdef' WHERE session_id = 1",
                          "session 1: its events hash to digest"},
                         {"DELETE FROM events WHERE session_id = 1 AND seq = 3",
                          "session 1: event seq 3 is missing"},
                         {"INSERT INTO events SELECT 7, seq, request_seq, payload, event, call, "
                          "conn_id, this_dn, this_dn_role, "
                          "other_dn, other_dn_role, third_party_dn, third_party_dn_role, "
                          "this_queue, third_party_queue, call_state, "
                          "reference_id, error_code FROM events WHERE session_id = 1",
                          "events row session 7 seq 1 belongs to no session (column session_id)"},
                         {"UPDATE sessions SET label = 'x' || char(10) || 'y' WHERE session_id = 1",
                          "session 1: column label 'x\\ny' is not a session label"}}) {
    std::string j = recorded("j");
    testing::edit(j, c.edit);
    auto r =
        run_command(callbench() + " sql " + j + " \"SELECT this_dn FROM events WHERE seq = 2\"");
    EXPECT_EQ(r.exit_code, 2) << c.edit << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.edit << ": " << r.err;
    EXPECT_EQ(r.out, "") << "nothing read from a tampered journal";
    auto show = run_command(callbench() + " show " + j);
    EXPECT_EQ(show.exit_code, 2) << c.edit;
    EXPECT_EQ(show.err.substr(show.err.find(j)), r.err.substr(r.err.find(j)))
        << "the same message as show";
  }
  // An empty journal (no session) has nothing to verify but its orphan rows.
  std::string empty = temp_journal("empty");
  testing::open_journal(empty, Journal::Mode::kWrite);
  auto r = run_command(callbench() + " sql --csv " + empty + " \"SELECT count(*) FROM sessions\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "count(*)\n0\n");
}

// Sorts and temporary tables stay in memory under the heap limit: a query that needs
// more fails cleanly (exit 1, a clear message) instead of spilling into SQLITE_TMPDIR.
TEST(SqlCliTest, AHugeSortFailsCleanlyWithinTheMemoryLimit) {
  std::string j = recorded("j");
  std::string tmp = temp_journal("tmp") + ".d";
  std::filesystem::create_directories(tmp);
  auto r = run_command(
      "SQLITE_TMPDIR=" + tmp + " TMPDIR=" + tmp + " " + callbench() + " sql --csv " + j +
      " \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 700) "
      "SELECT count(*) FROM (SELECT DISTINCT randomblob(900000) FROM n)\"");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("the query needed more than 512 MiB of memory"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
  // A sort that fits runs as before.
  auto ok = run_command(callbench() + " sql --csv " + j +
                        " \"SELECT event FROM events ORDER BY event DESC LIMIT 1\"");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "event\nEventRinging\n");
}

}  // namespace
}  // namespace callbench
