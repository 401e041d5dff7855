// The oracle: every documented flow conforms and is named as the document names it;
// random orderings of the clean engine conform; and each rule fires on an event stream
// broken in exactly the way the rule describes.
#include "core/oracle.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "core/render.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

Scenario load(const std::string& flow) {
  Scenario sc;
  Status s = load_scenario(testing::source_path("corpus/flows/" + flow + ".scn"), &sc);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return sc;
}

struct FlowName {
  const char* file;
  const char* name;  // the CallFlow::name() of its call c1
};

class DocumentedFlowTest : public ::testing::TestWithParam<FlowName> {};

TEST_P(DocumentedFlowTest, ConformsAndIsNamedAsTheDocumentDoes) {
  Scenario sc = load(GetParam().file);
  Played p = play(sc.session);
  Verdict v = judge(sc.session, p.events);
  EXPECT_TRUE(v.ok()) << v.report(sc.session.config);
  std::string c1;
  std::vector<std::string> also;
  for (const CallFlow& f : v.flows) {
    if (sc.session.config.call_names[f.call] == "c1") {
      c1 = f.name();
      for (int a : f.also) also.push_back(documented_flow_points()[static_cast<std::size_t>(a)]);
    }
  }
  bool named =
      c1 == GetParam().name || std::find(also.begin(), also.end(), GetParam().name) != also.end();
  EXPECT_TRUE(named) << GetParam().file << " was named " << c1;
}

void PrintTo(const FlowName& f, std::ostream* os) { *os << f.file; }

INSTANTIATE_TEST_SUITE_P(
    Corpus, DocumentedFlowTest,
    ::testing::Values(
        FlowName{"internal", "internal normal"}, FlowName{"internal_1", "internal *"},
        FlowName{"internal_2", "internal **"}, FlowName{"internal_3", "internal ***"},
        FlowName{"inbound", "internal normal"}, FlowName{"inbound_3", "internal ***"},
        FlowName{"acd", "acd normal"}, FlowName{"acd_1", "acd *"}, FlowName{"acd_2", "acd **"},
        FlowName{"acd_3", "acd ***"}, FlowName{"acd_inbound", "acd normal"},
        FlowName{"multi_acd", "multi_acd normal"}, FlowName{"multi_acd_1", "multi_acd *"},
        FlowName{"multi_acd_2", "multi_acd **"}, FlowName{"multi_acd_3", "multi_acd ***"},
        FlowName{"multi_acd_4", "multi_acd ****"},
        FlowName{"multi_acd_secondary", "multi_acd normal"}, FlowName{"park", "park normal"},
        FlowName{"park_1", "park *"}, FlowName{"park_busy", "park normal"},
        FlowName{"park_no_busy", "park normal"}, FlowName{"routequeue", "routequeue normal"},
        FlowName{"routequeue_1", "routequeue *"}, FlowName{"routequeue_3", "routequeue ***"},
        FlowName{"routequeue_4", "routequeue ****"},
        FlowName{"routequeue_default", "routequeue normal"}, FlowName{"routing", "routing normal"},
        FlowName{"routing_1", "routing *"}, FlowName{"routing_2", "routing **"},
        FlowName{"routing_3", "routing ***"}, FlowName{"routing_inbound_2", "routing **"},
        FlowName{"routing_4", "routing ****"}, FlowName{"routing_default", "routing normal"},
        FlowName{"routing_outbound", "routing_outbound normal"},
        FlowName{"routing_outbound_1", "routing_outbound *"},
        FlowName{"routing_outbound_2", "routing_outbound **"},
        FlowName{"routing_outbound_external", "routing_outbound normal"},
        FlowName{"outbound", "outbound normal"}, FlowName{"outbound_1", "outbound *"},
        FlowName{"outbound_2", "outbound **"}, FlowName{"outbound_3", "outbound ***"},
        FlowName{"outbound_simulated", "outbound normal"},
        FlowName{"outbound_no_dial", "outbound normal"}, FlowName{"hold", "hold normal"},
        FlowName{"hold_outbound", "hold normal"}),
    [](const ::testing::TestParamInfo<FlowName>& param_info) {
      return std::string(param_info.param.file);
    });

TEST(OracleTest, EveryDocumentedPointIsListedForCoverage) {
  const auto& points = documented_flow_points();
  for (const char* p :
       {"internal normal", "internal ***", "acd **", "multi_acd ****", "park *", "routequeue *",
        "routequeue **", "routing **", "routing_outbound **", "outbound ***", "hold normal"}) {
    EXPECT_NE(std::find(points.begin(), points.end(), p), points.end()) << p;
  }
}

// Random orderings over every stimulus kind, DN kind and option: the clean engine never
// breaks a rule.
TEST(OracleTest, RandomOrderingsOfTheCleanEngineConform) {
  testing::TestRng rng(testing::test_seed(4242));
  Scenario base = testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\ndn 8001 acd-queue\ndn 8002 "
      "acd-queue\n"
      "dn 9001 routing-point\ndn 9101 routing-queue\ndn 5550100 external\ndn 5550101 external\n"
      "dn 6001 remote-extension\n");
  for (int round = 0; round < 50000; ++round) {
    Session s = base.session;
    s.config.seed = rng.next();
    for (int i = 0; i < kProfileOptionCount; ++i) {
      set_profile_option(&s.config.profile, profile_options()[i].name,
                         profile_options()[i].values[rng.below(2)]);
    }
    s = testing::random_session(rng, s, 1 + static_cast<int>(rng.below(40)));
    Played p = play(s);
    Verdict v = judge(s, p.events);
    ASSERT_TRUE(v.ok()) << v.report(s.config) << print_scenario(s);
  }
}

// ---- Each rule, on a stream broken in exactly its way ---------------------------------

// Plays `flow`, lets `change` break its events, and judges the result.
Verdict judge_changed(const std::string& flow,
                      const std::function<void(std::vector<Event>&)>& change) {
  Scenario sc = load(flow);
  Played p = play(sc.session);
  EXPECT_TRUE(judge(sc.session, p.events).ok());
  change(p.events);
  return judge(sc.session, p.events);
}

Event& find(std::vector<Event>& events, EventType type, int nth = 0) {
  for (Event& e : events) {
    if (e.type == type && nth-- == 0) return e;
  }
  ADD_FAILURE() << "no " << event_name(type);
  return events[0];
}

std::vector<std::string> rules_broken(const Verdict& v) {
  std::vector<std::string> out;
  for (const Violation& x : v.violations) out.push_back(x.rule);
  return out;
}

#define EXPECT_BREAKS(verdict, rule)                                                    \
  do {                                                                                  \
    auto rules_ = rules_broken(verdict);                                                \
    EXPECT_NE(std::find(rules_.begin(), rules_.end(), std::string(rule)), rules_.end()) \
        << "expected " << rule << "; got:\n"                                            \
        << (verdict).report(SessionConfig{});                                           \
  } while (0)

TEST(OracleRuleTest, ReferenceAnswerMissingOrSpurious) {
  EXPECT_BREAKS(
      judge_changed("internal",
                    [](auto& ev) { find(ev, EventType::kEstablished).clear(Attr::kReferenceId); }),
      "reference-answer");
  EXPECT_BREAKS(judge_changed("internal",
                              [](auto& ev) {
                                Event& e = find(ev, EventType::kRinging);
                                e.reference_id = 99;
                                e.set(Attr::kReferenceId);
                              }),
                "reference-answer");
}

TEST(OracleRuleTest, RefusedChangesNothing) {
  // routing_2's route is refused late; make the answer of a refused request cause more.
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7001 c1\n");
  Played p = play(sc.session);
  Event extra = p.events[1];  // the Ringing, repeated by the refused answer
  extra.request_seq = 2;
  extra.seq = static_cast<uint32_t>(p.events.size() + 1);
  p.events.push_back(extra);
  EXPECT_BREAKS(judge(sc.session, p.events), "refused-changes-nothing");
}

TEST(OracleRuleTest, RequestAcceptedWhenTheFlowAllowsIt) {
  Scenario sc = testing::parse_text(
      "dn 7001 extension\ndn 7002 extension\nc1 = make-call 7001 7002\nanswer 7002 c1\n");
  Played p = play(sc.session);
  // Replace the answer's events by an EventError: the call was ringing at 7002.
  p.events.resize(2);
  Event err;
  err.type = EventType::kError;
  err.seq = 3;
  err.request_seq = 2;
  err.call = 0;
  err.this_dn = 1;
  err.set(Attr::kThisDn);
  err.reference_id = 2;
  err.set(Attr::kReferenceId);
  err.error = ErrorReason::kNotRinging;
  err.set(Attr::kErrorCode);
  p.events.push_back(err);
  EXPECT_BREAKS(judge(sc.session, p.events), "request-accepted");
}

TEST(OracleRuleTest, PartyOrder) {
  EXPECT_BREAKS(judge_changed("internal_3", [](auto& ev) { std::swap(ev[2].type, ev[3].type); }),
                "party-order");
  EXPECT_BREAKS(judge_changed("internal",
                              [](auto& ev) {
                                Event again = ev.back();
                                again.seq = static_cast<uint32_t>(ev.size() + 1);
                                again.clear(Attr::kReferenceId);
                                ev.push_back(again);  // a second EventEstablished
                              }),
                "party-order");
}

TEST(OracleRuleTest, OneConnId) {
  EXPECT_BREAKS(judge_changed("acd", [](auto& ev) { find(ev, EventType::kRinging).conn_id ^= 1; }),
                "one-connid");
  EXPECT_BREAKS(judge_changed("park_busy",
                              [](auto& ev) {
                                uint64_t first = ev[0].conn_id;
                                for (Event& e : ev) {
                                  if (e.call == 1) e.conn_id = first;
                                }
                              }),
                "one-connid");
}

TEST(OracleRuleTest, EstablishedOnAnswerAndInPairs) {
  EXPECT_BREAKS(judge_changed("internal", [](auto& ev) { ev.pop_back(); }), "established-pair");
  EXPECT_BREAKS(judge_changed("internal",
                              [](auto& ev) { find(ev, EventType::kEstablished, 1).other_dn = 0; }),
                "established-pair");
}

TEST(OracleRuleTest, CallerOtherDn) {
  EXPECT_BREAKS(judge_changed("acd", [](auto& ev) { find(ev, EventType::kRinging).other_dn = 1; }),
                "caller-other-dn");
}

TEST(OracleRuleTest, AgentThisQueue) {
  EXPECT_BREAKS(
      judge_changed("acd", [](auto& ev) { find(ev, EventType::kRinging).clear(Attr::kThisQueue); }),
      "agent-this-queue");
  EXPECT_BREAKS(judge_changed("internal",
                              [](auto& ev) {
                                Event& r = find(ev, EventType::kRinging);
                                r.this_queue = 0;
                                r.set(Attr::kThisQueue);
                              }),
                "agent-this-queue");
}

TEST(OracleRuleTest, AbandonedThisQueue) {
  EXPECT_BREAKS(
      judge_changed("acd_1",
                    [](auto& ev) { find(ev, EventType::kAbandoned).clear(Attr::kThisQueue); }),
      "abandoned-this-queue");
}

TEST(OracleRuleTest, RouteAttributes) {
  EXPECT_BREAKS(
      judge_changed("routing",
                    [](auto& ev) { find(ev, EventType::kRouteRequest).clear(Attr::kThisQueue); }),
      "route-attributes");
  EXPECT_BREAKS(judge_changed("routing",
                              [](auto& ev) { find(ev, EventType::kRouteUsed).third_party_dn = 0; }),
                "route-attributes");
}

TEST(OracleRuleTest, RequiredCallStateAndOtherDnRole) {
  EXPECT_BREAKS(
      judge_changed("internal",
                    [](auto& ev) { find(ev, EventType::kRinging).clear(Attr::kCallState); }),
      "required-callstate");
  EXPECT_BREAKS(
      judge_changed("internal",
                    [](auto& ev) { find(ev, EventType::kDialing).clear(Attr::kOtherDnRole); }),
      "other-dn-role");
}

TEST(OracleRuleTest, HangupClears) {
  EXPECT_BREAKS(judge_changed("multi_acd_2", [](auto& ev) { ev.pop_back(); }), "hangup-clears");
}

TEST(OracleRuleTest, OneCallPerExtension) {
  // internal_2: 7002 talks on c0; make c1 ring there too instead of the busy tone.
  EXPECT_BREAKS(judge_changed("internal_2",
                              [](auto& ev) {
                                Event& busy = find(ev, EventType::kDestinationBusy);
                                busy.type = EventType::kRinging;
                                busy.this_dn = 1;
                                busy.this_role = DnRole::kDestination;
                                busy.other_dn = 0;
                                busy.other_role = DnRole::kOrigination;
                              }),
                "one-call-per-extension");
}

TEST(OracleRuleTest, DocumentedAttributes) {
  // multi_acd: the other queue's EventDiverted must name the distributing queue.
  EXPECT_BREAKS(judge_changed("multi_acd",
                              [](auto& ev) {
                                find(ev, EventType::kDiverted, 1).clear(Attr::kThirdPartyQueue);
                              }),
                "documented-attributes");
  // park: the parking DN's EventQueued carries CallState OK.
  EXPECT_BREAKS(
      judge_changed("park",
                    [](auto& ev) { find(ev, EventType::kQueued).call_state = CallState::kBusy; }),
      "documented-attributes");
}

TEST(OracleTest, ViolationsNameRuleSeqEventsAndIdentity) {
  Verdict v =
      judge_changed("acd", [](auto& ev) { find(ev, EventType::kRinging).clear(Attr::kThisQueue); });
  ASSERT_FALSE(v.ok());
  const Violation& x = v.violations[0];
  EXPECT_EQ(x.rule, "agent-this-queue");
  EXPECT_EQ(x.request_seq, 2u);
  ASSERT_FALSE(x.event_seqs.empty());
  EXPECT_EQ(x.event_seqs[0], 4u);
  EXPECT_EQ(x.identity(), "agent-this-queue/EventRinging/none");
  EXPECT_NE(v.report(SessionConfig{}).find("agent-this-queue at request 2, events 4"),
            std::string::npos);
}

TEST(OracleTest, EveryRuleHasANameAndADescription) {
  EXPECT_GE(oracle_rules().size(), 15u);
  for (const Rule& r : oracle_rules()) {
    EXPECT_GT(std::strlen(r.description), 20u) << r.name;
  }
}

}  // namespace
}  // namespace callbench
