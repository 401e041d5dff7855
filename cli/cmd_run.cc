// callbench run: play scenarios through the engine and print their events.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/expect.h"
#include "core/ladder.h"
#include "core/names.h"
#include "core/oracle.h"
#include "core/player.h"
#include "core/render.h"
#include "core/scenario.h"
#include "import/jsonl.h"
#include "models/compare.h"
#include "models/model_spec.h"
#include "replay/record.h"
#include "storage/codec.h"
#include "storage/journal.h"

namespace callbench::cli {
namespace {

struct RunOptions {
  std::vector<std::string> files;
  std::string seed;
  std::string format = "table";
  std::string journal;
  std::string label;
  std::size_t batch_rows = RecorderOptions{}.batch_rows;
  ModelOptions model;
  std::string compare;
};

// "corpus/flows/acd_1.scn" -> "acd_1"
std::string stem(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

// "session 4", "sessions 1 to 3", "sessions 46, 48 to 50": what this process
// recorded (other writers may have recorded sessions in between).
std::string session_ranges(const std::vector<int64_t>& ids) {
  if (ids.size() == 1) return "session " + std::to_string(ids[0]);
  std::string out = "sessions ";
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t k = i;
    while (k + 1 < ids.size() && ids[k + 1] == ids[k] + 1) ++k;
    out +=
        (i ? ", " : "") + std::to_string(ids[i]) + (k > i ? " to " + std::to_string(ids[k]) : "");
    i = k + 1;
  }
  return out;
}

int run(const RunOptions& o) {
  std::optional<uint64_t> seed;
  if (!o.seed.empty()) {
    seed = parse_unsigned(o.seed, UINT64_MAX, true);
    if (!seed)
      return report(Status::invalid(
          "--seed: expected a 64-bit number (decimal or 0x-hex), found '" + o.seed + "'"));
  }
  // Parse every file before playing any, so a typo in the last one costs nothing.
  std::vector<Scenario> scenarios(o.files.size());
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    Status st = load_scenario(o.files[i], &scenarios[i]);
    if (!st.is_ok()) return report(st);
    if (seed) scenarios[i].session.config.seed = *seed;
  }
  if (o.format == "svg" && scenarios.size() > 1) {
    return report(Status::invalid(
        "--format svg draws one session: give one file (--format html draws several)"));
  }
  if (!o.label.empty() && o.journal.empty() && o.format != "jsonl") {
    return report(Status::invalid(
        "--label names recorded sessions (--journal) or jsonl's session line (--format jsonl)"));
  }
  // A file name becomes the label only when it is a valid one.
  for (std::size_t i = 0; i < o.files.size() && !o.journal.empty() && o.label.empty(); ++i) {
    if (!valid_label(stem(o.files[i]))) {
      return report(Status::invalid(o.files[i] + ": its name is not a session label (" +
                                    std::string(kLabelRule) + "): name the sessions with --label"));
    }
  }
  if (!o.compare.empty() && o.compare != "builtin") {
    return report(
        Status::invalid("--compare '" + o.compare + "': the one model to compare with is builtin"));
  }
  std::unique_ptr<CallModel> model;
  Status made = make_model(o.model.spec, o.model.timeout, &model);
  if (!made.is_ok()) return report(made);
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    std::string why = model->supports().check(scenarios[i].session);
    if (!why.empty()) {
      return report(Status::invalid(o.files[i] + ": outside what model " + model->info().spec() +
                                    " (" + model->info().name + ") supports: " + why));
    }
  }
  std::unique_ptr<Journal> journal;
  if (!o.journal.empty()) {
    Status st = Journal::open(o.journal, Journal::Mode::kWrite, &journal);
    if (!st.is_ok()) return report(st);
  }
  RecorderOptions recorder;
  recorder.batch_rows = o.batch_rows;
  // Sessions share the recording transaction: one commit per --journal-batch rows, and
  // one for the last batch before `run` says what it recorded.
  recorder.share_transaction = true;
  auto commit_journal = [&]() { return journal ? journal->commit() : Status::ok(); };
  int exit_code = 0;
  std::vector<int64_t> recorded;  // the sessions this process recorded, in order
  // --format svg|html: the ladders are drawn once every session has played.
  std::vector<Played> all_played;
  std::vector<Verdict> verdicts;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& full = scenarios[i];
    Played played;
    Status model_status;
    model->set_label(o.label.empty() ? stem(o.files[i]) : o.label);
    if (journal) {
      Recorded rec;
      Status st =
          record_session(journal.get(), full.session, o.label.empty() ? stem(o.files[i]) : o.label,
                         utc_now(), recorder, &rec, model.get());
      if (!st.is_ok()) return report(st);
      played = std::move(rec.played);
      model_status = rec.model_status;
      recorded.push_back(rec.session_id);
    } else {
      ModelPlayed mp = play_on(*model, full.session);
      played.events = std::move(mp.events);
      played.outcomes = std::move(mp.outcomes);
      model_status = mp.status;
    }
    // A model that failed answered only the first stimuli: show those.
    Scenario partial;
    if (!model_status.is_ok()) {
      partial = full;
      partial.session.stimuli.resize(played.outcomes.size());
      played.events.erase(
          std::remove_if(played.events.begin(), played.events.end(),
                         [&](const Event& e) { return e.request_seq > played.outcomes.size(); }),
          played.events.end());
    }
    const Scenario& sc = model_status.is_ok() ? full : partial;
    std::string out;
    if (o.format == "svg" || o.format == "html") {
      verdicts.push_back(judge(sc.session, played.events));
      all_played.push_back(played);
    } else if (o.format == "jsonl") {
      // The session line first, so the stream is self-contained (callbench check reads it).
      out = session_json_line(sc.session.config, o.label.empty() ? stem(o.files[i]) : o.label) +
            "\n" + render_jsonl(sc.session, played.events, played.outcomes);
    } else {
      if (scenarios.size() > 1) {
        out = (i ? "\n" : "") + std::string("## ") + o.files[i] + "  (seed " +
              std::to_string(sc.session.config.seed) + ")\n\n";
      }
      print(out);
      out.clear();
      // Streamed block by block: memory does not grow with the table.
      render_table(sc.session, played.events, played.outcomes, print);
    }
    print(out);
    if (!model_status.is_ok()) {
      std::fflush(stdout);
      Status committed = commit_journal();
      if (!committed.is_ok()) return report(committed);
      if (journal)
        spdlog::info("recorded {} in {}, incomplete", session_ranges(recorded), o.journal);
      return report(Status::corrupt(o.files[i] + ": " + model_status.message()));
    }
    if (!o.compare.empty()) {
      Played engine = play(sc.session);
      Difference d = compare_events(sc.session, engine.events, engine.outcomes, played.events,
                                    played.outcomes, model->info().spec());
      if (d.found) {
        std::fflush(stdout);
        std::fprintf(stderr, "%s: %s", o.files[i].c_str(), d.report.c_str());
        spdlog::error("{}: differs from the builtin engine at request {} ({})", o.files[i],
                      d.request_seq, d.what);
        exit_code = 1;
      }
    }
    if (sc.has_expectations()) {
      ExpectResult r = check_expectations(sc, played.events, o.files[i]);
      if (!r.ok()) {
        std::fflush(stdout);
        std::fprintf(stderr, "%s", r.report.c_str());
        spdlog::error("{}: {} of the expected parties' events differ", o.files[i], r.mismatches);
        exit_code = 1;
      }
    }
  }
  if (!all_played.empty()) {
    std::vector<LadderSession> ladders;
    for (std::size_t i = 0; i < all_played.size(); ++i) {
      ladders.push_back(
          {&scenarios[i].session, &all_played[i].events, &all_played[i].outcomes, &verdicts[i],
           o.files[i] + " (seed " + std::to_string(scenarios[i].session.config.seed) + ")"});
    }
    std::string out = o.format == "svg"     ? render_ladder_svg(ladders[0])
                      : ladders.size() == 1 ? render_ladder_html(ladders[0])
                                            : render_check_html("callbench run", ladders);
    print(out);
  }
  Status committed = commit_journal();
  if (!committed.is_ok()) return report(committed);
  if (journal) spdlog::info("recorded {} in {}", session_ranges(recorded), o.journal);
  return exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Play scenarios (.scn) through the call model (--model, the engine by default) and print\n"
      "every event.\n"
      "Each file is one session. When a scenario has 'expect' lines, its events are\n"
      "checked against them: a mismatch prints expected against actual for that party\n"
      "on stderr and the exit status is 1. A parse error names file:line:column and\n"
      "exits 2 before anything runs.");
  non_empty(cmd->add_option("files", opts->files, "Scenario files to play, in order"))
      ->required()
      ->type_name("FILE.scn");
  non_empty(
      cmd->add_option("--seed", opts->seed,
                      "Session seed (decimal or 0x-hex); ConnIDs derive from it. Overrides the "
                      "scenario's 'seed' line; without either the seed is 1"))
      ->type_name("N");
  cmd->add_option(
         "--format", opts->format,
         "table: one column per party, as the call-model document draws it, in blocks of 64 "
         "stimuli (each with its own parties and widths), written as it goes; "
         "jsonl: one JSON object a line, the session line (seed, label, DNs, options), then "
         "requests and events; svg: the session as a ladder diagram (one file); html: a page "
         "with the ladder, its events and the oracle's verdict")
      ->check(CLI::IsMember({"table", "jsonl", "svg", "html"}))
      ->default_str("table");
  non_empty(cmd->add_option(
                "--journal", opts->journal,
                "Also record each session into this SQLite journal (created when missing), for "
                "'callbench replay', 'show', 'sql' and 'export'"))
      ->type_name("J.db");
  cmd->add_option("--label", opts->label,
                  "Label of the sessions, recorded (--journal) or named in jsonl's session line "
                  "(default: each "
                  "file's name without .scn); " +
                      std::string(kLabelRule))
      ->type_name("TEXT")
      ->check(CLI::Validator(
          [](std::string& v) {
            return valid_label(v) ? std::string() : "must be " + std::string(kLabelRule);
          },
          "", "label"));
  cmd->add_option("--journal-batch", opts->batch_rows,
                  "Rows a recording transaction holds before it commits, at a stimulus boundary; "
                  "sessions share it, and run commits the last batch before it ends")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->default_str(std::to_string(opts->batch_rows));
  add_model_options(cmd, &opts->model, true);
  cmd->add_option(
         "--compare", opts->compare,
         "Also play every session on this model (builtin: the engine) with the same options and "
         "compare the events attribute by attribute (ConnIDs matched by call); the first "
         "difference is reported like a replay divergence, exit status 1")
      ->type_name("builtin")
      ->check(CLI::IsMember({"builtin"}));
  cmd->callback([opts, exit_code] { *exit_code = run(*opts); });
}

}  // namespace callbench::cli
