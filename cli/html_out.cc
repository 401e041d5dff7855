#include "cli/html_out.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/ladder.h"

namespace callbench::cli {

void HtmlOut::add(const std::string& title, const Session& session,
                  const std::vector<Event>& events, const std::vector<IgnoreReason>& ignored,
                  const Verdict& verdict) {
  if (judged_.size() >= kMaxHtmlSessions) return;
  auto j = std::make_unique<Judged>(Judged{title, session, events, {}, verdict});
  for (IgnoreReason why : ignored) {
    j->outcomes.push_back(why == IgnoreReason::kNone ? ApplyResult{}
                                                     : ApplyResult{Outcome::kIgnored, why});
  }
  judged_.push_back(std::move(j));
}

Status HtmlOut::write(const std::string& path, const std::string& title) const {
  std::vector<LadderSession> pages;
  for (const auto& j : judged_)
    pages.push_back({&j->session, &j->events, &j->outcomes, &j->verdict, j->title});
  return write_file_atomically(path, render_check_html(title, pages));
}

Status write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  // Every failure names its cause (EROFS, ENOSPC, ...), as standard output's do.
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::io(path + ": cannot write: " + std::strerror(errno));
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    return Status::io(path + ": cannot write: " + std::strerror(err != 0 ? err : EIO));
  }
  return Status::ok();
}

}  // namespace callbench::cli
