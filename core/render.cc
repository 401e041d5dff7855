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
std::string render_table(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes) {
  const SessionConfig& config = session.config;
  std::vector<int> column(config.topology.dns.size(), -1);
  for (const Event& e : events) {
    if (config.topology.valid(e.this_dn)) column[e.this_dn] = 0;
  }
  std::vector<DnId> parties;
  for (std::size_t d = 0; d < column.size(); ++d) {
    if (column[d] < 0) continue;
    column[d] = static_cast<int>(parties.size()) + 1;
    parties.push_back(static_cast<DnId>(d));
  }
  std::size_t ncols = parties.size() + 1;
  using Cell = std::vector<std::string>;
  using Row = std::vector<Cell>;
  std::vector<Row> rows;
  std::vector<bool> rule_before;  // a separator line above the row (new stimulus)

  std::vector<uint32_t> refs = default_reference_ids(session.stimuli);
  std::size_t next = 0;
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
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
    rows.push_back(row);
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

  std::vector<std::size_t> width(ncols, 0);
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

  std::string out;
  auto emit_row = [&](const Row& r) {
    std::size_t height = 0;
    for (const Cell& c : r) height = std::max(height, c.size());
    for (std::size_t l = 0; l < height; ++l) {
      std::size_t last = 0;  // the line ends after its last non-empty cell
      for (std::size_t c = 0; c < ncols; ++c) {
        if (l < r[c].size() && !r[c][l].empty()) last = c;
      }
      std::string line;
      for (std::size_t c = 0; c <= last; ++c) {
        std::string text = l < r[c].size() ? r[c][l] : "";
        if (c > 0) line += " | ";
        line += text;
        if (c + 1 < ncols) line += std::string(width[c] - text.size(), ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  };
  auto rule = [&](char fill) {
    std::string line;
    for (std::size_t c = 0; c < ncols; ++c) {
      if (c > 0) line += std::string(1, fill) + "+" + std::string(1, fill);
      line += std::string(width[c], fill);
    }
    out += line + "\n";
  };
  emit_row(header);
  rule('=');
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rule_before[r] && r > 0) rule('-');
    emit_row(rows[r]);
  }
  return out;
}

}  // namespace callbench
