// The one row writer (storage/row_writer.h): sessions sharing a recording transaction
// (one commit per batch, not two per session), what a killed recorder leaves with it,
// and imported logs' rows folded into their events and requests rows, including a
// journal of the earlier layout (a log_rows table) moved to this one on its next import.
#include "storage/row_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/scenario.h"
#include "import/log_journal.h"
#include "import/tserver_log.h"
#include "replay/replayer.h"
#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::exec;
using testing::open_journal;
using testing::record_file;
using testing::temp_journal;

int64_t count(Journal* j, const std::string& sql) {
  Stmt st;
  EXPECT_TRUE(st.prepare(j->db(), sql).is_ok()) << sql;
  EXPECT_EQ(st.step(), SQLITE_ROW) << sql;
  return st.col_int(0);
}

void expect_all_replay(const std::string& path, std::size_t sessions) {
  auto j = open_journal(path, Journal::Mode::kRead);
  std::vector<SessionInfo> all;
  ASSERT_TRUE(j->sessions(&all).is_ok());
  ASSERT_EQ(all.size(), sessions);
  for (const SessionInfo& info : all) {
    ReplayResult r;
    Status s = replay_session(*j, info.id, &r);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_TRUE(r.identical) << r.report;
  }
}

// Sessions recorded with share_transaction are one transaction until it holds
// batch_rows rows: another connection sees none of them before the commit, all of them
// complete after, and they replay bit-exactly.
TEST(RowWriterTest, SessionsShareATransactionUntilTheBatchIsFull) {
  std::string path = temp_journal("shared");
  auto w = open_journal(path, Journal::Mode::kWrite);
  RecorderOptions options;
  options.share_transaction = true;
  options.batch_rows = 100000;
  int commits = 0;
  options.on_commit = [&](int64_t, int64_t) { ++commits; };
  const char* flows[] = {"corpus/flows/acd.scn", "corpus/flows/park.scn",
                         "corpus/flows/routing_2.scn", "corpus/flows/hold.scn"};
  for (const char* f : flows) record_file(w.get(), f, options);
  EXPECT_EQ(commits, 0);
  EXPECT_TRUE(w->writer().in_transaction());
  {
    auto r = open_journal(path, Journal::Mode::kRead);
    std::vector<SessionInfo> all;
    ASSERT_TRUE(r->sessions(&all).is_ok());
    EXPECT_TRUE(all.empty()) << "a reader saw an uncommitted batch";
  }
  ASSERT_TRUE(w->commit().is_ok());
  EXPECT_FALSE(w->writer().in_transaction());
  EXPECT_EQ(count(w.get(), "SELECT count(*) FROM sessions WHERE status = 'complete'"), 4);
  w.reset();
  expect_all_replay(path, 4);

  // A small batch commits at stimulus boundaries, within and across sessions.
  std::string small = temp_journal("small");
  auto s = open_journal(small, Journal::Mode::kWrite);
  options.batch_rows = 7;
  commits = 0;
  for (const char* f : flows) record_file(s.get(), f, options);
  EXPECT_GT(commits, 4);
  s.reset();  // closing commits the last batch, which holds only ended sessions
  expect_all_replay(small, 4);
}

// Without share_transaction (every other caller of record_session) each session is
// committed when it ends: one commit per session.
TEST(RowWriterTest, ASessionOfItsOwnIsOneCommit) {
  std::string path = temp_journal("own");
  auto w = open_journal(path, Journal::Mode::kWrite);
  int commits = 0;
  RecorderOptions options;
  options.on_commit = [&](int64_t, int64_t) { ++commits; };
  record_file(w.get(), "corpus/flows/acd.scn", options);
  record_file(w.get(), "corpus/flows/park.scn", options);
  EXPECT_EQ(commits, 2);
  EXPECT_FALSE(w->writer().in_transaction());
}

// A recorder killed while sessions share a transaction: the sessions of the last commit
// are whole and replay, the one cut short by the commit is 'incomplete' and replays up
// to its last committed event, what came after the commit is not in the journal at
// all, and the file passes its integrity check.
TEST(RowWriterTest, KilledWhileSessionsShareATransaction) {
  std::string path = temp_journal("killed");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<Journal> j;
    if (!Journal::open(path, Journal::Mode::kWrite, &j).is_ok()) ::_exit(10);
    RecorderOptions options;
    options.share_transaction = true;
    options.batch_rows = 60;
    int commits = 0;
    options.on_commit = [&](int64_t, int64_t) {
      if (++commits == 2) ::kill(::getpid(), SIGKILL);
    };
    std::string big =
        "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\n"
        "answer 7002 c1\n";
    for (int i = 0; i < 200; ++i) big += "hold 7001 c1\nretrieve 7001 c1\n";
    for (const char* flow : {"corpus/flows/acd.scn", "corpus/flows/park.scn"}) {
      Scenario sc;
      Recorded rec;
      if (!load_scenario(testing::source_path(flow), &sc).is_ok()) ::_exit(11);
      if (!record_session(j.get(), sc.session, "shared", "t", options, &rec).is_ok()) ::_exit(12);
    }
    Scenario sc = testing::parse_text(big);
    Recorded rec;
    (void)record_session(j.get(), sc.session, "big", "t", options, &rec);
    ::_exit(13);  // not reached: killed at the second commit, mid-session
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);

  auto j = open_journal(path, Journal::Mode::kRead);
  std::string integrity;
  ASSERT_TRUE(j->integrity_check(&integrity).is_ok());
  EXPECT_EQ(integrity, "ok");
  std::vector<SessionInfo> all;
  ASSERT_TRUE(j->sessions(&all).is_ok());
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(all[i].complete);
    ReplayResult r;
    ASSERT_TRUE(replay_session(*j, all[i].id, &r).is_ok());
    EXPECT_TRUE(r.identical) << r.report;
  }
  EXPECT_FALSE(all[2].complete);
  ReplayResult r;
  Status s = replay_session(*j, all[2].id, &r);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_TRUE(r.identical) << r.report;
  EXPECT_TRUE(r.incomplete);
  EXPECT_EQ(static_cast<int64_t>(r.events), all[2].event_count);
  EXPECT_LT(r.requests, 402u);
}

// A session whose recording fails part-way (here: its recorder destroyed before
// finish) is rolled back with the open batch; the journal keeps its last commit.
TEST(RowWriterTest, ASessionCutShortIsRolledBack) {
  std::string path = temp_journal("cut");
  auto w = open_journal(path, Journal::Mode::kWrite);
  record_file(w.get(), "corpus/flows/acd.scn");
  {
    Scenario sc;
    ASSERT_TRUE(load_scenario(testing::source_path("corpus/flows/park.scn"), &sc).is_ok());
    Recorder recorder(w.get());
    ASSERT_TRUE(recorder.begin(sc.session.config, "cut", "t").is_ok());
    Engine engine(sc.session.config);
    std::vector<Event> events;
    ApplyResult result = engine.apply(sc.session.stimuli[0], &events);
    ASSERT_TRUE(
        recorder.record(sc.session.stimuli[0], result, events.data(), events.size()).is_ok());
  }
  EXPECT_FALSE(w->writer().in_transaction());
  w.reset();
  expect_all_replay(path, 1);
}

// An imported log: one row per event and request (its log columns on that row), the
// messages outside the model in log_other, and the view log_rows showing them all.
std::string import_flow(const std::string& tag, const char* flow_file, std::string* log_text) {
  std::string src = temp_journal(tag + "_src");
  {
    auto j = open_journal(src, Journal::Mode::kWrite);
    record_file(j.get(), flow_file);
  }
  auto j = open_journal(src, Journal::Mode::kRead);
  LoadedSession ls;
  std::vector<Event> events;
  EXPECT_TRUE(j->read_session(1, &ls, &events).is_ok());
  *log_text = render_tserver_log(ls.session, events);
  return src;
}

Status import_text(Journal* j, const std::string& text, const std::string& name) {
  LogFile file;
  Status s = read_tserver_log_text(text, name, &file);
  if (!s.is_ok()) return s;
  ImportedLog log;
  Pseudonyms names;
  s = log_to_session(std::move(file), ImportOptions{}, &names, &log);
  if (!s.is_ok()) return s;
  int64_t id = 0;
  return write_imported(*j, log, name, "t", false, &id);
}

TEST(RowWriterTest, AnImportedMessageIsOneRow) {
  std::string text;
  import_flow("one", "corpus/flows/acd.scn", &text);
  text +=
      "@00:00:09.0000 [0] 8.1.101.25 distribute_event: message EventACK\n"
      "\tAttributeThisDN\t'7001'\n";
  std::string path = temp_journal("imp");
  auto j = open_journal(path, Journal::Mode::kWrite);
  Status s = import_text(j.get(), text, "acd.log");
  ASSERT_TRUE(s.is_ok()) << s.message();
  int64_t events = count(j.get(), "SELECT count(*) FROM events");
  int64_t requests = count(j.get(), "SELECT count(*) FROM requests");
  ASSERT_GT(events, 3);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM events WHERE log_payload IS NOT NULL"), events);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_rows WHERE kind = 'event'"), events);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_rows WHERE kind = 'request'"), requests);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_other"), 1);
  EXPECT_EQ(count(j.get(),
                  "SELECT count(*) FROM log_rows WHERE kind = 'other' AND message = "
                  "'EventACK'"),
            1);
  // The views join each row's log columns: every event has its line and file.
  EXPECT_EQ(count(j.get(),
                  "SELECT count(*) FROM log_events WHERE line > 0 AND source_file = 'acd.log' "
                  "AND log_payload IS NOT NULL"),
            events);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_requests WHERE line > 0"), requests);
  // A played session in the same journal has no log columns and no log rows.
  record_file(j.get(), "corpus/flows/park.scn");
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_rows WHERE session_id = 2"), 0);
  j.reset();
  auto r = open_journal(path, Journal::Mode::kRead);
  LoadedSession ls;
  std::vector<Event> evs;
  s = r->read_session(1, &ls, &evs);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_TRUE(ls.session.observed);
}

// A log column that differs from its payload is found by the verifying reader.
TEST(RowWriterTest, AnAlteredLogColumnIsRefused) {
  std::string text;
  import_flow("alt", "corpus/flows/park.scn", &text);
  std::string path = temp_journal("imp");
  {
    auto j = open_journal(path, Journal::Mode::kWrite);
    ASSERT_TRUE(import_text(j.get(), text, "park.log").is_ok());
    exec(j.get(), "UPDATE events SET line = line + 1 WHERE seq = 2");
  }
  auto r = open_journal(path, Journal::Mode::kRead);
  LoadedSession ls;
  std::vector<Event> evs;
  Status s = r->read_session(1, &ls, &evs);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("log row event 2: column line differs from the payload"),
            std::string::npos)
      << s.message();
}

// A journal imported into by the earlier layout (a log_rows table beside events rows
// without log columns) reads as it is, and its next import moves it to this layout:
// every earlier row keeps its line, time and payload.
TEST(RowWriterTest, TheEarlierLayoutIsReadAndMovedOnTheNextImport) {
  std::string text;
  import_flow("old", "corpus/flows/acd.scn", &text);
  std::string path = temp_journal("old");
  {
    auto j = open_journal(path, Journal::Mode::kWrite);
    ASSERT_TRUE(import_text(j.get(), text, "first.log").is_ok());
    // Back to the earlier layout, as an earlier version wrote it.
    exec(j.get(), R"sql(
BEGIN;
CREATE TABLE old_rows (
  session_id INTEGER NOT NULL REFERENCES sessions (session_id),
  kind TEXT NOT NULL CHECK (kind IN ('event', 'request', 'other')),
  seq INTEGER NOT NULL, line INTEGER NOT NULL, time TEXT, call_uuid TEXT,
  message TEXT NOT NULL, conn_id TEXT, this_dn TEXT, payload BLOB NOT NULL,
  PRIMARY KEY (session_id, kind, seq)) WITHOUT ROWID;
INSERT INTO old_rows SELECT session_id, kind, seq, line, time, call_uuid, message, conn_id,
  this_dn, payload FROM log_rows;
DROP VIEW log_rows; DROP VIEW log_events; DROP VIEW log_requests; DROP TABLE log_other;
ALTER TABLE old_rows RENAME TO log_rows;
ALTER TABLE events DROP COLUMN line; ALTER TABLE events DROP COLUMN time;
ALTER TABLE events DROP COLUMN call_uuid; ALTER TABLE events DROP COLUMN log_payload;
ALTER TABLE requests DROP COLUMN line; ALTER TABLE requests DROP COLUMN time;
ALTER TABLE requests DROP COLUMN call_uuid; ALTER TABLE requests DROP COLUMN log_payload;
CREATE VIEW log_events AS SELECT e.*, l.time, l.call_uuid, l.line, f.source_file,
  l.payload AS log_payload FROM events e
  JOIN log_rows l ON l.session_id = e.session_id AND l.kind = 'event' AND l.seq = e.seq
  JOIN log_files f ON f.session_id = e.session_id;
COMMIT;
)sql");
  }
  {
    auto r = open_journal(path, Journal::Mode::kRead);
    LoadedSession ls;
    std::vector<Event> evs;
    Status s = r->read_session(1, &ls, &evs);
    ASSERT_TRUE(s.is_ok()) << "the earlier layout reads: " << s.message();
    // Its export is a bug report of this layout, its log rows whole.
    std::string bug = temp_journal("old_bug");
    s = export_session(*r, 1, bug, false);
    ASSERT_TRUE(s.is_ok()) << s.message();
    auto b = open_journal(bug, Journal::Mode::kRead);
    LoadedSession bl;
    std::vector<Event> bevs;
    s = b->read_session(1, &bl, &bevs);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_EQ(count(b.get(), "SELECT count(*) FROM log_rows"),
              count(r.get(), "SELECT count(*) FROM log_rows"));
    EXPECT_EQ(count(b.get(),
                    "SELECT count(*) FROM sqlite_schema WHERE name = 'log_rows' AND "
                    "type = 'view'"),
              1);
  }
  auto j = open_journal(path, Journal::Mode::kWrite);
  int64_t before = count(j.get(), "SELECT count(*) FROM log_rows");
  int64_t lines = count(j.get(), "SELECT sum(line) FROM log_rows");
  Status s = import_text(j.get(), text, "second.log");
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(count(j.get(),
                  "SELECT count(*) FROM sqlite_schema WHERE name = 'log_rows' AND "
                  "type = 'view'"),
            1);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_rows WHERE session_id = 1"), before);
  EXPECT_EQ(count(j.get(), "SELECT sum(line) FROM log_rows WHERE session_id = 1"), lines);
  EXPECT_EQ(count(j.get(), "SELECT count(*) FROM log_rows WHERE session_id = 2"), before);
  j.reset();
  auto r = open_journal(path, Journal::Mode::kRead);
  for (int64_t id : {1, 2}) {
    LoadedSession ls;
    std::vector<Event> evs;
    s = r->read_session(id, &ls, &evs);
    EXPECT_TRUE(s.is_ok()) << s.message();
  }
}

}  // namespace
}  // namespace callbench
