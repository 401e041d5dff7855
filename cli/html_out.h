// Collects judged sessions for `callbench check --html OUT`, then writes them as one
// self-contained page of ladder diagrams (core/ladder.h). Keeps copies of what it is
// given, at most kMaxHtmlSessions sessions (the rest are left out of the page).
#ifndef CALLBENCH_CLI_HTML_OUT_H_
#define CALLBENCH_CLI_HTML_OUT_H_

#include <memory>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/model.h"
#include "core/oracle.h"
#include "core/status.h"

namespace callbench::cli {

class HtmlOut {
 public:
  // `ignored`: per stimulus, why it was ignored (may be empty).
  void add(const std::string& title, const Session& session, const std::vector<Event>& events,
           const std::vector<IgnoreReason>& ignored, const Verdict& verdict);
  // Writes the page (temporary file, then rename): an I/O status on failure.
  [[nodiscard]] Status write(const std::string& path, const std::string& title) const;

 private:
  struct Judged {
    std::string title;
    Session session;
    std::vector<Event> events;
    std::vector<ApplyResult> outcomes;
    Verdict verdict;
  };
  std::vector<std::unique_ptr<Judged>> judged_;
};

// Writes `text` to `path` whole or not at all (a temporary file, then rename).
[[nodiscard]] Status write_file_atomically(const std::string& path, const std::string& text);

}  // namespace callbench::cli

#endif  // CALLBENCH_CLI_HTML_OUT_H_
