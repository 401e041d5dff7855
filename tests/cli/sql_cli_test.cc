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
  auto r = run_command(callbench() + " run --journal " + j + " " + source_path("corpus/flows/acd.scn"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return j;
}

TEST(SqlCliTest, Fts3TokenizerCannotCrashOrLeakAnAddress) {
  std::string j = recorded("j");
  auto crash = run_command(callbench() + " sql " + j +
                           " \"select fts3_tokenizer('simple', x'4141414141414141'); CREATE VIRTUAL TABLE temp.t "
                           "USING fts3(tokenize=simple); INSERT INTO temp.t VALUES('hello')\"");
  EXPECT_EQ(crash.exit_code, 2) << crash.err;
  EXPECT_NE(crash.err.find("fts3_tokenizer"), std::string::npos) << crash.err;
  auto leak = run_command(callbench() + " sql " + j + " \"select fts3_tokenizer('simple')\"");
  EXPECT_EQ(leak.exit_code, 2) << leak.out;
  EXPECT_EQ(leak.out, "");
  auto vtab = run_command(callbench() + " sql " + j + " \"CREATE VIRTUAL TABLE temp.t USING fts3(x)\"");
  EXPECT_EQ(vtab.exit_code, 2) << vtab.err;
  auto temp = run_command(callbench() + " sql " + j + " \"CREATE TEMP TABLE t(x); INSERT INTO t VALUES(1)\"");
  EXPECT_EQ(temp.exit_code, 2) << temp.err;
}

TEST(SqlCliTest, VacuumIntoAttachAndWritesAreRefused) {
  std::string j = recorded("j");
  std::string copy = temp_journal("copy");
  for (const std::string& q : std::vector<std::string>{"VACUUM INTO '" + copy + "'", "ATTACH '" + copy + "' AS x", "DELETE FROM events",
        "PRAGMA journal_mode=DELETE", "PRAGMA writable_schema=1", "SELECT load_extension('x')",
        "UPDATE events SET this_dn = '9999'", "VACUUM"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("SQL error"), std::string::npos) << q << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(copy)) << q;
  }
  EXPECT_EQ(run_command(callbench() + " replay " + j).exit_code, 0) << "the journal is untouched";
  // Reading still works: tables, views, decode(), schema PRAGMAs.
  auto ok = run_command(callbench() + " sql " + j +
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
                       " \"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n\"");
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

TEST(SqlCliTest, CtrlCStopsTheQueryCleanly) {
  std::string j = recorded("j");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::string bin = callbench();
    ::execl(bin.c_str(), bin.c_str(), "sql", "--timeout", "0", j.c_str(),
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
  for (const char* q : {"SELECT * FROM pragma_journal_mode('DELETE')", "SAVEPOINT a", "ANALYZE",
                        "CREATE INDEX i ON events(this_dn)", "PRAGMA query_only=0"}) {
    auto r = run_command(callbench() + " sql " + j + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 2) << q << ": " << r.err;
    EXPECT_NE(r.err.find("callbench sql only reads"), std::string::npos) << q << ": " << r.err;
  }
  EXPECT_EQ(run_command(callbench() + " sql " + j + " \"PRAGMA journal_mode\"").out.find("wal"), std::string::npos);
}

}  // namespace
}  // namespace callbench
