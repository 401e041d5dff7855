// callbench fuzz: a fuzzing campaign (fuzz/campaign.h).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "core/model.h"
#include "core/names.h"
#include "fuzz/campaign.h"

namespace callbench::cli {
namespace {

struct FuzzOptions {
  CampaignOptions campaign;
  std::string seed;
  ModelOptions model;
  std::string compare;
};

int fuzz(FuzzOptions& o) {
  CampaignOptions& c = o.campaign;
  if (o.seed.empty()) {
    // A fresh seed each run unless one is given; printed, so the run can be repeated.
    c.seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) %
             1000000007u;
  } else {
    auto v = parse_unsigned(o.seed, UINT64_MAX, true);
    if (!v) return report(Status::invalid("--seed: expected a number, found '" + o.seed + "'"));
    c.seed = *v;
  }
  c.source_dir = CALLBENCH_SOURCE_DIR;
  c.model = o.model.spec;
  c.model_timeout = o.model.timeout;
  c.compare = o.compare == "builtin";
  const bool tty = ::isatty(2);
  auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
  std::size_t width = 0;
  auto progress = [&](const std::string& line) {
    if (tty) {
      std::string padded = line + std::string(width > line.size() ? width - line.size() : 0, ' ');
      width = line.size();
      std::fprintf(stderr, "\r%s", padded.c_str());
      std::fflush(stderr);
      return;
    }
    auto now = std::chrono::steady_clock::now();  // a log: one line every 10 seconds
    if (now - last < std::chrono::seconds(10)) return;
    last = now;
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  std::fprintf(stderr, "callbench fuzz: %s for %.0f s, %d job%s, seed %llu%s%s%s\n",
               c.target.c_str(), c.seconds, c.jobs, c.jobs == 1 ? "" : "s",
               static_cast<unsigned long long>(c.seed), c.model == "builtin" ? "" : ", model ",
               c.model == "builtin" ? "" : c.model.c_str(),
               c.compare ? ", compared with builtin" : "");
  CampaignResult r;
  Status s = run_campaign(c, &r, progress);
  if (tty) std::fprintf(stderr, "\n");
  if (!s.is_ok()) return report(s);
  std::string summary = campaign_summary(c, r);
  // stdout is checked: a summary that did not arrive is an I/O failure (exit 3), not a
  // campaign result.
  bool written = std::fwrite(summary.data(), 1, summary.size(), stdout) == summary.size();
  written = std::fflush(stdout) == 0 && written && !std::ferror(stdout);
  if (!written) {
    return report(Status::io(std::string("stdout: cannot write the campaign summary: ") +
                             std::strerror(errno)));
  }
  if (r.any_new()) return 1;
  if (r.executions == 0 && !r.interrupted) {
    // Not a clean campaign: nothing was fuzzed at all (a target that cannot start, an
    // unknown $CALLBENCH_FAULT, every job given up). The summary above says how each ended.
    return report(Status::io("no execution: every fuzzing process ended before it fuzzed (" +
                             std::to_string(r.processes) + " started; see the notes above and " +
                             c.workdir + "/" + c.target + "/jobs/)"));
  }
  return 0;
}

}  // namespace

void add_fuzz_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<FuzzOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fuzz", "Run a fuzzing campaign and report what breaks the documented flows");
  cmd->footer(
      "Runs a libFuzzer target of the 'fuzz' preset (clang; built into build-fuzz/ when missing) "
      "as\n"
      "--jobs in-process libFuzzer processes sharing WORKDIR/TARGET/corpus (each reads what the\n"
      "others found every second), each with its own seed; one that crashes, times out or runs\n"
      "out of memory is started again for the time left (one that ends three times in a row\n"
      "before fuzzing begins is given up, a corpus input that ends it moved to quarantine/).\n"
      "fuzz_orderings mutates programs of requests and switch events and judges every\n"
      "event stream with the oracle; fuzz_scenario_parser and fuzz_journal_reader feed arbitrary\n"
      "text and bytes to the .scn parser and the journal reader. One updating line shows "
      "progress.\n"
      "A violation does not stop the fuzzing: the first input of each finding identity "
      "(rule/first\n"
      "event/flow state) is kept and its hits counted. At the end each finding is minimized,\n"
      "replayed from its own journal and written as a bug report (.scn with the violated rule,\n"
      "one-session .db, the replay command) under WORKDIR/TARGET/findings, and imported into the\n"
      "journal's findings table. Writes WORKDIR/TARGET/junit.xml (one test case per oracle rule)\n"
      "and report.html (progress charts, the flow coverage grid, each finding with its ladder\n"
      "diagram), prints the flow coverage and a command that resumes the campaign. Every option is "
      "checked\n"
      "before fuzzing starts; one campaign at a time per WORKDIR. Ctrl-C stops the fuzzing and\n"
      "still does the end work; a second Ctrl-C quits at once (exit 130).\n"
      "With --model the programs play on that call model (one exec: process or plugin instance "
      "per\n"
      "job), generated and mutated inside what it supports; a model that crashes, hangs, or "
      "breaks\n"
      "the protocol is a finding model-failed/..., and with --compare builtin a difference from "
      "the\n"
      "engine is a finding differs-from-engine/.... Give each model its own --workdir.\n"
      "Exit 0: nothing new found; 1: a new finding; 2: bad usage; 3: it could not run (also\n"
      "when no process fuzzed at all: a target that cannot start, every job given up).");
  std::vector<std::string> targets;
  for (const FuzzTarget& t : fuzz_targets()) targets.emplace_back(t.name);
  cmd->add_option("--target", o->campaign.target, fuzz_target_names())
      ->check(CLI::IsMember(targets))
      ->default_str("fuzz_orderings");
  // A finite decimal number of seconds: CLI11's Range lets "nan" through (every comparison
  // with it is false), and its number parser takes hex.
  cmd->add_option("--time", o->campaign.seconds, "Seconds to run")
      ->check(CLI::Validator(
          [](std::string& text) {
            char* end = nullptr;
            const double v = text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))
                                 ? std::nan("")
                                 : std::strtod(text.c_str(), &end);
            if (std::isfinite(v) && end != nullptr && *end == '\0' &&
                text.find_first_of("xX") == std::string::npos && v >= 1.0 && v <= 86400.0) {
              return std::string();
            }
            return "expected seconds from 1 to 86400, found '" + printable(text, 40) + "'";
          },
          "", "seconds"))
      ->type_name("SECONDS")
      ->default_str("60");
  cmd->add_option("--jobs", o->campaign.jobs,
                  "Parallel fuzzing processes (in-process libFuzzer each, sharing the corpus)")
      ->check(CLI::Range(1, 256))
      ->default_str("1");
  // Parsed here, not by CLI11: its unsigned parse wraps "-5" and clamps 2^64 to UINT64_MAX.
  cmd->add_option_function<std::string>(
         "--runs",
         [o](const std::string& text) {
           auto v = parse_unsigned(text, UINT64_MAX, false);
           if (!v || *v == 0) {
             throw CLI::ValidationError(
                 "--runs", "expected executions from 1 to 18446744073709551615, found '" +
                               printable(text, 40) + "'");
           }
           o->campaign.runs = *v;
         },
         "Stop after about N executions in all (libFuzzer -runs, N/jobs each; the --time limit "
         "still holds)")
      ->type_name("N");
  non_empty(cmd->add_option("--journal", o->campaign.journal,
                            "Journal for findings (default WORKDIR/campaign.db)"))
      ->type_name("J.db");
  non_empty(cmd->add_option(
                "--seed", o->seed,
                "Campaign seed: job n's libFuzzer gets -seed=N+n, its k-th restart N+n+k*jobs "
                "(default: a fresh one, printed)"))
      ->type_name("N");
  non_empty(cmd->add_option("--workdir", o->campaign.workdir,
                            "Where corpora and findings live (kept between runs)"))
      ->default_str("fuzz-out");
  non_empty(
      cmd->add_option(
          "--fuzzer", o->campaign.fuzzer,
          "A prebuilt target binary to run instead of the fuzz preset's (e.g. a sanitizer build)"))
      ->type_name("PATH");
  add_model_options(cmd, &o->model, true);
  cmd->add_option(
         "--compare", o->compare,
         "Also play every program on the builtin engine; the first difference in the events "
         "(attribute by attribute, ConnIDs matched by call) is a finding differs-from-engine/...")
      ->type_name("builtin")
      ->check(CLI::IsMember({"builtin"}));
  cmd->callback([o, exit_code] { *exit_code = fuzz(*o); });
}

}  // namespace callbench::cli
