// The journal: schema and format checks, bad input of every kind answered with a
// precise error, crash safety under SIGKILL, readers during writes, export, decode().
#include "storage/journal.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "replay/replayer.h"
#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::exec;
using testing::open_journal;
using testing::record_file;
using testing::temp_journal;

// A journal with three recorded flows; returns its path.
std::string three_flows(const std::string& tag) {
  std::string path = temp_journal(tag);
  auto j = open_journal(path, Journal::Mode::kWrite);
  record_file(j.get(), "corpus/flows/internal.scn");
  record_file(j.get(), "corpus/flows/multi_acd.scn");
  record_file(j.get(), "corpus/flows/routing_2.scn");
  return path;
}

// What replaying `session` says: the Status message when the journal cannot be read,
// else the divergence report (empty when identical).
std::string replay_says(const std::string& path, int64_t session) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  if (!s.is_ok()) return s.message();
  ReplayResult r;
  s = replay_session(*j, session, &r);
  if (!s.is_ok()) return s.message();
  return r.identical ? "" : r.report;
}

void flip_byte(const std::string& path, const std::string& table, const std::string& column,
               int64_t session, int64_t seq, std::size_t offset) {
  auto j = open_journal(path, Journal::Mode::kWrite);
  Stmt read;
  std::string key = table == "sessions" ? "session_id = ?" : "session_id = ? AND seq = ?";
  ASSERT_TRUE(
      read.prepare(j->db(), "SELECT " + column + " FROM " + table + " WHERE " + key).is_ok());
  read.bind_int(1, session);
  if (table != "sessions") read.bind_int(2, seq);
  ASSERT_EQ(read.step(), SQLITE_ROW);
  Payload bytes(read.col_blob(0), read.col_blob(0) + read.col_bytes(0));
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= 0x5a;
  Stmt write;
  ASSERT_TRUE(
      write.prepare(j->db(), "UPDATE " + table + " SET " + column + " = ? WHERE " + key).is_ok());
  write.bind_blob(1, bytes.data(), bytes.size());
  write.bind_int(2, session);
  if (table != "sessions") write.bind_int(3, seq);
  ASSERT_TRUE(write.run("flip").is_ok());
}

// WAL while a writer has it open (readers query while it records); rollback mode once
// the last writer closed it, so that readers need no -shm and leave no file behind.
TEST(JournalTest, NewJournalHasTheSchemaVersionAndIsWalWhileWritten) {
  std::string path = three_flows("new");
  {
    auto w = open_journal(path, Journal::Mode::kWrite);
    Stmt mode;
    ASSERT_TRUE(mode.prepare(w->db(), "PRAGMA journal_mode").is_ok());
    ASSERT_EQ(mode.step(), SQLITE_ROW);
    EXPECT_EQ(mode.col_text(0), "wal");
  }
  auto j = open_journal(path, Journal::Mode::kRead);
  Stmt st;
  ASSERT_TRUE(
      st.prepare(j->db(),
                 "SELECT * FROM pragma_user_version, pragma_application_id, pragma_journal_mode")
          .is_ok());
  ASSERT_EQ(st.step(), SQLITE_ROW);
  EXPECT_EQ(st.col_int(0), kJournalSchemaVersion);
  EXPECT_EQ(st.col_int(1), kJournalApplicationId);
  EXPECT_EQ(st.col_text(2), "delete");
  std::vector<SessionInfo> all;
  ASSERT_TRUE(j->sessions(&all).is_ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[1].complete);
  EXPECT_EQ(all[1].label, "corpus/flows/multi_acd.scn");
  EXPECT_EQ(all[1].seed, "1");
  EXPECT_EQ(all[1].created_at, "2026-01-01T00:00:00Z");
}

TEST(JournalTest, DecodedColumnsHoldWhatThePayloadsHold) {
  std::string path = three_flows("columns");
  auto j = open_journal(path, Journal::Mode::kRead);
  ASSERT_TRUE(register_sql_functions(j->db()).is_ok());
  Stmt st;
  ASSERT_TRUE(st.prepare(j->db(),
                         "SELECT count(*) FROM events WHERE this_dn IS NOT "
                         "json_extract(decode(payload), '$.ThisDN') "
                         "OR event IS NOT json_extract(decode(payload), '$.event') "
                         "OR this_queue IS NOT json_extract(decode(payload), '$.ThisQueue') "
                         "OR call_state IS NOT json_extract(decode(payload), '$.CallState') "
                         "OR conn_id IS NOT json_extract(decode(payload), '$.ConnID')")
                  .is_ok());
  ASSERT_EQ(st.step(), SQLITE_ROW);
  EXPECT_EQ(st.col_int(0), 0);
  Stmt n;
  ASSERT_TRUE(n.prepare(j->db(), "SELECT count(*) FROM events").is_ok());
  ASSERT_EQ(n.step(), SQLITE_ROW);
  EXPECT_GT(n.col_int(0), 15);
}

TEST(JournalTest, DecodeGivesJsonOfEveryKindOfPayloadAndRefusesGarbage) {
  std::string path = three_flows("decode");
  auto j = open_journal(path, Journal::Mode::kRead);
  ASSERT_TRUE(register_sql_functions(j->db()).is_ok());
  Stmt st;
  ASSERT_TRUE(
      st.prepare(
            j->db(),
            "SELECT (SELECT decode(header) FROM sessions WHERE session_id = 2), "
            "(SELECT decode(payload) FROM requests WHERE session_id = 2 AND seq = 2), "
            "(SELECT decode(payload) FROM events WHERE session_id = 2 AND seq = 5), decode(NULL)")
          .is_ok());
  ASSERT_EQ(st.step(), SQLITE_ROW);
  EXPECT_EQ(st.col_text(0).rfind(R"({"formatVersion":1,)", 0), 0u) << st.col_text(0);
  EXPECT_EQ(st.col_text(1), R"({"request":"queue","seq":2,"call":"c1","ThisDN":"8002"})");
  EXPECT_EQ(st.col_text(2).rfind(R"({"event":"EventDiverted","seq":5,)", 0), 0u) << st.col_text(2);
  EXPECT_TRUE(st.col_null(3));
  Stmt bad;
  ASSERT_TRUE(bad.prepare(j->db(), "SELECT decode(x'0102030405060708')").is_ok());
  EXPECT_EQ(bad.step(), SQLITE_ERROR);
  EXPECT_NE(std::string(sqlite3_errmsg(j->db())).find("decode(): payload is not"),
            std::string::npos)
      << sqlite3_errmsg(j->db());
}

// ---- Bad input: each gives a precise error naming session and seq -------------------

TEST(BadJournalTest, FlippedEventPayloadByteNamesSessionAndSeq) {
  for (std::size_t offset : {0u, 9u, 17u, 40u, 64u}) {
    std::string path = three_flows("flip_event_" + std::to_string(offset));
    flip_byte(path, "events", "payload", 2, 4, offset);
    std::string says = replay_says(path, 2);
    EXPECT_NE(says.find("session 2"), std::string::npos) << says;
    EXPECT_NE(says.find("4"), std::string::npos) << says;
    EXPECT_EQ(replay_says(path, 1), "") << "other sessions are untouched";
  }
}

TEST(BadJournalTest, FlippedRequestPayloadByteNamesTheRequest) {
  for (std::size_t offset : {8u, 17u, 24u}) {
    std::string path = three_flows("flip_request_" + std::to_string(offset));
    flip_byte(path, "requests", "payload", 3, 2, offset);
    std::string says = replay_says(path, 3);
    EXPECT_NE(says.find("session 3"), std::string::npos) << says;
    EXPECT_NE(says.find("request"), std::string::npos) << says;
  }
}

TEST(BadJournalTest, FlippedHeaderByte) {
  std::string path = three_flows("flip_header");
  flip_byte(path, "sessions", "header", 1, 0, 30);
  std::string says = replay_says(path, 1);
  EXPECT_NE(says.find("session 1"), std::string::npos) << says;
  EXPECT_NE(says.find("header"), std::string::npos) << says;
}

TEST(BadJournalTest, DeletedEventRow) {
  std::string path = three_flows("delete_event");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "DELETE FROM events WHERE session_id = 2 AND seq = 3");
  }
  std::string says = replay_says(path, 2);
  EXPECT_NE(says.find("session 2: event seq 3 is missing (next is 4)"), std::string::npos) << says;
}

TEST(BadJournalTest, DeletedLastEventRowOfACompleteSession) {
  std::string path = three_flows("delete_last_event");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "DELETE FROM events WHERE session_id = 1 AND seq = (SELECT max(seq) FROM events WHERE "
         "session_id = 1)");
  }
  std::string says = replay_says(path, 1);
  EXPECT_NE(says.find("session 1: 3 event rows, but the session records 4 (column event_count)"),
            std::string::npos)
      << says;
}

TEST(BadJournalTest, DeletedRequestRow) {
  std::string path = three_flows("delete_request");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "DELETE FROM requests WHERE session_id = 2 AND seq = 2");
  }
  std::string says = replay_says(path, 2);
  EXPECT_NE(says.find("session 2: request seq 2 is missing"), std::string::npos) << says;
}

// Every reader verifies the same way: replay too refuses a journal whose decoded
// columns were edited (it used to call it bit-exact), naming session, seq and column.
TEST(BadJournalTest, AlteredColumn) {
  std::string path = three_flows("column");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE events SET this_dn = '9999' WHERE session_id = 2 AND seq = 2");
  }
  EXPECT_NE(replay_says(path, 2).find("session 2 event 2: column this_dn differs from the payload"),
            std::string::npos)
      << replay_says(path, 2);
  auto j = open_journal(path, Journal::Mode::kRead);
  LoadedSession ls;
  std::vector<Event> events;
  Status s = j->read_session(2, &ls, &events);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find("session 2 event 2: column this_dn differs from the payload"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(j->read_session(1, &ls, &events).is_ok()) << "other sessions read";
}

// The same bytes as a BLOB are not the same column: SQL's WHERE this_dn = '7002' would
// not find the row.
TEST(BadJournalTest, AColumnOfTheWrongTypeIsRefused) {
  std::string path = three_flows("column_type");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE events SET this_dn = CAST(this_dn AS BLOB) WHERE session_id = 1 AND seq = 2");
  }
  EXPECT_NE(replay_says(path, 1).find("session 1 event 2: column this_dn differs from the payload"),
            std::string::npos)
      << replay_says(path, 1);
}

TEST(BadJournalTest, AlteredRequestColumnIsRefusedByReplay) {
  std::string path = three_flows("request_column");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE requests SET this_dn = '9999' WHERE session_id = 3 AND seq = 1");
  }
  EXPECT_NE(
      replay_says(path, 3).find("session 3 request 1: column this_dn differs from the payload"),
      std::string::npos)
      << replay_says(path, 3);
}

// The one column not in a request's payload, its call's ConnID, is checked against the
// call's events: edited, emptied, or a ConnID that is not one.
TEST(BadJournalTest, AlteredRequestConnIdIsRefused) {
  for (const char* value : {"'00000000000000ff'", "NULL", "'xyz'"}) {
    std::string path = three_flows("request_conn_id");
    {
      exec(open_journal(path, Journal::Mode::kWrite).get(),
           std::string("UPDATE requests SET conn_id = ") + value +
               " WHERE session_id = 2 AND seq = 2");
    }
    std::string says = replay_says(path, 2);
    EXPECT_NE(says.find("session 2 request 2: column conn_id"), std::string::npos)
        << value << ": " << says;
    EXPECT_EQ(replay_says(path, 1).find("conn_id"), std::string::npos) << "other sessions read";
  }
}

TEST(BadJournalTest, AStatusThatIsNeitherCompleteNorIncompleteIsRefused) {
  std::string path = three_flows("status");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "PRAGMA ignore_check_constraints = 1; UPDATE sessions SET status = 'done' WHERE "
         "session_id = 2");
  }
  EXPECT_NE(replay_says(path, 2).find(
                "session 2: column status 'done' is neither 'complete' nor 'incomplete'"),
            std::string::npos)
      << replay_says(path, 2);
}

TEST(BadJournalTest, AnEngineVersionColumnThatDiffersFromTheHeaderIsRefused) {
  std::string path = three_flows("engine");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE sessions SET engine_version = 'callbench 9' WHERE session_id = 1");
  }
  EXPECT_NE(replay_says(path, 1).find(
                "session 1: column engine_version 'callbench 9' differs from the header's"),
            std::string::npos)
      << replay_says(path, 1);
}

TEST(BadJournalTest, OrphanRowsAreRefused) {
  std::string path = three_flows("orphans");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "INSERT INTO events SELECT 77, seq, request_seq, payload, event, call, conn_id, this_dn, "
         "this_dn_role, "
         "other_dn, other_dn_role, third_party_dn, third_party_dn_role, this_queue, "
         "third_party_queue, call_state, "
         "reference_id, error_code FROM events WHERE session_id = 1");
  }
  std::string says = replay_says(path, 1);
  EXPECT_NE(says.find("events row session 77 seq 1 belongs to no session (column session_id)"),
            std::string::npos)
      << says;
  std::string req = three_flows("orphan_requests");
  {
    exec(open_journal(req, Journal::Mode::kWrite).get(),
         "INSERT INTO requests SELECT 9, seq, payload, request, tlib, call, conn_id, this_dn, "
         "other_dn, reference_id, "
         "call_state, ignored FROM requests WHERE session_id = 2");
  }
  EXPECT_NE(replay_says(req, 2).find("requests row session 9 seq 1 belongs to no session"),
            std::string::npos);
}

TEST(BadJournalTest, AlteredDigest) {
  std::string path = three_flows("digest");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE sessions SET digest = '0000000000000001' WHERE session_id = 3");
  }
  std::string says = replay_says(path, 3);
  EXPECT_NE(says.find("session 3: its events hash to digest"), std::string::npos) << says;
  // export refuses it too: a bug report that fails replay is never written.
  std::string out = temp_journal("digest_bug");
  auto j = open_journal(path, Journal::Mode::kRead);
  Status s = export_session(*j, 3, out, false);
  EXPECT_NE(s.message().find("session 3: its events hash to digest"), std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(BadJournalTest, PayloadThatIsNotCapnProto) {
  std::string path = three_flows("garbage");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE events SET payload = x'00000000ffffffff0102030405060708' WHERE session_id = 2 AND "
         "seq = 6");
  }
  std::string says = replay_says(path, 2);
  EXPECT_NE(says.find("session 2 event 6"), std::string::npos) << says;
  EXPECT_NE(says.find("payload"), std::string::npos) << says;
}

TEST(BadJournalTest, PayloadNestedAndOversized) {
  std::string path = three_flows("oversized");
  {
    auto j = open_journal(path, Journal::Mode::kWrite);
    exec(j.get(), "UPDATE events SET payload = zeroblob(1048576) WHERE session_id = 2 AND seq = 1");
    exec(j.get(),
         "UPDATE requests SET payload = x'0100000000000000' WHERE session_id = 3 AND seq = 1");
  }
  std::string says = replay_says(path, 2);
  EXPECT_NE(says.find("session 2 event 1"), std::string::npos) << says;
  EXPECT_NE(says.find("exceeds the limit"), std::string::npos) << says;
  says = replay_says(path, 3);
  EXPECT_NE(says.find("session 3 request 1"), std::string::npos) << says;
}

TEST(BadJournalTest, TruncatedFile) {
  std::string path = three_flows("truncated");
  {
    auto j = open_journal(path, Journal::Mode::kWrite);
    exec(j.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
  }
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
  std::filesystem::remove(path + "-wal");
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  bool failed = !s.is_ok();
  for (int64_t id = 1; id <= 3 && !failed; ++id) {
    std::string says = replay_says(path, id);
    failed = !says.empty();
    if (failed) {
      EXPECT_TRUE(says.find("malformed") != std::string::npos ||
                  says.find("session") != std::string::npos)
          << says;
    }
  }
  EXPECT_TRUE(failed) << "half a journal must not replay as whole";
}

TEST(BadJournalTest, NotASqliteFile) {
  std::string path = temp_journal("text");
  std::ofstream(path) << "this is a scenario, not a journal\n" << std::string(4096, 'x');
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  EXPECT_EQ(s.code(), Status::Code::kCorrupt);
  EXPECT_NE(s.message().find(path + " is not a callbench journal"), std::string::npos)
      << s.message();
  s = Journal::open(path, Journal::Mode::kWrite, &j);
  EXPECT_FALSE(s.is_ok()) << "never write into a file that is not a journal";
}

TEST(BadJournalTest, SqliteDatabaseThatIsNotAJournal) {
  std::string path = temp_journal("other");
  {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  EXPECT_NE(s.message().find("is a SQLite database but not a callbench journal"), std::string::npos)
      << s.message();
}

TEST(BadJournalTest, OtherSchemaVersion) {
  std::string path = three_flows("version");
  { exec(open_journal(path, Journal::Mode::kWrite).get(), "PRAGMA user_version = 7"); }
  std::unique_ptr<Journal> j;
  Status s = Journal::open(path, Journal::Mode::kRead, &j);
  EXPECT_NE(s.message().find("has journal schema version 7; this callbench reads version 1"),
            std::string::npos)
      << s.message();
}

TEST(BadJournalTest, MissingFileAndSession) {
  std::unique_ptr<Journal> j;
  Status s = Journal::open("/nonexistent/j.db", Journal::Mode::kRead, &j);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  std::string path = three_flows("nosession");
  EXPECT_NE(replay_says(path, 9).find("no session 9"), std::string::npos);
}

// ---- Crash safety and concurrency -------------------------------------------------

std::string many_calls_scenario(int n) {
  std::string text = "dn 7001 extension\ndn 7002 extension\n";
  for (int i = 0; i < n; ++i) {
    text += "c" + std::to_string(i) + " = make-call 7001 7002\nanswer 7002 c" + std::to_string(i) +
            "\nrelease 7001 c" + std::to_string(i) + "\n";
  }
  return text;
}

// A recording process killed with SIGKILL part-way through its third session leaves
// the first two intact and replayable, the third incomplete but replayable up to its
// last committed event, and a database that passes its integrity check.
TEST(CrashTest, SigkillPartWayLeavesEarlierSessionsIntact) {
  std::string path = temp_journal("kill");
  int ready[2], go[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(go), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<Journal> j;
    if (!Journal::open(path, Journal::Mode::kWrite, &j).is_ok()) ::_exit(10);
    for (const char* flow : {"corpus/flows/acd.scn", "corpus/flows/park.scn"}) {
      Scenario sc;
      Recorded rec;
      if (!load_scenario(testing::source_path(flow), &sc).is_ok()) ::_exit(11);
      if (!record_session(j.get(), sc.session, flow, "t", {}, &rec).is_ok()) ::_exit(12);
    }
    Scenario big = testing::parse_text(many_calls_scenario(250));
    RecorderOptions options;
    options.batch_rows = 50;
    int commits = 0;
    options.on_commit = [&](int64_t, int64_t) {
      if (++commits == 1) {  // let the parent read while this writer is mid-session
        char c = 'r';
        (void)!::write(ready[1], &c, 1);
        (void)!::read(go[0], &c, 1);
      }
      if (commits == 3) ::kill(::getpid(), SIGKILL);
    };
    Recorded rec;
    (void)record_session(j.get(), big.session, "big", "t", options, &rec);
    ::_exit(13);  // not reached: killed at the third commit
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  {
    // A reader queries while the writer holds the journal mid-session.
    auto reader = open_journal(path, Journal::Mode::kRead);
    std::vector<SessionInfo> all;
    ASSERT_TRUE(reader->sessions(&all).is_ok());
    ASSERT_EQ(all.size(), 3u);
    EXPECT_FALSE(all[2].complete);
    EXPECT_GT(all[2].event_count, 0);
    ReplayResult r;
    ASSERT_TRUE(replay_session(*reader, 1, &r).is_ok());
    EXPECT_TRUE(r.identical) << r.report;
  }
  ASSERT_EQ(::write(go[1], "g", 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  auto j = open_journal(path, Journal::Mode::kRead);
  std::string integrity;
  ASSERT_TRUE(j->integrity_check(&integrity).is_ok());
  EXPECT_EQ(integrity, "ok");
  std::vector<SessionInfo> all;
  ASSERT_TRUE(j->sessions(&all).is_ok());
  ASSERT_EQ(all.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(all[static_cast<std::size_t>(i)].complete);
    ReplayResult r;
    ASSERT_TRUE(replay_session(*j, all[static_cast<std::size_t>(i)].id, &r).is_ok());
    EXPECT_TRUE(r.identical) << r.report;
  }
  EXPECT_FALSE(all[2].complete);
  ReplayResult r;
  Status s = replay_session(*j, all[2].id, &r);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_TRUE(r.identical) << r.report;
  EXPECT_TRUE(r.incomplete);
  EXPECT_EQ(static_cast<int64_t>(r.events), all[2].event_count);
  EXPECT_LT(r.requests, 750u);
  EXPECT_NE(r.summary.find("incomplete recording: replayed up to its last event"),
            std::string::npos)
      << r.summary;
}

TEST(ConcurrencyTest, ReaderQueriesWhileAWriterHoldsAnOpenTransaction) {
  std::string path = three_flows("concurrent");
  auto writer = open_journal(path, Journal::Mode::kWrite);
  exec(writer.get(), "BEGIN IMMEDIATE; DELETE FROM events WHERE session_id = 1;");
  auto reader = open_journal(path, Journal::Mode::kRead);
  ReplayResult r;
  Status s = replay_session(*reader, 1, &r);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_TRUE(r.identical) << "the reader sees the last committed state";
  exec(writer.get(), "ROLLBACK");
}

// ---- Export -----------------------------------------------------------------------

TEST(ExportTest, WritesAOneSessionJournalThatReplays) {
  std::string path = three_flows("export");
  std::string out = temp_journal("bug");
  auto j = open_journal(path, Journal::Mode::kRead);
  Status s = export_session(*j, 2, out, false);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_FALSE(std::filesystem::exists(out + "-wal"));
  auto bug = open_journal(out, Journal::Mode::kRead);
  std::vector<SessionInfo> all;
  ASSERT_TRUE(bug->sessions(&all).is_ok());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, 2);
  ReplayResult r;
  ASSERT_TRUE(replay_session(*bug, 2, &r).is_ok());
  EXPECT_TRUE(r.identical) << r.report;
  s = export_session(*j, 2, out, false);
  EXPECT_NE(s.message().find("already exists"), std::string::npos);
  EXPECT_TRUE(export_session(*j, 3, out, true).is_ok());
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(out).parent_path())) {
    EXPECT_EQ(entry.path().string().find(out + ".tmp"), std::string::npos)
        << "leftover " << entry.path();
  }
}

TEST(ExportTest, RefusesACorruptSessionAndWritesNothing) {
  std::string path = three_flows("export_bad");
  {
    exec(open_journal(path, Journal::Mode::kWrite).get(),
         "UPDATE events SET this_dn = 'x' WHERE session_id = 2");
  }
  std::string out = temp_journal("bug_bad");
  auto j = open_journal(path, Journal::Mode::kRead);
  Status s = export_session(*j, 2, out, false);
  EXPECT_FALSE(s.is_ok());
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace callbench
