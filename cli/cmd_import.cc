// callbench import: T-Server / SIP Server logs and JSON-lines streams into a journal,
// each file one observed session (import/tserver_log.h, import/log_journal.h).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "core/names.h"
#include "import/importer.h"
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
  std::unique_ptr<Journal> journal;
  ImportSettings settings;
  settings.options = std::move(options);
  settings.strict = c.strict;
  settings.label = c.label;
  settings.created_at = utc_now();
  std::string out;
  std::set<std::string> seen;  // the DNs of every imported file
  Status s = import_logs(
      [&](Journal** j) {
        Status opened = Journal::open(c.journal, Journal::Mode::kWrite, &journal);
        *j = journal.get();
        return opened;
      },
      c.files, [&](std::size_t i, std::string* text) { return read_file_bytes(c.files[i], text); },
      settings,
      [&](const ImportedLog& log, int64_t id) {
        out += summary(log, id);
        for (const Dn& d : log.session.config.topology.dns) seen.insert(d.name);
      });
  if (!s.is_ok()) return report(s);
  // A --dn naming no DN of any file (a typo, most likely) is said, not silently dropped.
  // (With --anonymize the sessions hold pseudonyms: the log's names are not there to see.)
  for (const auto& [name, kind] : settings.options.dn_kinds) {
    if (!settings.options.anonymize && seen.count(name) == 0)
      out += "note: --dn " + printable(name, 40) + " names no DN of the imported files (ignored)\n";
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
      "_YYYYMMDD_HHMMSS, rolling over at midnight) or a JSON-lines stream (first non-blank byte\n"
      "'{'). A UTF-8 byte order mark at the start is skipped.\n"
      "Every file becomes one observed session: events and client requests the model knows go to\n"
      "the events and requests tables; every other attribute goes to the row's log_payload\n"
      "(log_attr(log_payload, 'Name')), the event time, CallUUID and the log's line to its "
      "columns\n"
      "time, call_uuid and line; messages outside the model to log_other (view log_rows: every\n"
      "message). DN kinds are inferred from the events unless --dn names them. Unreadable lines\n"
      "and messages the model cannot hold are counted and reported with FILE:LINE samples.\n"
      "Exit 0 imported; 2 bad input (a NUL byte, a line over 64 KiB, a file with no message at\n"
      "all, a bad option, or with --strict the first unreadable line); 3 a file that cannot be\n"
      "opened or read, out of memory, or an I/O failure of the journal.\n"
      "All files are one transaction: the import is in the journal whole or not at all. Each\n"
      "file is read and converted on a second thread while the one before is written; the\n"
      "journal is opened once the first file is read (a bad first file creates none).");
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
