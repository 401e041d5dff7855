// Record and replay: every documented flow records, replays bit-exactly and shows back
// as a scenario that plays into the same events; a changed event stream is reported as
// the exact kind of difference it is.
#include "replay/replayer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/render.h"
#include "tests/journal_util.h"

namespace callbench {
namespace {

using testing::open_journal;
using testing::record_file;
using testing::temp_journal;

std::vector<std::string> flow_files() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (e.path().extension() == ".scn")
      files.push_back("corpus/flows/" + e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every corpus flow: record, replay bit-exactly, show as .scn, and that scenario plays
// into byte-identical events.
TEST(RoundTripTest, EveryDocumentedFlowRecordsReplaysAndShowsBackAsAScenario) {
  std::string path = temp_journal("corpus");
  std::vector<std::string> files = flow_files();
  ASSERT_GT(files.size(), 30u);
  {
    auto j = open_journal(path, Journal::Mode::kWrite);
    for (const std::string& f : files) record_file(j.get(), f);
  }
  auto j = open_journal(path, Journal::Mode::kRead);
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto id = static_cast<int64_t>(i + 1);
    ReplayResult r;
    Status s = replay_session(*j, id, &r);
    ASSERT_TRUE(s.is_ok()) << files[i] << ": " << s.message();
    EXPECT_TRUE(r.identical) << files[i] << ": " << r.report;
    EXPECT_FALSE(r.incomplete);

    LoadedSession ls;
    ASSERT_TRUE(j->load_session(id, &ls).is_ok());
    std::vector<Event> recorded;
    ASSERT_TRUE(j->load_events(ls, &recorded).is_ok());
    // The fast path's summary says what the slow path's does, from the session row.
    EXPECT_EQ(r.requests, ls.session.stimuli.size());
    EXPECT_EQ(r.events, recorded.size());
    EXPECT_EQ(r.summary, "session " + std::to_string(id) + " '" + ls.info.label + "': " +
                             std::to_string(r.requests) + " requests, " + std::to_string(r.events) +
                             " events, bit-exact, digest " + ls.info.digest);
    // Replayed again, with the journal's buffers and statements reused: the same.
    ReplayResult twice;
    ASSERT_TRUE(replay_session(*j, id, &twice).is_ok());
    EXPECT_EQ(twice.summary, r.summary);
    Scenario original;
    ASSERT_TRUE(load_scenario(testing::source_path(files[i]), &original).is_ok());
    EXPECT_EQ(recorded, play(original.session).events) << files[i];

    Scenario shown;
    s = parse_scenario(print_scenario(ls.session), "shown.scn", &shown);
    ASSERT_TRUE(s.is_ok()) << s.message();
    Played again = play(shown.session);
    EXPECT_EQ(again.events, recorded) << files[i];
    EXPECT_EQ(render_jsonl(shown.session, again.events, again.outcomes),
              render_jsonl(original.session, play(original.session).events,
                           play(original.session).outcomes))
        << files[i];
  }
}

// ---- Divergences: the journal rewritten as a changed engine would have produced it ---

class DivergenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_journal("diverge");
    auto j = open_journal(path_, Journal::Mode::kWrite);
    record_file(j.get(), "corpus/flows/multi_acd.scn");
    auto r = open_journal(path_, Journal::Mode::kRead);
    ASSERT_TRUE(r->load_session(1, &ls_).is_ok());
    ASSERT_TRUE(r->load_events(ls_, &events_).is_ok());
  }

  // Replaces the session's event rows with `events` (renumbered), as recorded.
  void rewrite(std::vector<Event> events) {
    auto j = open_journal(path_, Journal::Mode::kWrite);
    testing::exec(j.get(), "BEGIN; DELETE FROM events WHERE session_id = 1;");
    SessionCodec codec(ls_.session.config);
    Stmt insert;
    ASSERT_TRUE(insert
                    .prepare(j->db(), "INSERT INTO events (session_id, seq, request_seq, " +
                                          column_list(kEventColumns) +
                                          ", payload) VALUES (1, ?, ?" +
                                          placeholders(kEventColumnCount + 1) + ")")
                    .is_ok());
    uint64_t digest = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      Event& e = events[i];
      e.seq = static_cast<uint32_t>(i + 1);
      Payload p;
      codec.encode_event(e, &p);
      digest = chain_digest(digest, p.data(), p.size());
      EventColumns c;
      event_columns(e, ls_.session.config, &c);
      insert.bind_int(1, e.seq);
      insert.bind_int(2, e.request_seq);
      bind_columns(insert, 3, c.value, kEventColumnCount);
      insert.bind_blob(3 + static_cast<int>(kEventColumnCount), p.data(), p.size());
      ASSERT_TRUE(insert.run("insert").is_ok());
    }
    testing::exec(j.get(), "UPDATE sessions SET event_count = " + std::to_string(events.size()) +
                               ", digest = '" + digest_string(digest) +
                               "' WHERE session_id = 1; COMMIT;");
  }

  ReplayResult replay() {
    auto j = open_journal(path_, Journal::Mode::kRead);
    ReplayResult r;
    Status s = replay_session(*j, 1, &r);
    EXPECT_TRUE(s.is_ok()) << s.message();
    return r;
  }

  std::string path_;
  LoadedSession ls_;
  std::vector<Event> events_;
};

// multi_acd.scn, DNs 7001=0 8001=1 8002=2 7002=3; events: 1 make-call (0 Dialing, 1
// Queued), 2 queue (2 Queued), 3 divert (3 Diverted, 4 Diverted, 5 Ringing), 4 answer
// (6, 7 Established).
TEST_F(DivergenceTest, UnchangedIsIdentical) {
  rewrite(events_);
  ReplayResult r = replay();
  EXPECT_TRUE(r.identical) << r.report;
  EXPECT_EQ(r.summary,
            "session 1 'corpus/flows/multi_acd.scn': 4 requests, 8 events, bit-exact, digest " +
                ls_.info.digest);
}

TEST_F(DivergenceTest, AnAttributeDiffers) {
  std::vector<Event> changed = events_;
  changed[5].this_queue = 2;  // D's EventRinging said ThisQueue 8001; the journal says 8002
  rewrite(changed);
  ReplayResult r = replay();
  ASSERT_FALSE(r.identical);
  EXPECT_EQ(r.summary, "session 1 'corpus/flows/multi_acd.scn': diverges at event seq 6");
  EXPECT_NE(r.report.find("caused by request 3 'divert 8001 c1 7002'"), std::string::npos)
      << r.report;
  EXPECT_NE(r.report.find("expected (journal) against actual (engine)"), std::string::npos)
      << r.report;
  EXPECT_NE(r.report.find("ThisQueue           8002                      8001"), std::string::npos)
      << r.report;
  EXPECT_EQ(r.report.find("OtherDN "), std::string::npos) << "only attributes that differ";
}

TEST_F(DivergenceTest, AMissingEvent) {
  std::vector<Event> changed = events_;
  Event ghost = changed[6];  // an extra EventEstablished the engine never produces
  ghost.this_dn = 2;
  changed.insert(changed.begin() + 6, ghost);
  rewrite(changed);
  ReplayResult r = replay();
  ASSERT_FALSE(r.identical);
  EXPECT_NE(r.report.find("missing event: the journal has EventEstablished"), std::string::npos)
      << r.report;
  EXPECT_NE(r.report.find("caused by request 4 'answer 7002 c1'"), std::string::npos) << r.report;
}

TEST_F(DivergenceTest, AnExtraEvent) {
  std::vector<Event> changed = events_;
  changed.erase(changed.begin() + 4);  // the second EventDiverted
  rewrite(changed);
  ReplayResult r = replay();
  ASSERT_FALSE(r.identical);
  EXPECT_NE(r.report.find("extra event: the engine produces EventDiverted"), std::string::npos)
      << r.report;
  EXPECT_NE(r.report.find("diverges at event seq 5"), std::string::npos) << r.report;
}

TEST_F(DivergenceTest, ReorderedEvents) {
  std::vector<Event> changed = events_;
  std::swap(changed[3], changed[4]);  // the two EventDiverted
  rewrite(changed);
  ReplayResult r = replay();
  ASSERT_FALSE(r.identical);
  EXPECT_NE(r.report.find("reordered events"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("journal order:"), std::string::npos);
}

TEST_F(DivergenceTest, AnOutcomeDiffers) {
  auto j = open_journal(path_, Journal::Mode::kWrite);
  SessionCodec codec(ls_.session.config);
  Payload p;
  codec.encode_request(ls_.session.stimuli[1], 2,
                       ApplyResult{Outcome::kIgnored, IgnoreReason::kWrongPhase}, &p);
  Stmt st;
  ASSERT_TRUE(
      st.prepare(j->db(),
                 "UPDATE requests SET payload = ?, ignored = ? WHERE session_id = 1 AND seq = 2")
          .is_ok());
  st.bind_blob(1, p.data(), p.size());
  st.bind_text(2, ignore_reason_text(IgnoreReason::kWrongPhase));
  ASSERT_TRUE(st.run("update").is_ok());
  ReplayResult r = replay();
  ASSERT_FALSE(r.identical);
  EXPECT_NE(r.report.find("diverges at request 2"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("expected (journal): ignored (the call is not in a phase"),
            std::string::npos)
      << r.report;
}

}  // namespace
}  // namespace callbench
