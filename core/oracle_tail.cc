// Calls an observed stream shows only from their middle (a log cut at its first line):
// which they are, and their events judged as a tail of the documented flows (core/oracle.h).
//
// A tail of a flow or interruption point is its rows from some row k on; the stream may
// start between two events of row k (events on one row are unordered among the parties),
// so the first row of a tail is any non-empty subset of row k's items. The parties bind
// where they first show (the stimuli and the call's first events, which name the caller
// and the dialed DN, are not in the stream). Everything else is the matcher's
// (core/oracle_match.cc): the same rows, attributes, options and footnotes.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "core/oracle.h"
#include "core/oracle_flow_table.h"
#include "core/oracle_match.h"

namespace callbench {
namespace oracle {
namespace {

struct Tail {
  Pattern pattern;          // the rows from `from` on
  std::size_t from;         // 0-based row of the whole flow the tail starts at
  uint32_t partial;         // the first row's items kept (bit per item); all: the whole row
  std::size_t first_items;  // how many items that row has in the whole flow
};

const std::vector<Tail>& tails() {
  static const std::vector<Tail> all = [] {
    std::vector<Tail> out;
    for (const Pattern& p : patterns()) {
      for (std::size_t k = 0; k < p.rows.size(); ++k) {
        const Row& first = p.rows[k];
        std::size_t n = std::min<std::size_t>(first.items.size(), 8);
        for (uint32_t mask = 1; mask < (1u << n); ++mask) {
          Tail t{p, k, mask, first.items.size()};
          t.pattern.rows.assign(p.rows.begin() + static_cast<std::ptrdiff_t>(k), p.rows.end());
          Row& r = t.pattern.rows.front();
          r.items.clear();
          for (std::size_t i = 0; i < n; ++i) {
            if (mask & (1u << i)) r.items.push_back(first.items[i]);
          }
          t.pattern.abnormal_from = p.abnormal_from > k ? p.abnormal_from - k : 0;
          t.pattern.after = p.after > k ? p.after - k : 0;
          out.push_back(std::move(t));
        }
      }
    }
    return out;
  }();
  return all;
}

bool talk(EventType t) {
  return t == EventType::kReleased || t == EventType::kHeld || t == EventType::kRetrieved ||
         t == EventType::kAbandoned;
}

// The rules that judge one event on its own (its attributes), whatever came before it in
// the call: they hold for a call's tail as for a whole call.
bool event_local(const std::string& rule) {
  return rule == "attribute-values" || rule == "other-dn-role" || rule == "required-callstate" ||
         rule == "route-attributes" || rule == "one-connid";
}

std::string row_text(std::size_t from) { return "row " + std::to_string(from + 1); }

}  // namespace
}  // namespace oracle

std::vector<bool> calls_under_way(const Session& session, const std::vector<Event>& events) {
  const std::size_t calls = session.config.call_names.size();
  std::vector<bool> seen(calls, false), joined(calls, false),
      shown(session.config.topology.dns.size(), false);
  if (!session.observed) return joined;
  for (const Event& e : events) {
    if (e.this_dn < shown.size()) shown[e.this_dn] = true;
  }
  for (const Event& e : events) {
    if (e.call >= calls || seen[e.call] || e.type == EventType::kError) continue;
    seen[e.call] = true;
    bool opens = e.type == EventType::kDialing;
    if (e.type == EventType::kRinging || e.type == EventType::kQueued ||
        e.type == EventType::kRouteRequest) {
      bool through_queue = e.has(Attr::kThisQueue) && e.this_queue != e.this_dn;
      // A caller the log shows, or one T-Server monitors (--dn), would have shown its
      // EventDialing: the call began before the log.
      bool caller_known =
          e.has(Attr::kOtherDn) && e.other_dn < shown.size() &&
          (shown[e.other_dn] || session.config.topology.dns[e.other_dn].kind != DnKind::kExternal);
      opens = !through_queue && !caller_known;
    }
    joined[e.call] = !opens;
  }
  return joined;
}

void judge_tails(const Session& session, const std::vector<Event>& events,
                 const std::vector<bool>& joined, Verdict* verdict) {
  using namespace oracle;
  auto call_of = [&](const Violation& x) -> CallId {
    if (x.event_seqs.empty() || x.event_seqs[0] < 1 || x.event_seqs[0] > events.size())
      return kNoCall;
    return events[x.event_seqs[0] - 1].call;
  };
  auto& vs = verdict->violations;
  // What only the call's missing beginning explains goes: every rule that follows the
  // call's state. The per-event rules stay.
  vs.erase(std::remove_if(vs.begin(), vs.end(),
                          [&](const Violation& x) {
                            CallId c = call_of(x);
                            return c < joined.size() && joined[c] && !event_local(x.rule);
                          }),
           vs.end());
  auto name = [&](CallId c) {
    return c < session.config.call_names.size() ? session.config.call_names[c] : std::string("?");
  };
  MatchBuffers buffers;
  for (CallId c = 0; c < joined.size(); ++c) {
    if (!joined[c]) continue;
    std::vector<const Event*> mine;
    const Event* route_used = nullptr;
    bool hung_up = false, error_after = false;
    for (const Event& e : events) {
      if (e.call != c) continue;
      if (e.type == EventType::kError) {
        error_after = error_after || (hung_up && e.has(Attr::kReferenceId));
        continue;
      }
      if (e.type == EventType::kRouteUsed && !route_used) route_used = &e;
      if (e.type == EventType::kReleased || e.type == EventType::kAbandoned) hung_up = true;
      mine.push_back(&e);
    }
    auto flow_it = std::find_if(verdict->flows.begin(), verdict->flows.end(),
                                [&](const CallFlow& f) { return f.call == c; });
    CallFlow f;
    f.call = c;
    f.under_way = true;
    if (mine.empty()) {
      if (flow_it != verdict->flows.end()) *flow_it = f;
      continue;
    }
    CallFacts facts;
    facts.tail = true;
    facts.by_request = route_used && route_used->has(Attr::kReferenceId);
    facts.route_pending = error_after && !route_used;
    // Rank as the whole call's verdict does (core/oracle_verdict.cc): 3, a tail that
    // accounts for every event (a normal flow's conversation and end may follow its last
    // row, at its parties); 2, a normal flow's tail the events are a beginning of.
    const std::vector<Tail>& all = tails();
    int best_rank = 0;
    const Tail* best = nullptr;
    MatchResult best_r;
    for (const Tail& t : all) {
      const Row& first = t.pattern.rows.front();
      bool starts = std::any_of(first.items.begin(), first.items.end(),
                                [&](const Item& it) { return it.type == mine[0]->type; });
      if (!starts) continue;
      MatchResult r = match_flow(session, &buffers, t.pattern, mine, facts);
      if (r.rows == 0) continue;
      bool every = r.consumed == mine.size();
      bool after_ok = true;
      for (std::size_t k = r.consumed; k < mine.size() && after_ok; ++k) {
        const Event& e = *mine[k];
        after_ok = talk(e.type) && std::find(r.binding.dn.begin(), r.binding.dn.end(), e.this_dn) !=
                                       r.binding.dn.end();
      }
      int rank = r.complete && (every || after_ok)                       ? 3
                 : every && t.pattern.is_normal() && r.limit == SIZE_MAX ? 2
                                                                         : 1;
      // Better: conforming attributes first (the tail may be of either flow), then the
      // rank, then more of the call's events explained, then more of the flow (an
      // earlier row), then the document's order.
      auto key = [](int rk, const MatchResult& m, const Tail& tl) {
        return std::make_tuple(rk >= 2 && m.attrs_ok, rk, m.consumed, m.attrs_ok,
                               SIZE_MAX - tl.from, tl.partial == (1u << tl.first_items) - 1);
      };
      if (!best || key(rank, r, t) > key(best_rank, best_r, *best)) {
        best = &t;
        best_rank = rank;
        best_r = r;
      }
    }
    bool only_talk =
        std::all_of(mine.begin(), mine.end(), [](const Event* e) { return talk(e->type); });
    // Only the conversation or its end, and no flow's last rows with their attributes: the
    // document has no rows for it (its flows end at the establishment).
    if (only_talk && !(best && best_rank >= 2 && best_r.attrs_ok)) best = nullptr;
    if (best && best_rank >= 2) {
      const Pattern& p = best->pattern;
      f.from_row = best->from + 1;
      f.flow = p.title.c_str();
      if (best_rank == 3) {
        f.point = p.point_index;
        f.stars = p.point.c_str();
      } else {
        f.in_progress = true;
      }
      if (!best_r.attrs_ok) {
        // The matcher counts the tail's rows from 1: name the whole flow's row.
        std::string bad = bad_text(best_r, session.config);
        if (bad.rfind("row ", 0) == 0) {
          std::size_t n = std::strtoul(bad.c_str() + 4, nullptr, 10);
          bad = row_text(best->from + n - 1) + bad.substr(bad.find(':'));
        }
        vs.push_back(attributes_violation(
            mine, best_r, p,
            "call " + name(c) + " (under way at the stream's first event) continues '" + p.title +
                "' (" + p.point + ") from " + row_text(best->from) + ", " + bad));
      }
    } else if (!only_talk) {
      // No documented flow has these events as its continuation.
      const Event* d = best && best_r.consumed < mine.size() ? mine[best_r.consumed] : mine[0];
      Violation v;
      v.rule = "documented-flow";
      v.request_seq = d->request_seq;
      v.event_seqs.push_back(d->seq);
      v.first_event = d->type;
      v.has_event = true;
      v.state = best ? best->pattern.key + " tail" : "tail";
      v.message = "call " + name(c) + " (under way at the stream's first event) continues no " +
                  "documented flow: " +
                  (best ? "its events follow '" + best->pattern.title + "' from " +
                              row_text(best->from) + " for " + std::to_string(best_r.consumed) +
                              " events, then " + event_name(d->type) + " #" +
                              std::to_string(d->seq) + " where the document has no such event"
                        : std::string("no flow has ") + event_name(d->type) + " #" +
                              std::to_string(d->seq) + " where the log starts");
      vs.push_back(std::move(v));
    }
    // Only the conversation or its end shows: the document (establishing phases) has no
    // rows for it; the per-event rules judge it.
    if (flow_it != verdict->flows.end()) {
      *flow_it = f;
    } else {
      // In call order, as judge() lists them.
      auto at = std::find_if(verdict->flows.begin(), verdict->flows.end(),
                             [&](const CallFlow& g) { return g.call > c; });
      verdict->flows.insert(at, f);
    }
  }
  std::stable_sort(vs.begin(), vs.end(), [](const Violation& a, const Violation& b) {
    uint32_t x = a.request_seq == 0 ? UINT32_MAX : a.request_seq,
             y = b.request_seq == 0 ? UINT32_MAX : b.request_seq;
    return x < y;
  });
}

}  // namespace callbench
