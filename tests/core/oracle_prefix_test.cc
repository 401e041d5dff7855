// The matcher's shared prefix (core/oracle_match.h, NormalPrefix): an interruption point
// that starts where its normal flow's match was after the rows they share must give what
// matching it from its first row gives, field by field, on every call of every corpus flow
// (with its stimuli and observed) and of generated programs, and the text of a differing
// attribute (bad_text) must be there exactly when the attributes differ.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/oracle_flow_table.h"
#include "core/oracle_match.h"
#include "core/player.h"
#include "core/scenario.h"
#include "fuzz/mutator.h"
#include "fuzz/rng.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

using oracle::CallFacts;
using oracle::MatchBuffers;
using oracle::MatchResult;
using oracle::Pattern;

struct Counts {
  std::size_t calls = 0, shared = 0, consumed = 0, bad = 0;
};

// Every call of the session, every candidate flow, matched with and without the prefix.
void check_session(const Session& s, const std::vector<Event>& events, const std::string& what,
                   Counts* counts) {
  const auto& dns = s.config.topology.dns;
  for (CallId c = 0; c < s.config.call_names.size(); ++c) {
    std::vector<const Event*> mine;
    for (const Event& e : events) {
      if (e.call == c && e.type != EventType::kError) mine.push_back(&e);
    }
    if (mine.empty()) continue;
    CallFacts facts;
    for (const Stimulus& st : s.stimuli) {
      if (shape_of(st.kind).creates_call && st.call == c) {
        facts.caller = st.dn;
        facts.dialed = st.dn2;
      }
    }
    if (s.observed) {  // the first event's DN and the DN it names
      facts.caller = mine.front()->this_dn;
      if (mine.front()->has(Attr::kOtherDn)) facts.dialed = mine.front()->other_dn;
      facts.stream_end_seq = events.back().seq;
    }
    if (facts.caller >= dns.size() || facts.dialed >= dns.size()) continue;
    ++counts->calls;
    const auto& candidate = oracle::candidates(dns[facts.caller].kind, dns[facts.dialed].kind);
    MatchBuffers shared, alone;
    shared.prefix.normal = nullptr;
    for (const Pattern* p : candidate) {
      MatchResult a = oracle::match_flow(s, &shared, *p, mine, facts, true);
      MatchResult b = oracle::match_flow(s, &alone, *p, mine, facts, false);
      std::string at =
          what + " call " + s.config.call_names[c] + " against " + p->key + " " + p->point;
      counts->shared += p->shares_normal_prefix && shared.prefix.normal == p->normal;
      counts->consumed += a.consumed > 0;
      counts->bad += !a.attrs_ok;
      ASSERT_EQ(a.consumed, b.consumed) << at;
      ASSERT_EQ(a.rows, b.rows) << at;
      ASSERT_EQ(a.complete, b.complete) << at;
      ASSERT_EQ(a.partial, b.partial) << at;
      ASSERT_EQ(a.attrs_ok, b.attrs_ok) << at;
      ASSERT_EQ(a.limit, b.limit) << at;
      ASSERT_EQ(a.seen, b.seen) << at;
      ASSERT_EQ(a.binding.dn, b.binding.dn) << at;
      ASSERT_EQ(a.bad_seq, b.bad_seq) << at;
      ASSERT_EQ(a.bad_type, b.bad_type) << at;
      std::string ta = oracle::bad_text(a, s.config), tb = oracle::bad_text(b, s.config);
      ASSERT_EQ(ta, tb) << at;
      ASSERT_EQ(ta.empty(), a.attrs_ok) << at << ": " << ta;
      if (!ta.empty()) {
        ASSERT_EQ(ta.rfind("row ", 0), 0u) << at << ": " << ta;
      }
    }
  }
}

Session observed_of(const Session& s, std::vector<Event>* events) {
  Session o = s;
  o.stimuli.clear();
  o.observed = true;
  for (Event& e : *events) e.request_seq = 0;
  return o;
}

TEST(OraclePrefix, CorpusFlowsMatchTheSameFromTheNormalsPrefix) {
  Counts counts;
  std::size_t flows = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (entry.path().extension() != ".scn") continue;
    Scenario sc;
    ASSERT_TRUE(load_scenario(entry.path().string(), &sc).is_ok()) << entry.path();
    ++flows;
    Played p = play(sc.session);
    check_session(sc.session, p.events, entry.path().filename().string(), &counts);
    // Each event dropped in turn: calls that depart from their flow at every row.
    for (std::size_t i = 0; i < p.events.size(); ++i) {
      std::vector<Event> dropped = p.events;
      dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(i));
      check_session(sc.session, dropped, entry.path().filename().string() + " drop", &counts);
    }
    std::vector<Event> events = p.events;
    Session o = observed_of(sc.session, &events);
    check_session(o, events, entry.path().filename().string() + " observed", &counts);
  }
  EXPECT_EQ(flows, 45u);
  // Points did start from their normal's prefix, and some matches had attributes differ.
  EXPECT_GT(counts.shared, 100u);
  EXPECT_GT(counts.bad, 0u);
}

TEST(OraclePrefix, GeneratedProgramsMatchTheSameFromTheNormalsPrefix) {
  Counts counts;
  uint64_t seed = testing::test_seed(20261201);
  Rng rng(seed);
  for (int i = 0; i < 3000; ++i) {
    Session p = random_program(rng);
    for (uint32_t k = rng.below(30); k-- > 0;) mutate_program(&p, rng);
    Played played = play(p);
    check_session(p, played.events,
                  "program " + std::to_string(i) + " seed " + std::to_string(seed), &counts);
    if (i % 4 == 0) {
      std::vector<Event> events = played.events;
      Session o = observed_of(p, &events);
      check_session(o, events, "observed program " + std::to_string(i), &counts);
    }
  }
  EXPECT_GT(counts.shared, 1000u);
  EXPECT_GT(counts.consumed, 1000u);
}

}  // namespace
}  // namespace callbench
