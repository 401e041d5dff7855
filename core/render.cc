#include "core/render.h"

#include <algorithm>

#include "core/scenario.h"

namespace callbench {
namespace {

std::string dn_name(DnId id, const SessionConfig& config) {
  return config.topology.valid(id) ? config.topology.dns[id].name : "?";
}

}  // namespace

// The table: a left column with each stimulus, then one column per party (the
// monitored DNs that got an event, in topology order). The events one stimulus causes
// share rows as the document draws simultaneous events: a new row starts when the
// party's cell in the current row is taken.
//
// Drawn block by block (kTableBlockStimuli stimuli each), so that memory does not grow
// with the session: each block is a table of its own, its parties and column widths
// measured over its own rows, and handed to `sink` before the next block is laid out.
void render_table(const Session& session, const std::vector<Event>& events,
                  const std::vector<ApplyResult>& outcomes,
                  const std::function<void(std::string_view)>& sink) {
  const SessionConfig& config = session.config;
  using Cell = std::vector<std::string>;
  using Row = std::vector<Cell>;
  const std::vector<uint32_t> refs = default_reference_ids(session.stimuli);
  std::vector<int> column(config.topology.dns.size(), -1);
  std::vector<DnId> parties;
  std::vector<Row> rows;
  std::vector<bool> rule_before;  // a separator line above the row (new stimulus)
  std::vector<std::size_t> width;
  std::string out;
  std::size_t next = 0;  // the first event of the block
  for (std::size_t first = 0; first < session.stimuli.size() || first == 0;
       first += kTableBlockStimuli) {
    const std::size_t last = std::min(session.stimuli.size(), first + kTableBlockStimuli);
    // The parties: the DNs that got an event in this block.
    std::fill(column.begin(), column.end(), -1);
    std::size_t end = next;
    for (; end < events.size() && events[end].request_seq <= last; ++end) {
      if (config.topology.valid(events[end].this_dn)) column[events[end].this_dn] = 0;
    }
    parties.clear();
    for (std::size_t d = 0; d < column.size(); ++d) {
      if (column[d] < 0) continue;
      column[d] = static_cast<int>(parties.size()) + 1;
      parties.push_back(static_cast<DnId>(d));
    }
    const std::size_t ncols = parties.size() + 1;
    rows.clear();
    rule_before.clear();
    for (std::size_t i = first; i < last; ++i) {
      const Stimulus& s = session.stimuli[i];
      Row row(ncols);
      row[0].push_back(std::to_string(i + 1) + ". " + print_stimulus(s, config, refs[i]));
      if (s.is_client_request()) {
        row[0].push_back(std::string("   ") + shape_of(s.kind).tlib + ", ReferenceID " +
                         std::to_string(s.reference_id));
      }
      if (i < outcomes.size() && outcomes[i].outcome == Outcome::kIgnored) {
        row[0].push_back(std::string("   ignored: ") + ignore_reason_text(outcomes[i].reason));
      }
      rows.push_back(std::move(row));
      rule_before.push_back(true);
      for (; next < events.size() && events[next].request_seq == i + 1; ++next) {
        const Event& e = events[next];
        int col = config.topology.valid(e.this_dn) ? column[e.this_dn] : -1;
        if (col < 0) continue;
        if (!rows.back()[static_cast<std::size_t>(col)].empty()) {
          rows.emplace_back(ncols);
          rule_before.push_back(false);
        }
        Cell& cell = rows.back()[static_cast<std::size_t>(col)];
        cell.push_back(std::string(event_name(e.type)) + "  #" + std::to_string(e.seq));
        for (int a = 0; a < kAttrCount; ++a) {
          if (!e.has(static_cast<Attr>(a))) continue;
          cell.push_back(std::string("  ") + attr_name(static_cast<Attr>(a)) + " " +
                         attr_value_text(e, static_cast<Attr>(a), config));
        }
        if (e.has(Attr::kErrorCode))
          cell.push_back(std::string("  ErrorMessage ") + error_message_of(e.error));
      }
    }
    next = std::max(next, end);

    width.assign(ncols, 0);
    Row header(ncols);
    header[0] = {"stimulus", ""};
    for (std::size_t p = 0; p < parties.size(); ++p) {
      header[p + 1] = {dn_name(parties[p], config),
                       std::string("(") + dn_kind_name(config.topology.dns[parties[p]].kind) + ")"};
    }
    auto measure = [&](const Row& r) {
      for (std::size_t c = 0; c < ncols; ++c) {
        for (const std::string& line : r[c]) width[c] = std::max(width[c], line.size());
      }
    };
    measure(header);
    for (const Row& r : rows) measure(r);

    auto emit_row = [&](const Row& r) {
      std::size_t height = 0;
      for (const Cell& c : r) height = std::max(height, c.size());
      for (std::size_t l = 0; l < height; ++l) {
        std::size_t last_cell = 0;  // the line ends after its last non-empty cell
        for (std::size_t c = 0; c < ncols; ++c) {
          if (l < r[c].size() && !r[c][l].empty()) last_cell = c;
        }
        std::size_t begin = out.size();
        for (std::size_t c = 0; c <= last_cell; ++c) {
          const std::string* text = l < r[c].size() ? &r[c][l] : nullptr;
          if (c > 0) out += " | ";
          if (text) out += *text;
          if (c + 1 < ncols) out.append(width[c] - (text ? text->size() : 0), ' ');
        }
        while (out.size() > begin && out.back() == ' ') out.pop_back();
        out += '\n';
      }
    };
    auto rule = [&](char fill) {
      for (std::size_t c = 0; c < ncols; ++c) {
        if (c > 0) {
          out += fill;
          out += '+';
          out += fill;
        }
        out.append(width[c], fill);
      }
      out += '\n';
    };
    if (first > 0) out += '\n';  // blocks are separated by a blank line
    emit_row(header);
    rule('=');
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rule_before[r] && r > 0) rule('-');
      emit_row(rows[r]);
      if (out.size() >= 64 * 1024) {
        sink(out);
        out.clear();
      }
    }
    sink(out);
    out.clear();
    if (session.stimuli.empty()) break;
  }
}

std::string render_table(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes) {
  std::string out;
  render_table(session, events, outcomes, [&](std::string_view part) { out += part; });
  return out;
}

}  // namespace callbench
