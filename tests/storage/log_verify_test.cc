// The log tables of an imported session, verified by every reader (issue 8's one
// verification path: Journal::read_session -> check_log_rows, Journal::check_orphans ->
// check_log_tables): an edit of any log column, an orphan log row or a log_files count that
// disagrees with the rows makes replay, check, show and export exit 2 naming the session
// (or the orphan's stored session_id), the row and the column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "import/tserver_log.h"
#include "tests/journal_util.h"
#include "tests/test_util.h"

namespace callbench::testing {
namespace {

// Inserts `line` before the first line of `log` that starts with `before`, after `skip`
// such lines.
std::string insert_before(const std::string& log, const std::string& before,
                          const std::string& line, int skip = 0) {
  std::size_t at = 0;
  for (int i = 0; i <= skip; ++i) {
    at = log.find("\n" + before, at ? at + 1 : 0);
    EXPECT_NE(at, std::string::npos) << before;
    if (at == std::string::npos) return log;
  }
  return log.substr(0, at + 1) + line + "\n" + log.substr(at + 1);
}

// A corpus flow's T-Server log, with a CallUUID on its first request and its second event
// and a reply outside the model (EventACK, kept as a log_other row with its ConnID and
// ThisDN) at the end.
std::string flow_log(const char* name, const std::string& uuid) {
  std::string played = temp_journal(std::string("lv_played_") + name);
  auto r = run_command(callbench() + " run --journal " + played + flow(name));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_command(callbench() + " show " + played + " --format tserver-log");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string log = r.out;
  log = insert_before(log, "\tAttributeThisDN", "\tAttributeCallUUID\t'" + uuid + "-r'");
  log = insert_before(log, "\tAttributeConnID", "\tAttributeCallUUID\t'" + uuid + "-e'", 1);
  std::size_t conn = log.find("\tAttributeConnID\t");
  std::string conn_id = log.substr(conn + 17, 16);
  log +=
      "@00:00:09.0000 [0] 8.5.000.00 send_to_client: message EventACK\n"
      "\tAttributeConnID\t" +
      conn_id +
      "\n"
      "\tAttributeThisDN\t'7001'\n"
      "\tAttributeCallUUID\t'" +
      uuid + "-ack'\n";
  std::string path = temp_journal(std::string("lv_log_") + name) + ".log";
  std::ofstream(path, std::ios::binary) << log;
  return path;
}

// Sessions 1 and 2 imported from two flows' logs (acd, routing), session 3 played.
const std::string& imported_journal() {
  static const std::string j = [] {
    std::string path = temp_journal("lv_imported");
    std::string acd = flow_log("acd", "A"), routing = flow_log("routing", "R");
    auto r = run_command(callbench() + " import " + acd + " " + routing + " --journal " + path +
                         " --dn 7001=extension --dn 8001=acd-queue --dn 9001=routing-point "
                         "--dn 7002=extension");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    r = run_command(callbench() + " run --journal " + path + flow("park"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
  }();
  return j;
}

std::string copy_of(const std::string& tag) {
  std::string path = temp_journal(tag);
  std::filesystem::remove(path);
  std::filesystem::copy_file(imported_journal(), path);
  return path;
}

TEST(LogVerify, AnUntamperedImportedJournalReadsEverywhere) {
  const std::string& j = imported_journal();
  // The log rows are what the test means them to be: CallUUIDs, an EventACK with names.
  auto q = run_command(callbench() + " sql " + j +
                       " \"SELECT session_id, seq, message, conn_id IS NOT NULL, this_dn, "
                       "call_uuid FROM log_other ORDER BY session_id\"");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("EventACK"), std::string::npos) << q.out;
  EXPECT_NE(q.out.find("7001"), std::string::npos) << q.out;
  EXPECT_NE(q.out.find("R-ack"), std::string::npos) << q.out;
  q = run_command(callbench() + " sql " + j +
                  " \"SELECT count(*) FROM log_rows WHERE call_uuid IN ('A-r', 'A-e', 'R-r', "
                  "'R-e')\"");
  EXPECT_NE(q.out.find("\n4"), std::string::npos) << q.out;
  for (const std::string& cmd :
       {" replay " + j, " replay " + j + " --session 1", " replay " + j + " --session 3",
        " check " + j, " show " + j + " --session 2", " show " + j + " --session 3"}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.out << r.err;
  }
  std::string out = temp_journal("lv_clean_export");
  std::filesystem::remove(out);
  auto r = run_command(callbench() + " export " + j + " --session 1 --out " + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_command(callbench() + " check " + out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

struct Tamper {
  const char* sql;
  int session;           // the session the readers name with --session
  const char* expected;  // in every reader's error
};

TEST(LogVerify, EveryReaderRefusesEachTamperingOfTheLogTables) {
  const Tamper tampers[] = {
      // Orphans: rows of no session, or of no imported one, by any stored id.
      {"INSERT INTO log_other VALUES (99, 1, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 1,
       "log_other row session 99 seq 1 belongs to no imported session (column session_id)"},
      {"INSERT INTO log_other VALUES (1.5, 1, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 1,
       "log_other row with session_id 1.5 (REAL) seq 1 belongs to no session"},
      {"INSERT INTO log_other VALUES ('1', 7, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 1,
       "session 1 log row other 2 is missing (next is 7)"},
      {"INSERT INTO log_other VALUES (x'01', 1, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 1,
       "log_other row with session_id X'01' (BLOB) seq 1 belongs to no session"},
      {"INSERT INTO log_other VALUES (3, 1, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 3,
       "log_other row session 3 seq 1 belongs to no imported session"},
      {"INSERT INTO log_files VALUES (99, 'x.log', 1, 0, 0, 0, 0, 0, 0)", 2,
       "log_files row session 99 belongs to no session (column session_id)"},
      {"INSERT INTO log_files VALUES (3, 'x.log', 1, 0, 0, 0, 0, 0, 0)", 3,
       "log_files row session 3 names a session that is not an imported log"},
      {"INSERT INTO log_other VALUES (1, 2, 1, NULL, NULL, 'EventACK', NULL, NULL, x'00')", 1,
       "session 1 log row other 2: log row payload of 1 bytes is not whole 8-byte words"},
      // Log columns on a played session's rows.
      {"UPDATE events SET time = '2026-01-01' WHERE session_id = 3 AND seq = 2", 3,
       "session 3 event 2: column time is set, but the session is no imported log"},
      {"UPDATE requests SET log_payload = x'' WHERE session_id = 3 AND seq = 1", 3,
       "session 3 request 1: column log_payload is set"},
      // Each column against its payload, with its type.
      {"UPDATE events SET call_uuid = '' WHERE session_id = 2 AND seq = 3", 2,
       "session 2 log row event 3: column call_uuid differs from the payload"},
      {"UPDATE events SET call_uuid = x'' WHERE session_id = 1 AND seq = 4", 1,
       "session 1 log row event 4: column call_uuid differs from the payload"},
      {"UPDATE events SET call_uuid = NULL WHERE session_id = 1 AND seq = 2", 1,
       "session 1 log row event 2: column call_uuid differs from the payload"},
      {"UPDATE events SET call_uuid = CAST(call_uuid AS BLOB) WHERE session_id = 2 AND seq = 2", 2,
       "session 2 log row event 2: column call_uuid differs from the payload"},
      {"UPDATE requests SET call_uuid = '' WHERE session_id = 2 AND seq = 2", 2,
       "session 2 log row request 2: column call_uuid differs from the payload"},
      {"UPDATE requests SET call_uuid = 'A-r ' WHERE session_id = 1 AND seq = 1", 1,
       "session 1 log row request 1: column call_uuid differs from the payload"},
      {"UPDATE events SET time = CAST(time AS BLOB) WHERE session_id = 1 AND seq = 5", 1,
       "session 1 log row event 5: column time differs from the payload"},
      {"UPDATE requests SET time = NULL WHERE session_id = 2 AND seq = 1", 2,
       "session 2 log row request 1: column time differs from the payload"},
      {"UPDATE events SET line = CAST(line AS BLOB) WHERE session_id = 2 AND seq = 1", 2,
       "session 2 log row event 1: column line differs from the payload"},
      {"UPDATE events SET line = line + 0.5 WHERE session_id = 1 AND seq = 1", 1,
       "session 1 log row event 1: column line differs from the payload"},
      {"UPDATE events SET log_payload = NULL WHERE session_id = 2 AND seq = 6", 2,
       "session 2 log row event 6: column log_payload holds NULL, not BLOB"},
      {"UPDATE requests SET log_payload = CAST(log_payload AS TEXT) WHERE session_id = 1 AND seq "
       "= 2",
       1, "session 1 log row request 2: column log_payload holds TEXT, not BLOB"},
      {"UPDATE log_other SET call_uuid = CAST(call_uuid AS BLOB) WHERE session_id = 2", 2,
       "session 2 log row other 1: column call_uuid differs from the payload"},
      {"UPDATE log_other SET message = 'EventAck' WHERE session_id = 1", 1,
       "session 1 log row other 1: column message differs from the payload"},
      {"UPDATE log_other SET conn_id = NULL WHERE session_id = 2", 2,
       "session 2 log row other 1: column conn_id differs from the payload"},
      {"UPDATE log_other SET conn_id = upper(conn_id) WHERE session_id = 1", 1,
       "session 1 log row other 1: column conn_id differs from the payload"},
      {"UPDATE log_other SET this_dn = '' WHERE session_id = 1", 1,
       "session 1 log row other 1: column this_dn differs from the payload"},
      {"UPDATE log_other SET seq = 2 WHERE session_id = 2", 2,
       "session 2 log row other 1 is missing (next is 2)"},
      {"UPDATE log_other SET seq = '1x' WHERE session_id = 2", 2,
       "session 2 log row other 1: column seq holds TEXT, not INTEGER"},
      // A row moved from one imported session to the other.
      {"UPDATE log_other SET session_id = 2, seq = 2 WHERE session_id = 1; UPDATE log_files SET "
       "messages = messages - 1 WHERE session_id = 1; UPDATE log_files SET messages = messages + "
       "1 WHERE session_id = 2",
       2, "session 2 log row other 2: line"},
      // log_files' columns against the rows.
      {"UPDATE log_files SET messages = messages + 1 WHERE session_id = 1", 1,
       "session 1 log_files row: column messages 10 differs from its 9 log rows"},
      {"UPDATE log_files SET lines = 40 WHERE session_id = 2", 2,
       "session 2 log_files row: column lines 40 is less than line"},
      {"UPDATE log_files SET lines = 9 WHERE session_id = 1", 1,
       "session 1 log_files row: column lines 9 is less than"},
      {"UPDATE log_files SET unreadable = lines WHERE session_id = 2", 2,
       "session 2 log_files row: column lines"},
      {"UPDATE log_files SET lines = lines + 0.5 WHERE session_id = 1", 1,
       "session 1 log_files row: column lines holds REAL, not INTEGER"},
      {"UPDATE log_files SET unusable = 2 WHERE session_id = 1", 1,
       "session 1 log_files row: column unusable 2 exceeds its 1 rows outside the model"},
      {"UPDATE log_files SET truncated = 2 WHERE session_id = 2", 2,
       "session 2 log_files row: column truncated 2 is neither 0 nor 1"},
      {"UPDATE log_files SET anonymized = '1x' WHERE session_id = 2", 2,
       "session 2 log_files row: column anonymized holds TEXT, not INTEGER"},
      {"UPDATE log_files SET backup_copies = -1 WHERE session_id = 1", 1,
       "session 1 log_files row: column backup_copies -1 is negative"},
      {"UPDATE log_files SET source_file = '' WHERE session_id = 1", 1,
       "session 1 log_files row: column source_file names no file"},
      {"UPDATE log_files SET source_file = CAST(source_file AS BLOB) WHERE session_id = 2", 2,
       "session 2 log_files row: column source_file holds BLOB, not TEXT"},
      // The tables themselves.
      {"DROP TABLE log_files", 1, "the log tables are incomplete (log_files is missing)"},
      {"DROP VIEW log_rows; DROP TABLE log_other", 2,
       "the log tables are incomplete (log_other is missing)"},
      {"DROP VIEW log_rows; CREATE VIEW log_rows AS SELECT * FROM log_other WHERE 0; UPDATE "
       "events SET time = 'x' WHERE session_id = 2 AND seq = 2",
       2, "session 2 log row event 2: column time differs from the payload"},
  };
  int n = 0;
  for (const Tamper& t : tampers) {
    std::string j = copy_of("lv_tamper_" + std::to_string(++n));
    edit(j, t.sql);
    std::string out = temp_journal("lv_tamper_export_" + std::to_string(n));
    std::filesystem::remove(out);
    const std::string s = std::to_string(t.session);
    for (const std::string& cmd :
         {" replay " + j, " replay " + j + " --session " + s, " check " + j,
          " check " + j + " --session " + s, " show " + j + " --session " + s,
          " show " + j + " --session " + s + " --format tserver-log",
          " export " + j + " --session " + s + " --out " + out}) {
      auto r = run_command(callbench() + cmd);
      EXPECT_EQ(r.exit_code, 2) << t.sql << "\n" << cmd << ": " << r.out << r.err;
      EXPECT_NE(r.err.find(t.expected), std::string::npos)
          << t.sql << "\n"
          << cmd << ": wanted '" << t.expected << "' in: " << r.err;
      EXPECT_NE(r.err.find(j), std::string::npos) << cmd << ": " << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(out)) << t.sql;
  }
}

// With every imported session deleted with its requests and events, only the log tables
// keep rows of no session: `replay` of every session (whose sessions all take the fast
// path, which reads no log table) still finds them.
TEST(LogVerify, ReplayOfEverySessionFindsLogRowsLeftByDeletedSessions) {
  std::string j = copy_of("lv_deleted_imports");
  edit(j,
       "DELETE FROM events WHERE session_id IN (1, 2); DELETE FROM requests WHERE session_id IN "
       "(1, 2); DELETE FROM sessions WHERE session_id IN (1, 2)");
  for (const std::string& cmd : {" replay " + j, " replay " + j + " --session 3", " check " + j}) {
    auto r = run_command(callbench() + cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("belongs to no session"), std::string::npos) << cmd << ": " << r.err;
  }
}

}  // namespace
}  // namespace callbench::testing
