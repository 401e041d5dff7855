// The journal commands as a user runs them: run --journal, replay, show, sql, export.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::callbench;
using testing::run_command;
using testing::source_path;
using testing::temp_journal;

std::string flows(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* n : names) out += " " + source_path(std::string("corpus/flows/") + n + ".scn");
  return out;
}

TEST(JournalCliTest, RunRecordsAndReplayPrintsOneLinePerSession) {
  std::string j = temp_journal("j");
  auto run = run_command(callbench() + " run --journal " + j + flows({"acd", "park", "routing_2"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("recorded sessions 1 to 3 in " + j), std::string::npos) << run.err;
  auto replay = run_command(callbench() + " replay " + j);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("session 1 'acd': 3 requests, 6 events, bit-exact, digest "),
            std::string::npos)
      << replay.out;
  EXPECT_NE(replay.out.find("session 3 'routing_2': "), std::string::npos) << replay.out;
  EXPECT_EQ(std::count(replay.out.begin(), replay.out.end(), '\n'), 3);
  auto one = run_command(callbench() + " replay " + j + " --session 2");
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out.rfind("session 2 'park'", 0), 0u) << one.out;
}

TEST(JournalCliTest, LabelOption) {
  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + " --label bug-4711" + flows({"acd"}))
                .exit_code,
            0);
  auto r = run_command(callbench() + " sql " + j + " \"SELECT label FROM sessions\"");
  EXPECT_NE(r.out.find("bug-4711"), std::string::npos) << r.out;
}

TEST(JournalCliTest, ShowJsonlIsTheSameAsRunsAndScnPlaysBack) {
  std::string j = temp_journal("j");
  std::string flow = flows({"multi_acd_4"});
  auto run = run_command(callbench() + " run --format jsonl --journal " + j + flow);
  auto show = run_command(callbench() + " show " + j + " --format jsonl");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out, run.out);
  auto table = run_command(callbench() + " show " + j);
  EXPECT_EQ(table.out, run_command(callbench() + " run" + flow).out);
  auto scn = run_command(callbench() + " show " + j + " --session 1 --format scn");
  std::string path = ::testing::TempDir() + "shown_" + std::to_string(::getpid()) + ".scn";
  std::ofstream(path) << scn.out;
  // The same session line too, once the label is the recorded one.
  EXPECT_EQ(run_command(callbench() + " run --format jsonl --label multi_acd_4 " + path).out,
            run.out);
}

TEST(JournalCliTest, ShowNeedsASessionWhenThereAreSeveral) {
  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flows({"acd", "park"})).exit_code, 0);
  auto r = run_command(callbench() + " show " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds 2 sessions: name one with --session N"), std::string::npos) << r.err;
  EXPECT_EQ(run_command(callbench() + " show " + j + " --session 7").exit_code, 2);
}

TEST(JournalCliTest, SqlPrintsAlignedTablesCsvAndDecodes) {
  std::string j = temp_journal("j");
  ASSERT_EQ(
      run_command(callbench() + " run --journal " + j + flows({"acd_1", "multi_acd_2"})).exit_code,
      0);
  auto r = run_command(callbench() + " sql " + j +
                       " \"SELECT this_dn, this_queue FROM events WHERE event = 'EventAbandoned' "
                       "ORDER BY session_id, seq\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "this_dn  this_queue\n-------  ----------\n8001     8001\n8001     8001\n8002     "
            "8002\n(3 rows)\n");
  auto csv = run_command(
      callbench() + " sql --csv " + j +
      " \"SELECT json_extract(decode(payload), '$.ThisQueue') AS q, decode(payload) AS json "
      "FROM events WHERE session_id = 1 AND event = 'EventAbandoned'\"");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("q,json\n8001,\"{\"\"event\"\":\"\"EventAbandoned\"\"", 0), 0u)
      << csv.out;
}

TEST(JournalCliTest, SqlErrorsExitTwoAndTheJournalIsReadOnly) {
  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flows({"acd"})).exit_code, 0);
  auto syntax = run_command(callbench() + " sql " + j + " \"SELEKT 1\"");
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_NE(syntax.err.find("SQL error: near \"SELEKT\": syntax error"), std::string::npos)
      << syntax.err;
  auto write = run_command(callbench() + " sql " + j + " \"DELETE FROM events\"");
  EXPECT_EQ(write.exit_code, 2);
  EXPECT_NE(write.err.find("not authorized"), std::string::npos) << write.err;
  EXPECT_EQ(run_command(callbench() + " replay " + j).exit_code, 0) << "nothing was deleted";
}

TEST(JournalCliTest, ExportWritesABugReportThatReplays) {
  std::string j = temp_journal("j"), bug = temp_journal("bug");
  ASSERT_EQ(
      run_command(callbench() + " run --journal " + j + flows({"acd", "routing_2"})).exit_code, 0);
  auto e = run_command(callbench() + " export " + j + " --session 2 --out " + bug);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("replay it with: callbench replay " + bug), std::string::npos) << e.out;
  auto r = run_command(callbench() + " replay " + bug);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("session 2 'routing_2'", 0), 0u) << r.out;
  EXPECT_EQ(run_command(callbench() + " export " + j + " --session 2 --out " + bug).exit_code, 2);
  EXPECT_EQ(run_command(callbench() + " export " + j + " --session 1 --out " + bug + " --force")
                .exit_code,
            0);
}

TEST(JournalCliTest, BadJournalsExitNonZeroWithAPreciseError) {
  std::string text = ::testing::TempDir() + "not_a_journal_" + std::to_string(::getpid()) + ".db";
  std::ofstream(text) << std::string(2000, 'z');
  for (const char* cmd : {" replay ", " show ", " sql "}) {
    auto r = run_command(callbench() + cmd + text +
                         (std::string(cmd) == " sql " ? " \"SELECT 1\"" : ""));
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find("is not a callbench journal"), std::string::npos) << r.err;
  }
  auto missing = run_command(callbench() + " replay /nonexistent/x.db");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such journal file"), std::string::npos) << missing.err;

  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flows({"acd", "park"})).exit_code, 0);
  auto jj = testing::open_journal(j, Journal::Mode::kWrite);
  testing::exec(jj.get(),
                "UPDATE events SET payload = x'0000000000000000' WHERE session_id = 2 AND seq = 3");
  jj.reset();
  auto r = run_command(callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("session 1 'acd'"), std::string::npos) << "earlier sessions still replay";
  EXPECT_NE(r.err.find("session 2 event 3"), std::string::npos) << r.err;
}

TEST(JournalCliTest, ReplayDivergenceExitsOne) {
  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + flows({"internal"})).exit_code, 0);
  auto jj = testing::open_journal(j, Journal::Mode::kWrite);
  // The last event row disappears (counts and digest made to agree): the engine
  // produces one more than the journal has.
  testing::exec(jj.get(), "DELETE FROM events WHERE seq = 4; UPDATE sessions SET event_count = 3");
  {
    Stmt st;
    ASSERT_TRUE(st.prepare(jj->db(), "SELECT payload FROM events WHERE session_id = 1 ORDER BY seq")
                    .is_ok());
    uint64_t digest = 0;
    while (st.step() == SQLITE_ROW) digest = chain_digest(digest, st.col_blob(0), st.col_bytes(0));
    testing::exec(jj.get(), "UPDATE sessions SET digest = '" + digest_string(digest) + "'");
  }
  jj.reset();
  auto r = run_command(callbench() + " replay " + j);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find(
          "session 1 'internal': diverges at event seq 4, caused by request 2 'answer 7002 c1'"),
      std::string::npos)
      << r.err;
}

// The real binary, killed with SIGKILL while it records: every session but the last
// is complete and replays; the last is complete or incomplete and replays up to its
// last event; the database passes its integrity check.
TEST(JournalCliTest, RecordingProcessKilledWithSigkill) {
  std::string scn = ::testing::TempDir() + "many_" + std::to_string(::getpid()) + ".scn";
  {
    std::ofstream f(scn);
    f << "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7002 c1\n";
    for (int i = 0; i < 2000; ++i) f << "hold 7001 c1\nretrieve 7001 c1\n";
  }
  std::string j = temp_journal("killed");
  std::string files;
  for (int i = 0; i < 40; ++i) files += " " + scn;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string cmd = callbench() + " run --format jsonl --journal-batch 1 --journal " + j + files;
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null 2>&1").c_str(), nullptr);
    ::_exit(127);
  }
  // Wait until the third session has committed events, then kill the writer.
  bool killed = false;
  for (int i = 0; i < 20000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::unique_ptr<Journal> r;
    if (!Journal::open(j, Journal::Mode::kRead, &r).is_ok()) continue;
    std::vector<SessionInfo> all;
    if (!r->sessions(&all).is_ok()) continue;
    if (all.size() >= 3 && all.back().event_count > 0) {
      ::kill(child, SIGKILL);
      killed = true;
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(killed);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the recorder finished before the kill";
  auto r = run_command(callbench() + " sql " + j + " \"PRAGMA integrity_check\"");
  EXPECT_NE(r.out.find("\nok\n"), std::string::npos) << r.out;
  auto statuses = run_command(callbench() + " sql --csv " + j +
                              " \"SELECT status FROM sessions ORDER BY session_id\"");
  std::vector<std::string> lines;
  for (std::size_t p = 0, e; (e = statuses.out.find('\n', p)) != std::string::npos; p = e + 1) {
    lines.push_back(statuses.out.substr(p, e - p));
  }
  ASSERT_GE(lines.size(), 4u);  // header + at least 3 sessions
  for (std::size_t i = 1; i + 1 < lines.size(); ++i)
    EXPECT_EQ(lines[i], "complete") << "session " << i;
  auto replay = run_command(callbench() + " replay " + j);
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  if (lines.back() == "incomplete") {
    EXPECT_NE(replay.out.find("incomplete recording: replayed up to its last event"),
              std::string::npos)
        << replay.out;
  }
}

TEST(JournalCliTest, HelpDescribesTheJournalCommands) {
  for (const char* cmd : {"replay", "show", "sql", "export"}) {
    auto r = run_command(callbench() + " " + cmd + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("J.db"), std::string::npos) << cmd;
  }
  auto run = run_command(callbench() + " run --help");
  EXPECT_NE(run.out.find("--journal"), std::string::npos);
  EXPECT_NE(run.out.find("--label"), std::string::npos);
}

}  // namespace
}  // namespace callbench
