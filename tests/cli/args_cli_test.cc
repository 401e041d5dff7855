// The command line at its edges: arguments, labels and names that are data, and
// output that cannot be written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "cb_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

// ---- arguments ---------------------------------------------------------------------

TEST(ArgsCliTest, SessionZeroAndOutOfRangeAreErrorsForEveryCommand) {
  std::string j = recorded("j");
  std::string out = temp_journal("bug");
  for (const char* cmd : {" replay ", " check ", " show ", " export "}) {
    for (const char* n : {"0", "99999999999999999999", "-1", "x"}) {
      std::string line = callbench() + cmd + j + " --session " + n +
                         (std::string(cmd) == " export " ? " --out " + out : "");
      auto r = run_command(line);
      EXPECT_EQ(r.exit_code, 2) << line << ": " << r.out << r.err;
      EXPECT_NE(r.err.find("--session: expected a session id from 1 to 9223372036854775807"),
                std::string::npos)
          << line << ": " << r.err;
      EXPECT_NE(r.err.find("omit --session"), std::string::npos) << r.err;
    }
  }
  auto help = run_command(callbench() + " replay --help");
  EXPECT_NE(help.out.find("omit --session for all"), std::string::npos) << help.out;
  EXPECT_NE(run_command(callbench() + " show --help")
                .out.find("omit --session when the journal holds one"),
            std::string::npos);
}

TEST(ArgsCliTest, EmptyFuzzOptionsAreErrorsBeforeAnyFuzzing) {
  for (const char* option : {"--seed", "--journal", "--workdir", "--fuzzer"}) {
    auto r = run_command(callbench() + " fuzz --time 1 " + option + " ''");
    EXPECT_EQ(r.exit_code, 2) << option << ": " << r.err;
    EXPECT_NE(r.err.find(std::string(option) + ": must not be empty"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << option << ": nothing ran";
  }
}

TEST(ArgsCliTest, EmptySeedLabelAndJournalAreErrorsAndNothingIsRecorded) {
  std::string j = temp_journal("j");
  for (const std::string& args : std::vector<std::string>{
           " --seed ''", " --journal ''", " --journal " + j + " --label ''", " --label x",
           " --journal " + j + " --label \"$(printf 'x\\noption dial-info off #')\"",
           " --journal " + j + " --label " + std::string(450, 'x')}) {
    auto r = run_command(callbench() + " run" + args + flow("acd"));
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_TRUE(r.err.find("--seed") != std::string::npos ||
                r.err.find("--journal") != std::string::npos ||
                r.err.find("--label") != std::string::npos)
        << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args << ": nothing ran";
  }
  EXPECT_FALSE(fs::exists(j)) << "nothing was recorded";
  auto empty_journal = run_command(callbench() + " replay ''");
  EXPECT_EQ(empty_journal.exit_code, 2) << empty_journal.err;
}

TEST(ArgsCliTest, AJournalInADirectoryThatDoesNotExistIsBadInputNamingIt) {
  for (const std::string& cmd :
       {std::string(" run --journal /nonexistent/dir/j.db") + flow("acd")}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("/nonexistent/dir/j.db: cannot create the journal: its directory "
                         "/nonexistent/dir does not exist"),
              std::string::npos)
        << r.err;
  }
  std::string j = recorded("j");
  auto e = run_command(callbench() + " export " + j + " --session 1 --out /nonexistent/dir/bug.db");
  EXPECT_EQ(e.exit_code, 2) << e.err;
  EXPECT_NE(e.err.find("/nonexistent/dir/bug.db"), std::string::npos) << e.err;
}

TEST(ArgsCliTest, ErrorMessagesNeverCarryControlCharactersRaw) {
  for (const char* cmd :
       {" replay \"$(printf '/tmp/\\033[2Jx.db')\"", " \"$(printf 'b\\033[2Jogus')\""}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("\\x1b[2J"), std::string::npos) << cmd << ": " << r.err;
  }
}

TEST(ArgsCliTest, UnknownCommandIsNamed) {
  auto r = run_command(callbench() + " bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find(
          "unknown command 'bogus': expected one of run, replay, show, sql, export, check, fuzz"),
      std::string::npos)
      << r.err;
  auto none = run_command(callbench());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(
      none.err.find("a command is required: one of run, replay, show, sql, export, check, fuzz"),
      std::string::npos)
      << none.err;
}

TEST(ArgsCliTest, ADirectoryAsAScenarioIsBadInput) {
  auto r = run_command(callbench() + " run " + ::testing::TempDir());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is a directory, not a scenario file"), std::string::npos) << r.err;
}

TEST(ArgsCliTest, ALongCallNameErrorStatesTheLimit) {
  std::string scn =
      write_temp("long_call.scn", "dn 7001 extension\ndn 7002 extension\n" + std::string(40, 'c') +
                                      " = make-call 7001 7002\n");
  auto r = run_command(callbench() + " run " + scn);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(":3:1: expected a call name (1 to 32 characters"), std::string::npos)
      << r.err;
}

TEST(ArgsCliTest, AJournalMissingATableIsBadInputNamingTheFile) {
  std::string j = recorded("j");
  ASSERT_EQ(run_command("sqlite3 " + j +
                        " 'DROP VIEW event_causes; DROP VIEW request_answers; DROP TABLE events'")
                .exit_code,
            0);
  for (const std::string& cmd :
       std::vector<std::string>{" replay " + j, " check " + j, " show " + j + " --session 1",
                                " sql " + j + " 'SELECT 1'"}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find(j + " is not a whole callbench journal: it has no table 'events'"),
              std::string::npos)
        << cmd << ": " << r.err;
  }
}

// ---- labels and names are data --------------------------------------------------------

TEST(ArgsCliTest, LabelsCannotChangeWhatALineMeansNorReachTheTerminalRaw) {
  std::string j = recorded("j", flow("internal"));
  auto original = run_command(callbench() + " run --format jsonl" + flow("internal"));
  // A label outside the rule (edited into the journal) is refused by every reader.
  for (const std::string& label : std::vector<std::string>{
           std::string("'x' || char(10) || 'option dial-info off #'"),
           "'" + std::string(450, 'x') + "'", std::string("char(27) || '[2J' || char(155)")}) {
    edit(j, "UPDATE sessions SET label = " + label);
    for (const std::string& cmd : std::vector<std::string>{
             " replay " + j, " check " + j, " show " + j, " show --format scn " + j,
             " sql " + j + " 'SELECT label FROM sessions'"}) {
      auto r = run_command(callbench() + cmd);
      EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.err;
      EXPECT_NE(r.err.find("session 1: column label"), std::string::npos) << cmd << ": " << r.err;
      for (const std::string& text : {r.out, r.err}) {
        EXPECT_EQ(text.find('\x1b'), std::string::npos) << cmd;
        EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << cmd;
        EXPECT_EQ(text.find("\noption"), std::string::npos) << cmd;
      }
    }
  }
  // A label within the rule, however odd, is a comment of the printed scenario that
  // cannot change what it plays.
  edit(j, "UPDATE sessions SET label = '" + std::string(150, 'y') +
              " '' # \\ option dial-info off caf\xc3\xa9'");
  auto scn = run_command(callbench() + " show " + j + " --format scn");
  ASSERT_EQ(scn.exit_code, 0) << scn.err;
  std::size_t longest = 0;
  for (std::size_t p = 0, e; (e = scn.out.find('\n', p)) != std::string::npos; p = e + 1) {
    longest = std::max(longest, e - p);
  }
  EXPECT_LE(longest, 512u) << scn.out;
  std::string path = write_temp("shown.scn", scn.out);
  auto played = run_command(callbench() + " run --format jsonl " + path);
  EXPECT_EQ(played.exit_code, 0) << played.err;
  // The same requests and events; the session line names each file's own label.
  auto body = [](const std::string& out) { return out.substr(out.find('\n') + 1); };
  EXPECT_EQ(body(played.out), body(original.out)) << "the shown scenario plays as recorded:\n"
                                                  << scn.out;
}

TEST(ArgsCliTest, AHeaderWithAnInvalidDnNameIsRefused) {
  std::string j = recorded("j", flow("internal"));
  {
    auto jj = testing::open_journal(j, Journal::Mode::kWrite);
    LoadedSession ls;
    std::vector<Event> events;
    ASSERT_TRUE(jj->read_session(1, &ls, &events).is_ok());
    SessionConfig c = ls.session.config;
    c.topology.dns[0].name = "70 01";
    Payload header = encode_header(c);
    Stmt st;
    ASSERT_TRUE(st.prepare(jj->db(), "UPDATE sessions SET header = ?").is_ok());
    st.bind_blob(1, header.data(), header.size());
    ASSERT_TRUE(st.run("update").is_ok());
  }
  for (const std::string& cmd :
       std::vector<std::string>{" replay " + j, " check " + j, " show --format scn " + j}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("session 1: header: session header: DN name '70 01' is not a DN name"),
              std::string::npos)
        << cmd << ": " << r.err;
    EXPECT_EQ(r.out.find("dn 70 01"), std::string::npos) << r.out;
  }
}

// A header naming a call no stimulus creates would print a scenario that parses back to
// another session: refused like any other mismatch.
TEST(ArgsCliTest, AHeaderNamingACallNeverCreatedIsRefused) {
  std::string j = recorded("j", flow("internal"));
  {
    auto jj = testing::open_journal(j, Journal::Mode::kWrite);
    LoadedSession ls;
    std::vector<Event> events;
    ASSERT_TRUE(jj->read_session(1, &ls, &events).is_ok());
    SessionConfig c = ls.session.config;
    c.call_names.push_back("ghost");
    Payload header = encode_header(c);
    Stmt st;
    ASSERT_TRUE(st.prepare(jj->db(), "UPDATE sessions SET header = ?").is_ok());
    st.bind_blob(1, header.data(), header.size());
    ASSERT_TRUE(st.run("update").is_ok());
  }
  auto r = run_command(callbench() + " show --format scn " + j);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("session 1: header: call ghost is named but never created"),
            std::string::npos)
      << r.err;
}

TEST(ArgsCliTest, AScenarioAtTheStatementLimitRecordsShowsAndPlaysBack) {
  std::string text = "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\n";
  for (int i = 1; i < 4096; ++i) text += "pause\n";
  std::string scn = write_temp("max.scn", text);
  std::string j = temp_journal("j");
  ASSERT_EQ(run_command(callbench() + " run --journal " + j + " " + scn + " >/dev/null").exit_code,
            0);
  auto shown = run_command(callbench() + " show --format scn " + j);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  std::string back = write_temp("max_back.scn", shown.out);
  auto r = run_command(callbench() + " run --format jsonl " + back);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto body = [](const std::string& out) { return out.substr(out.find('\n') + 1); };
  EXPECT_EQ(body(r.out), body(run_command(callbench() + " run --format jsonl " + scn).out));
}

// ---- output that cannot be written -----------------------------------------------------

TEST(ArgsCliTest, AFailedWriteToStandardOutputExitsThreeNamingTheFailure) {
  std::string j = recorded("j");
  std::string bug = temp_journal("bug");
  for (const std::string& cmd : std::vector<std::string>{
           " run" + flow("acd"), " replay " + j, " check " + j, " show " + j + " --session 1",
           " sql " + j + " 'SELECT * FROM events'", " export " + j + " --session 1 --out " + bug,
           " --help", " replay --help", " --version", " sql --help"}) {
    auto r = run_command(callbench() + cmd + " >/dev/full");
    EXPECT_EQ(r.exit_code, 3) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("writing standard output: No space left on device"), std::string::npos)
        << cmd << r.err;
  }
  // A closed pipe ends the command quietly, as `| head` users expect.
  auto piped = run_command(callbench() + " run" + flow("acd") + flow("park") + flow("routing") +
                           " | head -c 1 >/dev/null");
  EXPECT_EQ(piped.err, "");
}

}  // namespace
}  // namespace callbench
