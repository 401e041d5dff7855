// Issue 7's twelve kinds of stream the document forbids, each on every flow where it can
// occur: the documented stream (a corpus flow, played by the engine) is changed in that
// way and must be a violation naming the expected rule, while the unchanged stream
// conforms. A DN no stimulus names (7999, an extension) is added to each session so that
// a change can name a party that is not in the call.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/oracle.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

struct Stream {
  Session session;
  std::vector<Event> events;
  DnId dn(const std::string& name) const { return session.config.topology.find(name); }
  // The index of the n-th event of `type` at `at` (any DN when empty).
  std::size_t find(EventType type, const std::string& at = "", int n = 0) const {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].type == type && (at.empty() || events[i].this_dn == dn(at)) && n-- == 0)
        return i;
    }
    ADD_FAILURE() << "no " << event_name(type) << " at '" << at << "'";
    return 0;
  }
  Event& at(EventType type, const std::string& dn_name = "", int n = 0) {
    return events[find(type, dn_name, n)];
  }
  void drop(EventType type, const std::string& dn_name = "") {
    events.erase(events.begin() + static_cast<std::ptrdiff_t>(find(type, dn_name)));
    renumber();
  }
  void renumber() {
    uint32_t seq = 0;
    for (Event& e : events) e.seq = ++seq;
  }
};

Stream load(const std::string& flow) {
  Scenario sc;
  Status st = load_scenario(testing::source_path("corpus/flows/" + flow + ".scn"), &sc);
  EXPECT_TRUE(st.is_ok()) << st.message();
  Stream s;
  s.session = sc.session;
  s.events = play(sc.session).events;
  s.session.config.topology.dns.push_back(Dn{"7999", DnKind::kExtension});
  return s;
}

struct KindCase {
  int kind;
  const char* flow;
  const char* change;
  const char* rule;
  std::function<void(Stream&)> apply;
  bool observed = false;  // judged as a real T-Server shows it: no stimuli, no profile
};

void PrintTo(const KindCase& c, std::ostream* os) {
  *os << "kind " << c.kind << " " << c.flow << ": " << c.change;
}

using T = EventType;

std::vector<KindCase> cases() {
  return {
      // 1. An attribute naming a party that has not sent an event yet.
      {1, "routing_3", "caller's EventReleased OtherDN names the caller", "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7001"); }},
      {1, "routing_3", "caller's EventReleased OtherDN names a DN outside the call",
       "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7999"); }},
      {1, "acd", "EventDiverted ThirdPartyDN names another DN", "documented-attributes",
       [](Stream& s) { s.at(T::kDiverted, "8001").third_party_dn = s.dn("7999"); }},
      {1, "multi_acd", "the other queue's EventDiverted ThirdPartyDN names another DN",
       "documented-attributes",
       [](Stream& s) { s.at(T::kDiverted, "8002").third_party_dn = s.dn("7999"); }},
      {1, "multi_acd", "the other queue's EventDiverted ThirdPartyQueue names itself",
       "documented-attributes",
       [](Stream& s) { s.at(T::kDiverted, "8002").third_party_queue = s.dn("8002"); }},
      {1, "routing_outbound_external", "caller's EventEstablished OtherDN names another DN",
       "documented-attributes",
       [](Stream& s) { s.at(T::kEstablished, "7001").other_dn = s.dn("7999"); }},
      {1, "routequeue", "EventDiverted ThirdPartyDN names another DN", "documented-attributes",
       [](Stream& s) { s.at(T::kDiverted, "9101").third_party_dn = s.dn("7999"); }},
      {1, "routing_2", "caller's EventReleased OtherDN names the routing point",
       "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("9001"); }},
      // 2. Interruption points as the tables draw them.
      {2, "routing_1", "release with no TRouteCall: OtherDN not B", "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7999"); }},
      {2, "routequeue_1", "release while routing: OtherDN not B", "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7999"); }},
      {2, "acd_2", "release before queueing: OtherDN not B", "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7999"); }},
      {2, "multi_acd_2", "release while queued at both: the second queue not abandoned",
       "left-behind", [](Stream& s) { s.drop(T::kAbandoned, "8002"); }},
      // 3. The route's destination is where the call rings.
      {3, "routing", "EventRouteUsed ThirdPartyDN names another DN", "delivered-where-sent",
       [](Stream& s) { s.at(T::kRouteUsed).third_party_dn = s.dn("7999"); }},
      {3, "routing", "the call rings at another DN than routed to", "delivered-where-sent",
       [](Stream& s) {
         for (Event& e : s.events) {
           if (e.this_dn == s.dn("7002")) e.this_dn = s.dn("7999");
         }
       }},
      {3, "routing_default", "default routing: ThirdPartyDN names another DN",
       "delivered-where-sent",
       [](Stream& s) { s.at(T::kRouteUsed).third_party_dn = s.dn("7999"); }},
      {3, "routequeue", "the call rings at another DN than routed to", "delivered-where-sent",
       [](Stream& s) { s.at(T::kRinging, "7002").this_dn = s.dn("7999"); }},
      // 4. A required event missing.
      {4, "outbound", "no EventNetworkReached", "network-reached",
       [](Stream& s) { s.drop(T::kNetworkReached); }},
      {4, "routing_outbound", "no EventNetworkReached", "network-reached",
       [](Stream& s) { s.drop(T::kNetworkReached); }},
      {4, "hold_outbound", "no EventNetworkReached", "network-reached",
       [](Stream& s) { s.drop(T::kNetworkReached); }},
      {4, "outbound_simulated", "no EventNetworkReached (simulated)", "network-reached",
       [](Stream& s) { s.drop(T::kNetworkReached); }},
      // 5. *DIAL/*OPT only where the table marks them.
      {5, "routequeue", "caller's EventDialing without OtherDN", "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDialing);
         e.clear(Attr::kOtherDn);
         e.clear(Attr::kOtherDnRole);
       }},
      {5, "hold", "caller's EventDialing without OtherDN", "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDialing);
         e.clear(Attr::kOtherDn);
         e.clear(Attr::kOtherDnRole);
       }},
      {5, "routing_outbound", "caller's EventEstablished without OtherDN", "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kEstablished, "7001");
         e.clear(Attr::kOtherDn);
         e.clear(Attr::kOtherDnRole);
       }},
      {5, "outbound_2", "EventDestinationBusy without OtherDN", "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDestinationBusy);
         e.clear(Attr::kOtherDn);
         e.clear(Attr::kOtherDnRole);
       }},
      {5, "internal", "EventDialing without OtherDN (dial-info on)", "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDialing);
         e.clear(Attr::kOtherDn);
         e.clear(Attr::kOtherDnRole);
       }},
      // 6. Footnote c of Routing: CallState follows how the call was routed.
      {6, "routing", "EventRouteUsed after TRouteCall says Redirected", "route-used-callstate",
       [](Stream& s) { s.at(T::kRouteUsed).call_state = CallState::kRedirected; }},
      {6, "routing_default", "EventRouteUsed after default routing says OK", "route-used-callstate",
       [](Stream& s) { s.at(T::kRouteUsed).call_state = CallState::kOk; }},
      {6, "routequeue_default", "EventRouteUsed after default routing says OK",
       "route-used-callstate", [](Stream& s) { s.at(T::kRouteUsed).call_state = CallState::kOk; }},
      {6, "routequeue", "EventRouteUsed after TRouteCall without CallState", "route-used-callstate",
       [](Stream& s) { s.at(T::kRouteUsed).clear(Attr::kCallState); }},
      // 7. Footnote a of Routing **.
      {7, "routing_2", "EventError before EventAbandoned", "route-error-after-abandoned",
       [](Stream& s) {
         std::size_t a = s.find(T::kAbandoned), e = s.find(T::kError);
         std::swap(s.events[a], s.events[e]);
         s.renumber();
       }},
      {7, "routing_2", "no EventError", "route-error-after-abandoned",
       [](Stream& s) { s.drop(T::kError); }},
      // 8. Completeness.
      {8, "multi_acd", "the second queue's EventDiverted missing", "left-behind",
       [](Stream& s) { s.drop(T::kDiverted, "8002"); }},
      {8, "park", "EventQueued missing at the parking DN", "documented-flow",
       [](Stream& s) { s.drop(T::kQueued, "7002"); }},
      {8, "routing_default", "EventRouteUsed missing after default routing", "left-behind",
       [](Stream& s) { s.drop(T::kRouteUsed); }},
      {8, "acd", "a second agent rings and is left ringing", "left-behind",
       [](Stream& s) {
         std::size_t i = s.find(T::kRinging, "7002");
         Event e = s.events[i];
         e.this_dn = s.dn("7999");
         s.events.insert(s.events.begin() + static_cast<std::ptrdiff_t>(i) + 1, e);
         s.renumber();
       }},
      {8, "outbound_2", "EventEstablished after EventDestinationBusy", "party-order",
       [](Stream& s) {
         std::size_t i = s.find(T::kDestinationBusy);
         Event e = s.events[i];
         e.type = EventType::kEstablished;
         e.call_state = CallState::kOk;
         s.events.insert(s.events.begin() + static_cast<std::ptrdiff_t>(i) + 1, e);
         s.renumber();
       }},
      {8, "acd", "the ACD queue rings", "party-kind",
       [](Stream& s) { s.at(T::kQueued, "8001").type = T::kRinging; }},
      {8, "internal", "EventRinging missing", "pending-steps",
       [](Stream& s) { s.drop(T::kRinging); }},
      // 9. One value where the document names one.
      {9, "multi_acd_4", "D's EventAbandoned ThisQueue is the other queue C",
       "documented-attributes",
       [](Stream& s) { s.at(T::kAbandoned, "7002").this_queue = s.dn("8002"); }},
      // 10. The switch profile is read.
      {10, "multi_acd", "acd-redirected on: no CallState Redirected on the second queue",
       "documented-attributes",
       [](Stream& s) { s.at(T::kDiverted, "8002").clear(Attr::kCallState); }},
      {10, "multi_acd_secondary", "acd-redirected off: CallState Redirected anyway",
       "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDiverted, "8002");
         e.call_state = CallState::kRedirected;
         e.set(Attr::kCallState);
       }},
      {10, "outbound_no_dial", "dial-info off: OtherDN on EventDialing anyway",
       "documented-attributes",
       [](Stream& s) {
         Event& e = s.at(T::kDialing);
         e.other_dn = s.dn("5550100");
         e.other_role = DnRole::kDestination;
         e.set(Attr::kOtherDn);
         e.set(Attr::kOtherDnRole);
       }},
      {10, "outbound_simulated", "simulated: EventNetworkReached with the delivery",
       "network-reached",
       [](Stream& s) {
         std::size_t i = s.find(T::kNetworkReached);
         Event e = s.events[i];
         s.events.erase(s.events.begin() + static_cast<std::ptrdiff_t>(i));
         e.request_seq = s.events.front().request_seq;
         s.events.insert(s.events.begin() + 1, e);
         s.renumber();
       }},
      // 11. Reference rules.
      {11, "internal", "ThisQueue on EventEstablished of a non-ACD call", "agent-this-queue",
       [](Stream& s) {
         Event& e = s.at(T::kEstablished, "7002");
         e.this_queue = s.dn("7001");
         e.set(Attr::kThisQueue);
       }},
      {11, "hold", "ThisQueue on EventHeld of a non-ACD call", "agent-this-queue",
       [](Stream& s) {
         Event& e = s.at(T::kHeld);
         e.this_queue = s.dn("7002");
         e.set(Attr::kThisQueue);
       }},
      {11, "hold", "EventRetrieved with another ThisDNRole than its EventEstablished",
       "retrieved-repeats", [](Stream& s) { s.at(T::kRetrieved).clear(Attr::kThisDnRole); }},
      // 12. A route already carried out in a paused session.
      {12, "routing_3", "EventRouteUsed without ReferenceID", "reference-answer",
       [](Stream& s) { s.at(T::kRouteUsed).clear(Attr::kReferenceId); }},
      {12, "routing_3", "EventRouteUsed without ThirdPartyDN", "documented-attributes",
       [](Stream& s) { s.at(T::kRouteUsed).clear(Attr::kThirdPartyDn); }},
      // The same kinds in observed streams (no stimuli, no request_seq, profile unknown).
      {3, "acd_inbound", "observed: EventDiverted names one agent, another rings",
       "documented-flow", [](Stream& s) { s.at(T::kDiverted).third_party_dn = s.dn("7999"); },
       true},
      {3, "routing", "observed: EventRouteUsed names one DN, another rings", "documented-flow",
       [](Stream& s) { s.at(T::kRouteUsed).third_party_dn = s.dn("7999"); }, true},
      {7, "routing_2", "observed: EventError before EventAbandoned", "route-error-after-abandoned",
       [](Stream& s) {
         std::size_t a = s.find(T::kAbandoned), e = s.find(T::kError);
         std::swap(s.events[a], s.events[e]);
         s.renumber();
       },
       true},
      {4, "outbound", "observed: no EventNetworkReached", "network-reached",
       [](Stream& s) { s.drop(T::kNetworkReached); }, true},
      {8, "multi_acd", "observed: the second queue's EventDiverted missing", "left-behind",
       [](Stream& s) { s.drop(T::kDiverted, "8002"); }, true},
      {1, "routing_3", "observed: caller's EventReleased OtherDN names the caller",
       "documented-attributes",
       [](Stream& s) { s.at(T::kReleased, "7001").other_dn = s.dn("7001"); }, true},
  };
}

class OracleKindTest : public ::testing::TestWithParam<KindCase> {};

TEST_P(OracleKindTest, TheChangedStreamBreaksTheRuleAndTheDocumentedOneConforms) {
  const KindCase& c = GetParam();
  Stream s = load(c.flow);
  if (c.observed) {
    s.session.stimuli.clear();
    s.session.observed = true;
    s.session.profile_known = false;
    for (Event& e : s.events) e.request_seq = 0;
  }
  Verdict clean = judge(s.session, s.events);
  ASSERT_TRUE(clean.ok()) << clean.report(s.session.config);
  c.apply(s);
  Verdict v = judge(s.session, s.events);
  bool named = false;
  for (const Violation& x : v.violations) named = named || x.rule == c.rule;
  EXPECT_TRUE(named) << "expected rule " << c.rule << ", got:\n" << v.report(s.session.config);
}

INSTANTIATE_TEST_SUITE_P(Kinds, OracleKindTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<KindCase>& p) {
                           return "kind" + std::to_string(p.param.kind) + "_" +
                                  std::string(p.param.flow) + "_" + std::to_string(p.index);
                         });

}  // namespace
}  // namespace callbench
