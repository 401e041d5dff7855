// callbench import: T-Server / SIP Server logs and JSON-lines streams into a journal,
// each file one observed session (import/tserver_log.h, import/log_journal.h).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/names.h"
#include "import/jsonl.h"
#include "import/log_journal.h"
#include "import/tserver_log.h"

namespace callbench::cli {
namespace {

struct ImportCommand {
  std::vector<std::string> files;
  std::string journal;
  std::string label;
  std::vector<std::string> dns;
  bool anonymize = false;
  bool strict = false;
};

std::string where(const std::string& file, uint32_t line) {
  return printable(file, 200) + ":" + std::to_string(line);
}

// A JSON-lines stream as an imported session (no log rows).
Status import_jsonl(const std::string& path, std::string_view text, const ImportOptions& options,
                    Pseudonyms* names, ImportedLog* out) {
  JsonlStream stream;
  Status s = read_jsonl_text(text, path, &stream);
  if (!s.is_ok()) return s;
  *out = ImportedLog();
  out->source = path;
  out->has_rows = false;
  out->session = std::move(stream.session);
  out->events = std::move(stream.events);
  for (Dn& d : out->session.config.topology.dns) {
    auto it = options.dn_kinds.find(d.name);
    if (it != options.dn_kinds.end()) d.kind = it->second;
    if (options.anonymize) d.name = names->dn(d.name);
  }
  std::string why = validate_session(out->session);
  if (!why.empty()) return Status::invalid(path + ": " + why);
  return Status::ok();
}

std::string summary(const ImportedLog& log, int64_t id) {
  std::string out = printable(log.source, 200) + ": session " + std::to_string(id) + ": " +
                    std::to_string(log.events.size()) + " events, " +
                    std::to_string(log.session.stimuli.size()) + " requests";
  if (log.has_rows) out += ", " + std::to_string(log.other_rows.size()) + " other messages";
  out += "; " + std::to_string(log.session.config.call_names.size()) + " calls, " +
         std::to_string(log.session.config.topology.dns.size()) + " DNs";
  std::string kinds;
  for (const Dn& d : log.session.config.topology.dns) {
    if (d.kind == DnKind::kExtension || d.kind == DnKind::kExternal) continue;
    kinds += (kinds.empty() ? "" : ", ") + d.name + " " + dn_kind_name(d.kind);
  }
  if (!kinds.empty()) out += " (" + kinds + ")";
  out += "\n";
  if (!log.has_rows) return out;
  const LogFile& f = log.file;
  out += "  " + std::to_string(f.lines) + " lines: " + std::to_string(f.header_lines) +
         " header, " + std::to_string(f.comment_lines) + " comment, " +
         std::to_string(f.blank_lines) + " blank, " + std::to_string(f.message_lines) +
         " in messages, " + std::to_string(f.backup_lines) + " in " +
         std::to_string(f.backup_copies) + " backup copies (not new messages), " +
         std::to_string(f.unreadable) + " unreadable\n";
  if (f.truncated) {
    out += "  " + where(log.source, f.truncated_line) + ": the last message (" +
           printable(f.truncated_message, 60) +
           ") is cut short (no line end): reported, not imported\n";
  }
  if (f.unreadable > 0) {
    out += "  unreadable lines: " + std::to_string(f.unreadable) +
           (f.unreadable > f.samples.size() ? ", first:" : ":") + "\n";
    for (const LogIssue& i : f.samples)
      out += "    " + where(log.source, i.line) + ": " + i.what + "\n";
  }
  if (log.unusable_count > 0) {
    out += "  messages the model cannot hold (kept as 'other' rows): " +
           std::to_string(log.unusable_count) +
           (log.unusable_count > log.unusable.size() ? ", first:" : ":") + "\n";
    for (const LogIssue& i : log.unusable)
      out += "    " + where(log.source, i.line) + ": " + i.what + "\n";
  }
  return out;
}

int run_import(const ImportCommand& c) {
  ImportOptions options;
  options.anonymize = c.anonymize;
  for (const std::string& spec : c.dns) {
    std::size_t eq = spec.find('=');
    std::optional<DnKind> kind = eq == std::string::npos
                                     ? std::nullopt
                                     : parse_dn_kind(std::string_view(spec).substr(eq + 1));
    if (eq == std::string::npos || eq == 0 || !kind || !valid_dn_name(spec.substr(0, eq))) {
      return report(
          Status::invalid("--dn " + printable(spec, 80) +
                          ": expected DN=KIND, KIND one of extension, acd-queue, routing-point, "
                          "routing-queue, external, remote-extension"));
    }
    options.dn_kinds[spec.substr(0, eq)] = *kind;
  }
  // A file's path becomes its session's label only when it is a valid one.
  for (std::size_t i = 0; i < c.files.size() && c.label.empty(); ++i) {
    if (!valid_label(c.files[i])) {
      return report(Status::invalid(printable(c.files[i], 200) +
                                    ": its path is not a session label (" +
                                    std::string(kLabelRule) + "): name the sessions with --label"));
    }
  }
  // Every file is read before any is recorded: a file that cannot be read leaves the
  // journal as it was.
  Pseudonyms names;
  std::vector<ImportedLog> logs;
  for (const std::string& path : c.files) {
    std::string text;
    Status s = read_file_bytes(path, &text);
    if (!s.is_ok()) return report(s);
    ImportedLog log;
    if (looks_like_jsonl(text)) {
      s = import_jsonl(path, text, options, &names, &log);
      if (!s.is_ok()) return report(s);
    } else {
      LogFile file;
      s = read_tserver_log_text(text, path, &file);
      if (!s.is_ok()) return report(s);
      if (file.messages.empty() && !file.truncated) {
        std::string first = file.samples.empty()
                                ? std::string()
                                : " (first unreadable line " + where(path, file.samples[0].line) +
                                      ": " + file.samples[0].what + ")";
        return report(
            Status::invalid(path + ": holds no T-Server message and is not JSON lines" + first));
      }
      if (c.strict && file.truncated) {
        return report(Status::invalid(where(path, file.truncated_line) + ": the last message (" +
                                      file.truncated_message +
                                      ") is cut short (--strict: every line must be read)"));
      }
      if (c.strict && !file.samples.empty()) {
        return report(Status::invalid(where(path, file.samples[0].line) + ": " +
                                      file.samples[0].what +
                                      " (--strict: every line must be read)"));
      }
      s = log_to_session(std::move(file), options, &names, &log);
      if (!s.is_ok()) return report(s);
      if (c.strict && !log.unusable.empty()) {
        return report(Status::invalid(where(path, log.unusable[0].line) + ": " +
                                      log.unusable[0].what +
                                      " (--strict: every message must be imported)"));
      }
    }
    logs.push_back(std::move(log));
  }
  std::unique_ptr<Journal> journal;
  Status s = Journal::open(c.journal, Journal::Mode::kWrite, &journal);
  if (!s.is_ok()) return report(s);
  std::string created = utc_now();
  std::string out;
  for (const ImportedLog& log : logs) {
    int64_t id = 0;
    std::string label = c.label.empty() ? log.source : c.label;
    s = write_imported(*journal, log, label, created, c.anonymize, &id);
    if (!s.is_ok()) return report(s);
    out += summary(log, id);
  }
  print(out);
  return 0;
}

}  // namespace

void add_import_command(CLI::App& app, int* exit_code) {
  auto c = std::make_shared<ImportCommand>();
  CLI::App* cmd = app.add_subcommand("import",
                                     "Import T-Server / SIP Server logs and JSON-lines streams "
                                     "into a journal, each file one observed session");
  cmd->footer(
      "Each FILE is a T-Server or SIP Server log (message blocks: distribute_event, "
      "send_to_client,\n"
      "requests received, attribute lines with TABs or spaces, nested UserData/Extensions/Reason,\n"
      "CRLF; [BSYNC] backup copies skipped; times dated from the header or the file name's\n"
      "_YYYYMMDD_HHMMSS, rolling over at midnight) or a JSON-lines stream (first byte '{').\n"
      "Every file becomes one observed session: events and client requests the model knows go to\n"
      "the events and requests tables; every other attribute, the event time, CallUUID and the\n"
      "log's line go to log_rows (views log_events, log_requests; log_attr(log_payload, 'Name')).\n"
      "DN kinds are inferred from the events unless --dn names them. Unreadable lines and\n"
      "messages the model cannot hold are counted and reported with FILE:LINE samples.\n"
      "Exit 0 imported; 2 a file that cannot be read (a NUL byte, a line over 64 KiB, no message\n"
      "at all), a bad option, or with --strict the first unreadable line; 3 an I/O failure.\n"
      "Every file is read before any is recorded, and each is recorded in one transaction.");
  cmd->add_option("files", c->files, "T-Server logs and JSON-lines streams")
      ->required()
      ->type_name("FILE");
  non_empty(
      cmd->add_option("--journal", c->journal, "The journal to record into (created when missing)"))
      ->required()
      ->type_name("J.db");
  cmd->add_option(
         "--label", c->label,
         "Label of every imported session (default: the file's path); " + std::string(kLabelRule))
      ->type_name("TEXT")
      ->check(CLI::Validator(
          [](std::string& v) {
            return valid_label(v) ? std::string() : "must be " + std::string(kLabelRule);
          },
          "", "label"));
  cmd->add_option("--dn", c->dns, "A DN's kind, overriding the inferred one (repeatable)")
      ->type_name("DN=KIND");
  cmd->add_flag(
      "--anonymize", c->anonymize,
      "Replace DNs, ANI/DNIS, agent ids, user data values and host names by stable pseudonyms");
  cmd->add_flag("--strict", c->strict,
                "Make the first unreadable line or unimportable message an error (exit 2)");
  cmd->callback([c, exit_code] { *exit_code = run_import(*c); });
}

}  // namespace callbench::cli
