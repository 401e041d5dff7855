// The oracle on its own: this program links callbench_oracle and callbench_model and
// nothing else (tests/CMakeLists.txt), so it fails to link if the oracle calls the
// engine, the scenario language or the renderer (DESIGN.md: the oracle uses the model
// only, so it cannot repeat the engine's bugs). The ctest oracle_links_no_engine checks
// the linked program for engine symbols as well. Exit 0 when the oracle, alone, judges
// hand-built streams as the document says; 1 otherwise.
#include <cstdio>
#include <string>
#include <vector>

#include "core/oracle.h"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

callbench::Session observed_session() {
  using namespace callbench;
  Session s;
  s.config.topology.dns = {{"7001", DnKind::kExtension}, {"7002", DnKind::kExtension}};
  s.config.call_names = {"conn_1"};
  s.observed = true;
  s.profile_known = false;
  return s;
}

callbench::Event event(callbench::EventType type, callbench::DnId this_dn,
                       callbench::DnRole this_role, callbench::DnId other_dn,
                       callbench::DnRole other_role, uint32_t seq) {
  using namespace callbench;
  Event e;
  e.type = type;
  e.call = 0;
  e.conn_id = 0x1234;
  e.set(Attr::kConnId);
  e.this_dn = this_dn;
  e.set(Attr::kThisDn);
  e.this_role = this_role;
  e.set(Attr::kThisDnRole);
  e.other_dn = other_dn;
  e.set(Attr::kOtherDn);
  e.other_role = other_role;
  e.set(Attr::kOtherDnRole);
  e.call_state = CallState::kOk;
  e.set(Attr::kCallState);
  e.seq = seq;
  return e;
}

}  // namespace

int main() {
  using namespace callbench;
  // Nothing happened: nothing to object to.
  expect(judge(observed_session(), {}).ok(), "an empty stream conforms");
  expect(!documented_flow_points().empty(), "the flow table lists the documented points");

  // Internal call, 7001 dials 7002, 7002 rings: the beginning of a documented flow.
  Session s = observed_session();
  std::vector<Event> events = {
      event(EventType::kDialing, 0, DnRole::kOrigination, 1, DnRole::kDestination, 1),
      event(EventType::kRinging, 1, DnRole::kDestination, 0, DnRole::kOrigination, 2),
  };
  Verdict v = judge(s, events);
  if (!v.ok()) std::fprintf(stderr, "%s", v.report(s.config).c_str());
  expect(v.ok(), "EventDialing then EventRinging is the beginning of a documented flow");
  expect(v.flows.size() == 1 && v.flows[0].in_progress &&
             std::string(v.flows[0].flow) == "Internal/Inbound Call",
         "the call is under way in a documented flow");

  // The called party named as its own caller: the roles contradict the document.
  events[1].other_dn = 1;
  expect(!judge(s, events).ok(),
         "EventRinging whose OtherDN is the ringing DN itself is a violation");
  return failures == 0 ? 0 : 1;
}
