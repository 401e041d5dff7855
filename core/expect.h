// Checks a played session against its scenario's `expect` lines. Strict: for every
// stimulus, each party's events must be exactly the listed ones, in order (a stimulus
// with no `expect` lines must cause no event). An expectation names only the
// attributes it checks; `Attr=-` checks one is absent. Across parties, events of one
// stimulus are not ordered, as events on one row of the document are not.
#ifndef CALLBENCH_CORE_EXPECT_H_
#define CALLBENCH_CORE_EXPECT_H_

#include <string>
#include <vector>

#include "core/model.h"
#include "core/scenario.h"

namespace callbench {

struct ExpectResult {
  std::size_t checked = 0;     // expectations compared
  std::size_t mismatches = 0;  // parties whose events differ, per stimulus
  // For each mismatch: where, then expected against actual for that party.
  std::string report;
  bool ok() const { return mismatches == 0; }
};

// `file` names the scenario in the report.
ExpectResult check_expectations(const Scenario& scenario, const std::vector<Event>& events,
                                const std::string& file);

// Whether `actual` satisfies one expectation (type, listed values, absences).
bool satisfies(const Event& actual, const Expectation& x, const std::vector<Event>& all);

}  // namespace callbench

#endif  // CALLBENCH_CORE_EXPECT_H_
