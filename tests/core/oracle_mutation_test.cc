// The oracle against every single change to every documented stream: each corpus flow is
// played, then each of its events is changed in one way (dropped, duplicated, moved, its
// type changed, one attribute removed, added or given another value: every DN of the
// session, every role, a few CallStates, another ReferenceID). The profile of a corpus
// session is known, so the document fixes every attribute the table lists and every
// event of the flow: each change must be a violation. The few changes that leave a
// stream the document allows just as well are listed below with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/oracle.h"
#include "core/render.h"
#include "tests/test_util.h"

namespace callbench {
namespace {

struct Mutant {
  std::string what;
  std::vector<Event> events;
  std::size_t index = 0;  // the event of the original stream it changes
};

void renumber(std::vector<Event>* events) {
  uint32_t seq = 0;
  for (Event& e : *events) e.seq = ++seq;
}

std::string label(const Event& e, const SessionConfig& c) {
  return std::string(event_name(e.type)) + "#" + std::to_string(e.seq) + "@" +
         c.topology.dns[e.this_dn].name;
}

void set_dn(Event* e, Attr a, DnId v) {
  switch (a) {
    case Attr::kThisQueue:
      e->this_queue = v;
      break;
    case Attr::kOtherDn:
      e->other_dn = v;
      break;
    case Attr::kThirdPartyDn:
      e->third_party_dn = v;
      break;
    case Attr::kThirdPartyQueue:
      e->third_party_queue = v;
      break;
    case Attr::kThisDn:
      e->this_dn = v;
      break;
    default:
      break;
  }
  e->set(a);
}

void set_role(Event* e, Attr a, DnRole r) {
  if (a == Attr::kThisDnRole) e->this_role = r;
  if (a == Attr::kOtherDnRole) e->other_role = r;
  if (a == Attr::kThirdPartyDnRole) e->third_party_role = r;
  e->set(a);
}

std::vector<Mutant> mutants(const Session& s, const std::vector<Event>& base) {
  const SessionConfig& c = s.config;
  std::vector<Mutant> out;
  std::size_t current = 0;
  auto add = [&](std::string what, std::vector<Event> ev) {
    renumber(&ev);
    out.push_back({std::move(what), std::move(ev), current});
  };
  for (std::size_t i = 0; i < base.size(); ++i) {
    current = i;
    const Event& e = base[i];
    std::string at = label(e, c);
    {
      auto ev = base;
      ev.erase(ev.begin() + static_cast<std::ptrdiff_t>(i));
      add("drop " + at, ev);
    }
    {
      auto ev = base;
      ev.insert(ev.begin() + static_cast<std::ptrdiff_t>(i), e);
      add("duplicate " + at, ev);
    }
    if (i + 1 < base.size() && base[i + 1].request_seq == e.request_seq) {
      auto ev = base;
      std::swap(ev[i], ev[i + 1]);
      add("swap " + at + " with next", ev);
    }
    for (EventType t :
         {EventType::kQueued, EventType::kDiverted, EventType::kAbandoned, EventType::kRinging,
          EventType::kDialing, EventType::kNetworkReached, EventType::kDestinationBusy,
          EventType::kEstablished, EventType::kReleased, EventType::kHeld, EventType::kRetrieved,
          EventType::kRouteRequest, EventType::kRouteUsed}) {
      if (t == e.type || e.type == EventType::kError) continue;
      auto ev = base;
      ev[i].type = t;
      add("type " + at + " -> " + event_name(t), ev);
    }
    for (Attr a : {Attr::kThisQueue, Attr::kOtherDn, Attr::kThirdPartyDn, Attr::kThirdPartyQueue,
                   Attr::kThisDnRole, Attr::kOtherDnRole, Attr::kThirdPartyDnRole, Attr::kCallState,
                   Attr::kReferenceId}) {
      if (e.has(a)) {
        auto ev = base;
        ev[i].clear(a);
        add("remove " + std::string(attr_name(a)) + " " + at, ev);
      }
      if (a == Attr::kThisQueue || a == Attr::kOtherDn || a == Attr::kThirdPartyDn ||
          a == Attr::kThirdPartyQueue) {
        for (DnId d = 0; d < c.topology.dns.size(); ++d) {
          auto ev = base;
          bool had = ev[i].has(a);
          set_dn(&ev[i], a, d);
          if (ev[i] == base[i]) continue;
          // OtherDN with its role, as an attribute pair (rule other-dn-role aside).
          if (a == Attr::kOtherDn && !had)
            set_role(&ev[i], Attr::kOtherDnRole, DnRole::kDestination);
          add(std::string(had ? "change " : "add ") + attr_name(a) + "=" + c.topology.dns[d].name +
                  " " + at,
              ev);
        }
      }
      if (a == Attr::kThisDnRole || a == Attr::kOtherDnRole || a == Attr::kThirdPartyDnRole) {
        for (DnRole r : {DnRole::kOrigination, DnRole::kDestination, DnRole::kUnknown}) {
          auto ev = base;
          set_role(&ev[i], a, r);
          if (ev[i] == base[i]) continue;
          add(std::string("role ") + attr_name(a) + "=" + dn_role_name(r) + " " + at, ev);
        }
      }
      if (a == Attr::kCallState) {
        for (CallState st :
             {CallState::kOk, CallState::kRedirected, CallState::kBusy, CallState::kAbandoned}) {
          auto ev = base;
          ev[i].call_state = st;
          ev[i].set(Attr::kCallState);
          if (ev[i] == base[i]) continue;
          add(std::string("callstate ") + call_state_name(st) + " " + at, ev);
        }
      }
      if (a == Attr::kReferenceId && e.has(a)) {
        auto ev = base;
        ev[i].reference_id += 7;
        add("reference+7 " + at, ev);
      }
    }
    for (DnId d = 0; d < c.topology.dns.size(); ++d) {
      if (d == e.this_dn) continue;
      auto ev = base;
      ev[i].this_dn = d;
      add("move " + at + " to " + c.topology.dns[d].name, ev);
    }
  }
  return out;
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Changes that leave a stream the document allows as well (why in each).
bool allowed(const std::string& file, const std::string& what) {
  (void)file;
  // Removing an attribute a row does not list (CallState on EventDialing/Established/
  // Queued/Released, ThisDNRole on Released/Abandoned/Held, ThisQueue on an agent's
  // EventEstablished), or adding CallState OK where a row lists none: the table is silent.
  // Where a row does list them (hold's EventDialing CallState, ...) the matcher still
  // requires them; those changes are not exempted by this list when they are caught.
  if (starts(what, "remove CallState Event") || starts(what, "remove ThisDNRole Event"))
    return true;
  if (starts(what, "remove ThisQueue EventEstablished")) return true;
  if (starts(what, "callstate OK Event") && what.find("EventDestinationBusy") == std::string::npos)
    return true;
  // Events of one row are unordered.
  if (starts(what, "swap ")) return true;
  // The distributing queue's EventDiverted: the table gives its ThisDNRole as
  // Origination, the other queue's row lists none.
  if (starts(what, "role ThisDNRole=Destination EventDiverted")) return true;
  // A queue naming itself as ThisQueue on its own EventDiverted, where the multi-ACD
  // row lists none for the distributing queue (its EventQueued gave ThisQueue B).
  if (starts(what, "add ThisQueue=") && what.find("EventDiverted") != std::string::npos) {
    std::string value = what.substr(14, what.find(' ', 14) - 14);
    if (what.substr(what.find('@') + 1) == value) return true;
  }
  return false;
}

class OracleMutationTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OracleMutationTest, EverySingleChangeToADocumentedStreamIsAViolation) {
  Scenario sc;
  ASSERT_TRUE(load_scenario(testing::source_path("corpus/flows/" + GetParam()), &sc).is_ok());
  Played p = play(sc.session);
  Verdict clean = judge(sc.session, p.events);
  ASSERT_TRUE(clean.ok()) << clean.report(sc.session.config);
  std::vector<std::string> missed;
  std::size_t n = 0;
  for (const Mutant& m : mutants(sc.session, p.events)) {
    ++n;
    if (allowed(GetParam(), m.what)) continue;
    Verdict v = judge(sc.session, m.events);
    if (v.ok()) missed.push_back(m.what);
  }
  std::cout << GetParam() << ": " << n << " changed streams judged\n";
  std::string list;
  for (const auto& m : missed) list += "\n  " + m;
  EXPECT_TRUE(missed.empty()) << GetParam() << ": " << missed.size() << " of " << n
                              << " changes judged conforming:" << list;
}

std::vector<std::string> corpus_flows() {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(testing::source_path("corpus/flows"))) {
    if (f.path().extension() == ".scn") out.push_back(f.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, OracleMutationTest, ::testing::ValuesIn(corpus_flows()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.size() - 4);
                           return n;
                         });

}  // namespace
}  // namespace callbench

namespace callbench {
namespace {

// What a stream with no requests and no stimuli cannot tell: ReferenceIDs and EventError
// answer requests it does not show; a log starts and ends anywhere, so a change to a
// call's first or last event may leave a call seen from later or until earlier.
bool allowed_observed(const std::vector<Event>& base, const Mutant& m) {
  if (m.what.find("ReferenceID") != std::string::npos || m.what.rfind("reference+7", 0) == 0)
    return true;
  const Event& e = base[m.index];
  if (e.type == EventType::kError) return true;
  bool first = true, last = true;
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (base[i].call != e.call || base[i].type == EventType::kError) continue;
    if (i < m.index) first = false;
    if (i > m.index) last = false;
  }
  if (first || last) return true;
  // Without the stimuli these read as other documented streams: busy before the network
  // was reached (Outbound **), a reason the far end gave (footnote a), a call parked and
  // picked up that looks rung directly (Internal/Inbound), a hang-up at the parking DN's
  // own call that ends the log there.
  for (const char* same : {"drop EventNetworkReached", "callstate ", "drop EventDestinationBusy",
                           "drop EventQueued", "drop EventReleased", "type EventReleased",
                           "type EventEstablished", "add OtherDN=5550100 EventNetworkReached"}) {
    if (m.what.rfind(same, 0) == 0 && (m.what.find("EventDestinationBusy") != std::string::npos ||
                                       m.what.find("EventNetworkReached") != std::string::npos ||
                                       m.what.find("EventQueued") != std::string::npos ||
                                       m.what.find("EventReleased") != std::string::npos ||
                                       m.what.find("-> EventAbandoned") != std::string::npos)) {
      return true;
    }
  }
  return false;
}

// A log may end inside a document row (MatchResult::partial): an event dropped from the
// call's last row (at most two of its events after it) reads as the rest of that row not
// logged yet, and the oracle says the call is still under way, never that it follows a
// flow to its end.
bool cut_inside_last_row(const std::vector<Event>& base, const Mutant& m, const Verdict& v) {
  if (m.what.rfind("drop ", 0) != 0) return false;
  const Event& e = base[m.index];
  std::size_t after = 0;
  for (std::size_t i = m.index + 1; i < base.size(); ++i) after += base[i].call == e.call;
  if (after > 2) return false;
  for (const CallFlow& f : v.flows) {
    if (f.call == e.call) return f.in_progress;
  }
  return false;
}

// The same changes to the same streams seen as a real T-Server shows them: no stimuli at
// all (observed), no request_seq. The oracle binds the parties from the events alone.
TEST_P(OracleMutationTest, ObservedStreamsToo) {
  Scenario sc;
  ASSERT_TRUE(load_scenario(testing::source_path("corpus/flows/" + GetParam()), &sc).is_ok());
  Played p = play(sc.session);
  Session observed = sc.session;
  observed.stimuli.clear();
  observed.observed = true;
  for (Event& e : p.events) e.request_seq = 0;
  Verdict clean = judge(observed, p.events);
  ASSERT_TRUE(clean.ok()) << clean.report(observed.config);
  std::vector<std::string> missed;
  std::size_t n = 0;
  for (const Mutant& m : mutants(observed, p.events)) {
    ++n;
    if (allowed(GetParam(), m.what) || allowed_observed(p.events, m)) continue;
    Verdict v = judge(observed, m.events);
    if (!v.ok() || cut_inside_last_row(p.events, m, v)) continue;
    missed.push_back(m.what);
  }
  std::string list;
  for (const auto& m : missed) list += "\n  " + m;
  EXPECT_TRUE(missed.empty()) << GetParam() << " observed: " << missed.size() << " of " << n
                              << " changes judged conforming:" << list;
}

}  // namespace
}  // namespace callbench
