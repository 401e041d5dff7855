// The engine's state rules: what each request is refused with (and that a refusal
// changes nothing), what switch stimuli are ignored, no call waiting, ReferenceIDs,
// ConnIDs, the switch-profile options, and a random walk that never breaks an
// invariant.
#include "core/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/render.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

using testing::events_of;
using testing::parse_text;
using testing::play_text;

const std::string kTopo =
    "dn 7001 extension\ndn 7002 extension\ndn 7003 extension\n"
    "dn 8001 acd-queue\ndn 9001 routing-point\ndn 9101 routing-queue\n"
    "dn 5550100 external\ndn 6001 remote-extension\n";

// The events caused from stimulus `from` on, with what legitimately differs between
// two sessions that differ by one refused request cleared: sequence numbers, call
// indexes and the ConnIDs and ReferenceIDs that derive from them.
std::vector<Event> switch_behaviour(const Played& p, uint32_t from) {
  std::vector<Event> out;
  for (Event e : p.events) {
    if (e.request_seq < from) continue;
    e.seq = e.request_seq = 0;
    e.call = kNoCall;
    e.clear(Attr::kConnId);
    e.clear(Attr::kReferenceId);
    out.push_back(e);
  }
  return out;
}

struct RefusalCase {
  const char* name;
  std::string setup;    // stimuli before the refused request
  std::string refused;  // the request that must be refused
  std::string after;    // stimuli after it: they must behave as if it never happened
  int code;
};

std::vector<RefusalCase> refusal_cases() {
  const std::string ringing = "c1 = make-call 7001 7002\n";
  const std::string talking = ringing + "answer 7002 c1\n";
  return {
      {"MakeCallFromExternal", "", "c1 = make-call 5550100 7002\n", "c2 = make-call 7001 7002\n",
       41},
      {"MakeCallFromQueue", "", "c1 = make-call 8001 7002\n", "c2 = make-call 7001 7002\n", 51},
      {"MakeCallToItself", "", "c1 = make-call 7001 7001\n", "c2 = make-call 7001 7002\n", 71},
      {"MakeCallFromBusyDn", talking, "c2 = make-call 7001 7003\n", "release 7001 c1\n", 231},
      {"MakeCallWhileRinging", ringing, "c2 = make-call 7002 7003\n", "answer 7002 c1\n", 231},
      {"AnswerByTheCaller", ringing, "answer 7001 c1\n", "answer 7002 c1\n", 93},
      {"AnswerAtAnotherDn", ringing, "answer 7003 c1\n", "answer 7002 c1\n", 93},
      {"AnswerTwice", talking, "answer 7002 c1\n", "release 7002 c1\n", 93},
      {"AnswerWhileQueued", "c1 = make-call 7001 8001\n", "answer 7002 c1\n",
       "divert 8001 c1 7002\nanswer 7002 c1\n", 93},
      {"AnswerAtAQueue", "c1 = make-call 7001 8001\n", "answer 8001 c1\n", "release 7001 c1\n", 51},
      {"AnswerByExternal", "c1 = make-call 7001 5550100\n", "answer 5550100 c1\n",
       "remote-answer c1\n", 41},
      {"AnswerAReleasedCall", talking + "release 7001 c1\n", "answer 7002 c1\n",
       "c2 = make-call 7002 7001\n", 56},
      {"ReleaseByADnNotInTheCall", ringing, "release 7003 c1\n", "answer 7002 c1\n", 56},
      {"ReleaseARingingCall", ringing, "release 7002 c1\n", "answer 7002 c1\n", 93},
      {"ReleaseAParkedCallAtTheParkingDn",
       "pause\nc1 = make-call 7001 7002\npark c1 7002\nresume\n", "release 7002 c1\n",
       "pickup 7002 c1\nanswer 7002 c1\n", 93},
      {"ReleaseTwice", talking + "release 7002 c1\n", "release 7001 c1\n",
       "c2 = make-call 7001 7002\n", 56},
      {"ReleaseAtARoutingPoint", "c1 = make-call 7001 9001\n", "release 9001 c1\n",
       "route 9001 c1 7002\n", 51},
      {"HoldAnIdleDn", ringing, "hold 7003 c1\n", "answer 7002 c1\n", 56},
      {"HoldTwice", ringing + "hold 7001 c1\n", "hold 7001 c1\n",
       "retrieve 7001 c1\nanswer 7002 c1\n", 43},
      {"HoldByRingingDestination", ringing, "hold 7002 c1\n", "answer 7002 c1\n", 93},
      {"HoldAfterDestinationBusy", "c1 = make-call 7001 5550100\nremote-busy c1\n",
       "hold 7001 c1\n", "release 7001 c1\n", 93},
      {"RetrieveNotHeld", talking, "retrieve 7001 c1\n", "hold 7001 c1\nretrieve 7001 c1\n", 43},
      {"RetrieveByRingingDestination", ringing, "retrieve 7002 c1\n", "answer 7002 c1\n", 93},
      {"RouteFromAnExtension", ringing, "route 7002 c1 7003\n", "answer 7002 c1\n", 51},
      {"RouteFromExternal", ringing, "route 5550100 c1 7003\n", "answer 7002 c1\n", 41},
      {"RouteACallNotThere", "c1 = make-call 7001 9101\n", "route 9001 c1 7002\n",
       "route 9101 c1 7002\n", 93},
      {"RouteAnAnsweredCall", talking, "route 9001 c1 7003\n", "release 7001 c1\n", 93},
      {"RouteToARoutingPoint", "c1 = make-call 7001 9001\n", "route 9001 c1 9101\n",
       "route 9001 c1 7002\n", 71},
      {"RouteToTheCaller", "c1 = make-call 7001 9001\n", "route 9001 c1 7001\n",
       "route 9001 c1 7002\n", 71},
      {"RouteToItself", "c1 = make-call 7001 9001\n", "route 9001 c1 9001\n",
       "route 9001 c1 7002\n", 71},
      {"RouteTwice", "c1 = make-call 7001 9001\npause\nroute 9001 c1 7002\n",
       "route 9001 c1 7003\n", "resume\nanswer 7002 c1\n", 93},
  };
}

void PrintTo(const RefusalCase& c, std::ostream* os) { *os << c.name; }

class RefusalTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(RefusalTest, AnswersEventErrorAndChangesNothing) {
  const RefusalCase& c = GetParam();
  Scenario with = parse_text(kTopo + c.setup + c.refused + c.after);
  Played p = play(with.session);
  auto nsetup = static_cast<uint32_t>(parse_text(kTopo + c.setup).session.stimuli.size());
  uint32_t refused_seq = nsetup + 1;
  const Stimulus& req = with.session.stimuli[refused_seq - 1];
  ASSERT_TRUE(req.is_client_request());

  std::vector<Event> answer = events_of(p, refused_seq);
  ASSERT_EQ(answer.size(), 1u) << "exactly one answer: EventError";
  EXPECT_EQ(answer[0].type, EventType::kError);
  EXPECT_EQ(error_code_of(answer[0].error), c.code) << error_message_of(answer[0].error);
  EXPECT_TRUE(answer[0].has(Attr::kReferenceId));
  EXPECT_EQ(answer[0].reference_id, req.reference_id);
  EXPECT_EQ(answer[0].this_dn, req.dn);
  EXPECT_EQ(p.outcomes[refused_seq - 1].outcome, Outcome::kRefused);

  // The same session without the refused request: the switch does the same after it.
  Played q = play(parse_text(kTopo + c.setup + c.after).session);
  EXPECT_FALSE(switch_behaviour(q, refused_seq).empty()) << "the continuation must do something";
  EXPECT_EQ(switch_behaviour(p, refused_seq + 1), switch_behaviour(q, refused_seq));
}

INSTANTIATE_TEST_SUITE_P(EveryRefusal, RefusalTest, ::testing::ValuesIn(refusal_cases()),
                         [](const ::testing::TestParamInfo<RefusalCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

struct IgnoreCase {
  const char* name;
  std::string setup;
  std::string ignored;
  IgnoreReason reason;
};

std::vector<IgnoreCase> ignore_cases() {
  const std::string queued = "c1 = make-call 7001 8001\n";
  return {
      {"InboundFromAMonitoredDn", "", "c1 = inbound 7001 7002\n", IgnoreReason::kNotExternal},
      {"InboundToExternal", "", "c1 = inbound 5550100 5550100\n", IgnoreReason::kBadDestination},
      {"QueueACallThatIsNotQueued", "c1 = make-call 7001 7002\n", "queue c1 8001\n",
       IgnoreReason::kWrongPhase},
      {"QueueAtAnExtension", queued, "queue c1 7002\n", IgnoreReason::kNotAnAcdQueue},
      {"QueueTwiceAtOneQueue", queued, "queue c1 8001\n", IgnoreReason::kAlreadyQueuedHere},
      {"DivertFromAnotherQueue", queued, "divert 9101 c1 7002\n", IgnoreReason::kNotQueuedHere},
      {"DivertToTheCaller", queued, "divert 8001 c1 7001\n", IgnoreReason::kAgentUnavailable},
      {"DivertToABusyAgent", "c0 = make-call 7003 7002\n" + queued, "divert 8001 c1 7002\n",
       IgnoreReason::kAgentUnavailable},
      {"DivertToAQueue", queued, "divert 8001 c1 9001\n", IgnoreReason::kAgentUnavailable},
      {"ParkADeliveredCall", "c1 = make-call 7001 7002\n", "park c1 7002\n",
       IgnoreReason::kNotParkable},
      {"ParkElsewhere", "pause\nc1 = make-call 7001 7002\n", "park c1 7003\n",
       IgnoreReason::kNotParkable},
      {"PickupNotParked", "c1 = make-call 7001 7002\n", "pickup 7002 c1\n",
       IgnoreReason::kNotParkedHere},
      {"PickupWhileBusy",
       "pause\nc1 = make-call 7001 7002\npark c1 7002\nc2 = make-call 7002 7003\n",
       "pickup 7002 c1\n", IgnoreReason::kPickerBusy},
      {"RemoteAnswerInternal", "c1 = make-call 7001 7002\n", "remote-answer c1\n",
       IgnoreReason::kNoExternalParty},
      {"RemoteAnswerTwice", "c1 = make-call 7001 5550100\nremote-answer c1\n", "remote-answer c1\n",
       IgnoreReason::kWrongPhase},
      {"RemoteBusyAnswered", "c1 = make-call 7001 5550100\nremote-answer c1\n", "remote-busy c1\n",
       IgnoreReason::kWrongPhase},
      {"RemoteReleaseInternal", "c1 = make-call 7001 7002\n", "remote-release c1\n",
       IgnoreReason::kNoExternalParty},
      {"RemoteReleaseOverCall", "c1 = make-call 7001 5550100\nrelease 7001 c1\n",
       "remote-release c1\n", IgnoreReason::kCallUnknown},
      {"RouteTimeoutNotAtRp", "c1 = make-call 7001 7002\n", "route-timeout 9001 c1 7003\n",
       IgnoreReason::kNotAtRoutingPoint},
      {"RouteTimeoutToRp", "c1 = make-call 7001 9001\n", "route-timeout 9001 c1 9101\n",
       IgnoreReason::kBadDestination},
      {"StepNothingPending", "c1 = make-call 7001 7002\n", "step c1\n",
       IgnoreReason::kNothingPending},
  };
}

void PrintTo(const IgnoreCase& c, std::ostream* os) { *os << c.name; }

class IgnoreTest : public ::testing::TestWithParam<IgnoreCase> {};

TEST_P(IgnoreTest, CausesNoEventAndSaysWhy) {
  const IgnoreCase& c = GetParam();
  Played p = play_text(kTopo + c.setup + c.ignored);
  ASSERT_FALSE(p.outcomes.empty());
  EXPECT_EQ(p.outcomes.back().outcome, Outcome::kIgnored);
  EXPECT_EQ(p.outcomes.back().reason, c.reason) << ignore_reason_text(p.outcomes.back().reason);
  EXPECT_TRUE(events_of(p, static_cast<uint32_t>(p.outcomes.size())).empty());
  // Nothing changed: the same session without it has the same events.
  Played q = play_text(kTopo + c.setup);
  EXPECT_EQ(q.events, p.events);
}

INSTANTIATE_TEST_SUITE_P(EveryIgnoredStimulus, IgnoreTest, ::testing::ValuesIn(ignore_cases()),
                         [](const ::testing::TestParamInfo<IgnoreCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(EngineTest, NoCallWaitingAnInboundCallToATalkingExtensionIsBusy) {
  Played p =
      play_text(kTopo + "c1 = make-call 7001 7002\nanswer 7002 c1\nc2 = inbound 5550100 7002\n");
  EXPECT_TRUE(events_of(p, 3).empty()) << "the external caller hears busy; nobody is alerted";
  Played q =
      play_text(kTopo + "c1 = make-call 7001 7002\nanswer 7002 c1\nc2 = make-call 7003 7002\n");
  std::vector<Event> e = events_of(q, 3);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].type, EventType::kDestinationBusy);
  EXPECT_EQ(e[1].this_dn, 2);  // 7003
  EXPECT_EQ(e[1].call_state, CallState::kBusy);
}

TEST(EngineTest, TheAnswerToARequestIsItsFirstEventAndCarriesItsReferenceId) {
  Played p = play_text(kTopo +
                       "c1 = make-call 7001 7002 ref=41\nanswer 7002 c1 ref=42\n"
                       "hold 7002 c1 ref=43\nretrieve 7002 c1 ref=44\nrelease 7002 c1 ref=45\n");
  const EventType first[] = {EventType::kDialing, EventType::kEstablished, EventType::kHeld,
                             EventType::kRetrieved, EventType::kReleased};
  for (uint32_t n = 1; n <= 5; ++n) {
    std::vector<Event> e = events_of(p, n);
    ASSERT_FALSE(e.empty());
    EXPECT_EQ(e[0].type, first[n - 1]);
    EXPECT_EQ(e[0].reference_id, 40 + n);
    int carrying = 0;
    for (const Event& x : e) carrying += x.has(Attr::kReferenceId);
    EXPECT_EQ(carrying, 1) << "only the answer carries the ReferenceID";
  }
}

TEST(EngineTest, DestinationReleasesAnEstablishedCall) {
  Played p = play_text(kTopo + "c1 = make-call 7001 7002\nanswer 7002 c1\nrelease 7002 c1\n");
  std::vector<Event> e = events_of(p, 3);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].type, EventType::kReleased);
  EXPECT_EQ(e[0].this_dn, 1);
  EXPECT_EQ(e[1].type, EventType::kReleased);
  EXPECT_EQ(e[1].this_dn, 0);
  EXPECT_FALSE(e[1].has(Attr::kReferenceId));
}

TEST(EngineTest, FarEndReleasesAnOutboundCall) {
  Played p =
      play_text(kTopo + "c1 = make-call 7001 5550100\nremote-answer c1\nremote-release c1\n");
  std::vector<Event> e = events_of(p, 3);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, EventType::kReleased);
  EXPECT_EQ(e[0].other_dn, 6);
}

TEST(EngineTest, RetrievedRepeatsTheQueueOfTheAgentsCall) {
  Played p = play_text(kTopo +
                       "c1 = make-call 7001 8001\ndivert 8001 c1 7002\nanswer 7002 c1\n"
                       "hold 7002 c1\nretrieve 7002 c1\n");
  std::vector<Event> held = events_of(p, 4), retrieved = events_of(p, 5);
  ASSERT_EQ(retrieved.size(), 1u);
  EXPECT_EQ(held[0].this_queue, 3);
  EXPECT_EQ(retrieved[0].this_queue, 3);
  EXPECT_EQ(retrieved[0].this_role, DnRole::kDestination);
}

TEST(EngineTest, ConnIdsAreSixteenHexDigitsDistinctAndDerivedFromTheSeed) {
  std::string text =
      kTopo + "c1 = make-call 7001 7002\nc2 = inbound 5550100 8001\nc3 = make-call 7003 9001\n";
  Scenario a = parse_text("seed 5\n" + text), b = parse_text("seed 6\n" + text);
  Played pa = play(a.session), pa2 = play(a.session), pb = play(b.session);
  EXPECT_EQ(pa.events, pa2.events);
  std::set<uint64_t> ids;
  for (const Event& e : pa.events) ids.insert(e.conn_id);
  EXPECT_EQ(ids.size(), 3u);
  for (uint64_t id : ids) {
    EXPECT_NE(id, 0u);
    EXPECT_EQ(conn_id_string(id).size(), 16u);
  }
  EXPECT_NE(pa.events[0].conn_id, pb.events[0].conn_id);
}

TEST(EngineTest, ResetGivesTheSameEventsAsAFreshEngine) {
  Scenario sc = parse_text(
      kTopo + "c1 = make-call 7001 8001\nqueue c1 8001\ndivert 8001 c1 7002\nanswer 7002 c1\n");
  Played fresh = play(sc.session);
  Engine engine(sc.session.config);
  std::vector<Event> first, second;
  for (const Stimulus& s : sc.session.stimuli) (void)engine.apply(s, &first);
  engine.reset(sc.session.config.seed);
  for (const Stimulus& s : sc.session.stimuli) (void)engine.apply(s, &second);
  EXPECT_EQ(first, fresh.events);
  EXPECT_EQ(second, fresh.events);
}

// Engine::reset(config), as replay uses it for session after session: one engine taken
// through every corpus flow in turn (other topologies, DN kinds, switch profiles, seeds),
// twice over and in reverse the second time, gives each flow the events of a fresh engine.
TEST(EngineTest, ResetToAnotherConfigGivesWhatAFreshEngineGives) {
  std::vector<std::pair<std::string, Scenario>> flows;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (entry.path().extension() != ".scn") continue;
    Scenario sc;
    Status st = load_scenario(entry.path().string(), &sc);
    ASSERT_TRUE(st.is_ok()) << st.message();
    flows.emplace_back(entry.path().filename().string(), std::move(sc));
  }
  ASSERT_GT(flows.size(), 40u);
  std::sort(flows.begin(), flows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const std::pair<std::string, Scenario>*> order;
  for (const auto& f : flows) order.push_back(&f);
  for (auto it = flows.rbegin(); it != flows.rend(); ++it) order.push_back(&*it);
  Engine engine(order.front()->second.session.config);
  for (const auto* f : order) {
    const Session& session = f->second.session;
    engine.reset(session.config);
    std::vector<Event> out;
    for (const Stimulus& s : session.stimuli) (void)engine.apply(s, &out);
    EXPECT_EQ(out, play(session).events) << f->first;
  }
}

TEST(EngineTest, MalformedStimuliAreIgnoredNotTrusted) {
  Scenario sc = parse_text(kTopo);
  sc.session.config.call_names = {"c1"};
  Engine engine(sc.session.config);
  std::vector<Event> out;
  Stimulus bad;
  bad.kind = StimulusKind::kMakeCall;
  bad.dn = 200;  // no such DN
  bad.dn2 = 1;
  bad.call = 0;
  bad.reference_id = 1;
  EXPECT_EQ(engine.apply(bad, &out).reason, IgnoreReason::kMalformed);
  bad.dn = 0;
  bad.reference_id = 0;  // a client request without a ReferenceID
  EXPECT_EQ(engine.apply(bad, &out).reason, IgnoreReason::kMalformed);
  bad.kind = static_cast<StimulusKind>(200);
  EXPECT_EQ(engine.apply(bad, &out).reason, IgnoreReason::kMalformed);
  EXPECT_TRUE(out.empty());
  // A call id created twice: the second make-call is refused with 53.
  Stimulus mk;
  mk.kind = StimulusKind::kMakeCall;
  mk.dn = 0;
  mk.dn2 = 1;
  mk.call = 0;
  mk.reference_id = 1;
  EXPECT_EQ(engine.apply(mk, &out).outcome, Outcome::kApplied);
  mk.dn = 2;
  mk.reference_id = 2;
  EXPECT_EQ(engine.apply(mk, &out).outcome, Outcome::kRefused);
  EXPECT_EQ(error_code_of(out.back().error), 53);
  engine.check_invariants();
}

TEST(ProfileTest, ThirdPartyOffDropsTheOptionalThirdParty) {
  std::string flow = kTopo +
                     "c1 = make-call 7001 8001\ndivert 8001 c1 7002\n"
                     "c2 = make-call 7003 9001\nroute 9001 c2 6001\n"
                     "c3 = inbound 5550100 9101\nroute-timeout 9101 c3 8001\n";
  Played on = play_text(flow), off = play_text("option third-party off\n" + flow);
  auto find = [](const Played& p, uint32_t n, EventType t) {
    for (const Event& e : events_of(p, n)) {
      if (e.type == t) return e;
    }
    return Event{};
  };
  EXPECT_TRUE(find(on, 2, EventType::kDiverted).has(Attr::kThirdPartyDn));
  EXPECT_FALSE(find(off, 2, EventType::kDiverted).has(Attr::kThirdPartyDn));
  EXPECT_FALSE(find(off, 2, EventType::kDiverted).has(Attr::kThirdPartyDnRole));
  // Routed through T-Server: ThirdPartyDN stays mandatory; only its role is *OPT.
  EXPECT_TRUE(find(off, 4, EventType::kRouteUsed).has(Attr::kThirdPartyDn));
  EXPECT_FALSE(find(off, 4, EventType::kRouteUsed).has(Attr::kThirdPartyDnRole));
  // Default routing: ThirdPartyDN is optional.
  EXPECT_TRUE(find(on, 6, EventType::kRouteUsed).has(Attr::kThirdPartyDn));
  EXPECT_FALSE(find(off, 6, EventType::kRouteUsed).has(Attr::kThirdPartyDn));
}

TEST(ProfileTest, RouteUsedCallStateOffDropsIt) {
  std::string flow = kTopo + "c1 = make-call 7001 9001\nroute 9001 c1 7002\n";
  EXPECT_EQ(events_of(play_text(flow), 2)[0].call_state, CallState::kOk);
  EXPECT_FALSE(
      events_of(play_text("option route-used-callstate off\n" + flow), 2)[0].has(Attr::kCallState));
}

TEST(ProfileTest, OutboundOtherDnOffDropsItFromEstablished) {
  std::string flow = kTopo + "c1 = make-call 7001 5550100\nremote-answer c1\n";
  EXPECT_TRUE(events_of(play_text(flow), 2)[0].has(Attr::kOtherDn));
  Event e = events_of(play_text("option outbound-other-dn off\n" + flow), 2)[0];
  EXPECT_EQ(e.type, EventType::kEstablished);
  EXPECT_FALSE(e.has(Attr::kOtherDn));
  EXPECT_FALSE(e.has(Attr::kOtherDnRole));
}

TEST(ProfileTest, SimulatedNetworkReachedComesRightBeforeEstablishedAtARemoteExtension) {
  Played p = play_text("option network-reached simulated\n" + kTopo +
                       "c1 = make-call 7001 6001\nanswer 6001 c1\n");
  std::vector<Event> first = events_of(p, 1), second = events_of(p, 2);
  ASSERT_EQ(first.size(), 2u);  // Dialing, Ringing: no NetworkReached yet
  EXPECT_EQ(first[1].type, EventType::kRinging);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].type, EventType::kEstablished);  // the answer, at 6001
  EXPECT_EQ(second[1].type, EventType::kNetworkReached);
  EXPECT_EQ(second[2].type, EventType::kEstablished);
  EXPECT_EQ(second[2].this_dn, 0);
}

// A random walk over every stimulus kind, DN and call: the engine never crashes,
// keeps its invariants after every stimulus, and answers every client request it
// does not leave pending with exactly one event carrying its ReferenceID.
TEST(EngineRandomTest, AnyOrderingKeepsTheInvariantsAndAnswersEveryRequest) {
  testing::TestRng rng(testing::test_seed(20261124));
  Scenario base = parse_text(kTopo);
  for (int round = 0; round < 400; ++round) {
    Session s = base.session;
    s.config.seed = rng.next();
    for (int i = 0; i < kProfileOptionCount; ++i) {
      ASSERT_TRUE(set_profile_option(&s.config.profile, profile_options()[i].name,
                                     profile_options()[i].values[rng.below(2)]));
    }
    s = testing::random_session(rng, s, 1 + static_cast<int>(rng.below(40)));
    uint32_t refs = 0;
    for (const Stimulus& st : s.stimuli) refs += st.is_client_request();
    ASSERT_TRUE(validate_session(s).empty());
    Engine engine(s.config);
    std::vector<Event> events;
    std::vector<std::size_t> answers(refs + 1, 0);
    for (const Stimulus& st : s.stimuli) {
      (void)engine.apply(st, &events);
      engine.check_invariants();
    }
    for (const Event& e : events) {
      if (e.has(Attr::kReferenceId)) ++answers[e.reference_id];
    }
    // Requests left unanswered must be TRouteCalls still pending in a paused engine.
    for (const Stimulus& st : s.stimuli) {
      if (!st.is_client_request()) continue;
      if (answers[st.reference_id] == 0) {
        EXPECT_EQ(st.kind, StimulusKind::kRouteCall) << print_scenario(s);
        EXPECT_TRUE(engine.paused()) << print_scenario(s);
      } else {
        EXPECT_EQ(answers[st.reference_id], 1u) << "ReferenceID " << st.reference_id << "\n"
                                                << print_scenario(s);
      }
    }
  }
}

}  // namespace
}  // namespace callbench
