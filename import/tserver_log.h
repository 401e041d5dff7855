// T-Server / SIP Server logs: the reader of their message blocks, the conversion of a
// read log into an observed session (what `callbench import` records), and the writer
// that prints any session in the same shape (`show --format tserver-log`).
//
// The shape read (issue 10; ../shared/logs/ holds published excerpts):
//   @16:45:24.5939 [0] 8.1.101.25 distribute_event: message EventRinging     an event
//   @16:45:25.1041 [0] 8.1.101.25 send_to_client: message EventACK           a reply
//   2015-05-29T12:21:16.438 Trc 04541 RequestMakeCall received from [66] (...) a request,
//   message RequestMakeCall                                                   then its line
//   message RequestMakeCall                       (older versions: at column 0, no header)
//   @12:21:16.4386 [BSYNC] Trace: Send to backup (SIPS_B) [20]:              a backup copy:
//   message RequestSetCallInfo                                               not a new message
// then attribute lines `AttributeThisDN 'VQ_Sales'` (TABs, spaces or no-break spaces;
// strings quoted, numbers bare, ConnID 16 hex digits, EventSequenceNumber hex), nested
// values (`AttributeUserData [149] 00 01 ..`) continued by `'key' value` lines, lists
// marked `(list)`, and an EventError's `(text)` line. The file opens with header lines
// (`Application name:`, `Host name:`, dated lines); a time without a date takes it
// from the header or the file name (`..._YYYYMMDD_HHMMSS.log`) and rolls over at
// midnight. CRLF line ends are read as LF.
//
// Nothing is dropped silently: every line is a header line, a comment, part of a
// message (or of a backup copy, counted), or unreadable (counted, with FILE:LINE
// samples). A half-written last message is reported, not guessed. Input is untrusted:
// lines, nesting and counts are bounded; a NUL byte or an over-long line is an error
// naming FILE:LINE (exit 2), never a crash.
#ifndef CALLBENCH_IMPORT_TSERVER_LOG_H_
#define CALLBENCH_IMPORT_TSERVER_LOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace callbench {

// One attribute of a message, or one `'key' value` pair of a nested value.
struct LogValue {
  std::string name;     // "ThisDN" (without "Attribute"), or the nested key
  std::string value;    // the text, without its quotes
  bool quoted = false;  // the value was a 'string'
  bool nested = false;  // a nested value ([N] hex..) or a (list): `list` holds its pairs
  std::vector<LogValue> list;
  friend bool operator==(const LogValue&, const LogValue&) = default;
};

// One message block of the log.
struct LogMessage {
  enum class Kind : uint8_t { kEvent, kReply, kRequest };
  Kind kind = Kind::kEvent;
  std::string name;             // "EventRinging", "RequestMakeCall"
  std::string time;             // "2015-05-29T12:21:16.438" (or "12:21:16.438" with no date known)
  uint32_t line = 0;            // the line of its header
  std::vector<LogValue> attrs;  // in the log's order
  // The attribute named `name` ("ThisDN"), or nullptr.
  const LogValue* find(std::string_view attr) const;
};

// A line that could not be read: where, and why.
struct LogIssue {
  uint32_t line = 0;
  std::string what;
};

struct LogFile {
  std::string path;  // as given
  std::vector<LogMessage> messages;
  std::size_t lines = 0;
  std::size_t header_lines = 0;   // Application name:, Host name:, dated lines
  std::size_t comment_lines = 0;  // '#' at column 0 (published excerpts)
  std::size_t blank_lines = 0;
  std::size_t backup_copies = 0;  // [BSYNC] copies, not new messages
  std::size_t backup_lines = 0;   // their lines
  std::size_t message_lines = 0;  // lines of the messages read (headers, attributes, nested pairs)
  std::size_t unreadable = 0;     // lines read as none of the above (a backup header without
                                  // its message line counts with the backup copy's lines)
  std::vector<LogIssue> samples;  // the first kMaxSamples of them
  bool truncated = false;         // the last message is cut short (not imported; its lines
  uint32_t truncated_line = 0;    // count as message lines)
  std::string truncated_message;
  std::string application;  // Application name:
  std::string host;         // Host name:
  std::string date;         // "2015-06-19": from the header or the file name; may be empty
};
inline constexpr std::size_t kMaxLogSamples = 5;
inline constexpr std::size_t kMaxLogLineLength = 64 * 1024;
inline constexpr std::size_t kMaxLogNesting = 8;

// Reads a log held in `text`; `path` names it in messages and gives the file-name date.
Status read_tserver_log_text(std::string_view text, const std::string& path, LogFile* out);
// Reads the file (whole) then the text.
Status read_file_bytes(const std::string& path, std::string* out);

// True when the text looks like JSON lines (its first non-blank byte is '{').
bool looks_like_jsonl(std::string_view text);

// ---- The observed session of a log ---------------------------------------------

// What the journal keeps of each row beside its model payload.
struct LogRowInfo {
  uint32_t line = 0;             // the log's line (its message header)
  std::string time;              // as LogMessage::time
  std::string call_uuid;         // AttributeCallUUID, or empty
  std::string message;           // the message's name
  std::vector<LogValue> extras;  // every attribute the model has no field for
  // For rows outside the model (kind other): the ConnID and ThisDN they name.
  std::string conn_id, this_dn;
};

struct ImportOptions {
  std::map<std::string, DnKind> dn_kinds;  // --dn DN=KIND (names as in the log)
  bool anonymize = false;
};

// Stable pseudonyms for one import: the same value gets the same pseudonym in every
// file of the import.
class Pseudonyms {
 public:
  // A DN's pseudonym: "dn1", "dn2", ... (a valid DN name).
  const std::string& dn(const std::string& name);
  // Any other value's, by its class: "ani1", "host2", "ud3", ...
  const std::string& value(const std::string& cls, const std::string& text);

 private:
  std::map<std::string, std::string> dns_;
  std::map<std::string, std::map<std::string, std::string>> values_;
  std::map<std::string, std::size_t> counts_;
};

struct ImportedLog {
  std::string source;                    // the file, as given
  Session session;                       // observed; profile not known
  std::vector<Event> events;             // seq 1.., request_seq 0
  std::vector<LogRowInfo> event_rows;    // by event
  std::vector<LogRowInfo> request_rows;  // by stimulus
  std::vector<LogRowInfo> other_rows;    // messages outside the model, in order
  std::vector<LogIssue> unusable;        // messages the model cannot hold, first samples
  std::size_t unusable_count = 0;
  LogFile file;          // the read file's counts (messages moved out)
  bool has_rows = true;  // false for a JSON-lines stream: no log rows, no log_files row
};

// Builds the observed session of a read log. DN kinds are inferred from the events
// (as for JSON lines) unless `options.dn_kinds` names them. A message the model cannot
// hold (an event without ThisDN, a request on an unknown call) is counted in
// `unusable`, with FILE:LINE samples; past a session limit (256 DNs or calls) the
// import is an error naming FILE:LINE.
Status log_to_session(LogFile file, const ImportOptions& options, Pseudonyms* names,
                      ImportedLog* out);

// The DN kinds of an observed stream, from its events (import/jsonl_reader.cc).
void infer_dn_kinds(Session* session, const std::vector<Event>& events);

// ---- The writer ----------------------------------------------------------------

// Prints a session as a T-Server log: header lines, each client request as a received
// request, each event as distributed, in the order they happened (requests before the
// events they caused); switch stimuli are not in a T-Server log and are left out.
// Times are synthetic and deterministic (10 ms apart from 2026-01-01 00:00:00).
std::string render_tserver_log(const Session& session, const std::vector<Event>& events);

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_TSERVER_LOG_H_
