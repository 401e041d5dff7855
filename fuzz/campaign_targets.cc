// The fuzz targets a campaign runs: which binary, built how, checked to be the target
// it claims to be.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/oracle.h"
#include "fuzz/campaign.h"
#include "fuzz/campaign_internal.h"
#include "fuzz/finding.h"
#include "fuzz/process.h"
#include "fuzz/report.h"
#include "fuzz/seeds.h"
#include "replay/record.h"
#include "storage/journal.h"

namespace callbench {
namespace fs = std::filesystem;
// Ensures the target binary exists: the given one, or the fuzz preset's (built now).
Status locate_fuzzer(const CampaignOptions& o, const std::string& work, std::string* path,
                     const std::function<void(const std::string&)>& progress) {
  if (!o.fuzzer.empty()) {
    if (::access(o.fuzzer.c_str(), X_OK) != 0)
      return Status::not_found(o.fuzzer + ": no such fuzz target binary");
    *path = o.fuzzer;
    return Status::ok();
  }
  *path = o.source_dir + "/build-fuzz/" + o.target;
  if (::access(path->c_str(), X_OK) == 0) return Status::ok();
  std::string log = work + "/build.log";
  progress("building " + o.target + " with the fuzz preset (clang, libFuzzer); log: " + log);
  std::string cd = "cd " + quote(o.source_dir) + " && ";
  if (::access((o.source_dir + "/build-fuzz/build.ninja").c_str(), F_OK) != 0 &&
      run_logged(cd + "cmake --preset fuzz", log) != 0) {
    return Status::io("configuring the fuzz preset failed; see " + log);
  }
  if (run_logged(cd + "cmake --build --preset fuzz --target " + quote(o.target), log) != 0) {
    return Status::io("building " + o.target + " failed; see " + log);
  }
  if (::access(path->c_str(), X_OK) != 0) return Status::io(*path + " was not built; see " + log);
  return Status::ok();
}

// The target a binary was built as: the name after "callbench-fuzz-target:" up to ';'
// (CALLBENCH_FUZZ_TARGET in fuzz/harness.h), or "" when it carries none.
std::string built_target(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string tag = std::string("callbench-fuzz-") + "target:";
  std::string window;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    window.append(buf, static_cast<std::size_t>(in.gcount()));
    for (std::size_t at = window.find(tag); at != std::string::npos;
         at = window.find(tag, at + 1)) {
      std::size_t end = at + tag.size();
      while (end < window.size() &&
             (std::islower(static_cast<unsigned char>(window[end])) || window[end] == '_'))
        ++end;
      if (end < window.size() && window[end] == ';' && end > at + tag.size()) {
        return window.substr(at + tag.size(), end - at - tag.size());
      }
    }
    // Keep a tail that may hold the start of a marker cut by the buffer.
    if (window.size() > 128) window.erase(0, window.size() - 128);
  }
  return "";
}

Status check_fuzzer(const std::string& path, const std::string& target) {
  std::string built = built_target(path);
  if (built.empty()) {
    return Status::invalid("--fuzzer " + path +
                           ": not a callbench fuzz target (it does not name one; see "
                           "CALLBENCH_FUZZ_TARGET in fuzz/harness.h)");
  }
  if (built != target) {
    return Status::invalid("--fuzzer " + path + ": a build of " + built + ", not of the target " +
                           target + " (--target)");
  }
  return Status::ok();
}

const std::vector<FuzzTarget>& fuzz_targets() {
  static const std::vector<FuzzTarget> targets = {
      {"fuzz_orderings", {"corpus/findings", nullptr}, nullptr, true},
      {"fuzz_scenario_parser", {"corpus/parser", "corpus/flows"}, "corpus/fuzz.dict", false},
      {"fuzz_journal_reader", {"corpus/journal", nullptr}, nullptr, false},
  };
  return targets;
}

const FuzzTarget* find_fuzz_target(const std::string& name) {
  for (const FuzzTarget& t : fuzz_targets()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

std::string fuzz_target_names() {
  std::string out;
  const auto& all = fuzz_targets();
  for (std::size_t i = 0; i < all.size(); ++i) {
    out += i == 0 ? "" : i + 1 == all.size() ? " or " : ", ";
    out += all[i].name;
  }
  return out;
}

}  // namespace callbench
