// Recording an imported log into a journal (import/log_journal.h) through the journal's
// row writer (storage/row_writer.h), the one the recorder writes played sessions with:
// one transaction per file, so a file is in the journal whole or not at all.
#include "import/log_journal.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "storage/columns.h"
#include "storage/journal.capnp.h"
#include "storage/log_store.h"

namespace callbench {
namespace {

namespace cp = ::capnp;

kj::StringPtr text(const std::string& s) { return kj::StringPtr(s.c_str(), s.size()); }

void fill(cp::List<schema::LogAttribute>::Builder list, const std::vector<LogValue>& values) {
  for (unsigned i = 0; i < list.size(); ++i) {
    const LogValue& v = values[i];
    auto a = list[i];
    a.setName(text(v.name));
    if (!v.value.empty()) a.setValue(text(v.value));
    a.setQuoted(v.quoted);
    a.setNested(v.nested);
    if (!v.list.empty()) fill(a.initList(static_cast<unsigned>(v.list.size())), v.list);
  }
}

}  // namespace

void encode_log_row(const LogRowInfo& row, std::vector<uint8_t>* out) {
  cp::MallocMessageBuilder builder(256);
  auto r = builder.initRoot<schema::Record>().initLog();
  r.setMessage(text(row.message));
  r.setLine(row.line);
  if (!row.time.empty()) r.setTime(text(row.time));
  if (!row.call_uuid.empty()) r.setCallUuid(text(row.call_uuid));
  if (!row.extras.empty())
    fill(r.initAttributes(static_cast<unsigned>(row.extras.size())), row.extras);
  kj::Array<cp::word> words = cp::canonicalize(builder.getRoot<schema::Record>().asReader());
  auto bytes = words.asBytes();
  out->assign(bytes.begin(), bytes.end());
}

Status write_imported(Journal& journal, const ImportedLog& log, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id) {
  RowWriter& w = journal.writer();
  // The file's rows are one transaction of their own.
  Status s = w.commit();
  if (s.is_ok()) s = w.begin();
  if (!s.is_ok()) return s;
  auto fail = [&](Status st) {
    w.rollback();
    return st;
  };
  s = ensure_log_tables(journal.db());
  if (!s.is_ok()) return fail(s);
  const Session& session = log.session;
  const SessionConfig& config = session.config;
  SessionCodec codec(config);
  codec.set_observed(session.observed);
  Payload header =
      encode_header(config, nullptr, HeaderFlags{session.observed, session.profile_known});
  int64_t id = 0;  // its sessions row is written last, whole
  s = w.reserve_session_id(&id);
  if (!s.is_ok()) return fail(s);

  Payload payload;
  std::vector<uint8_t> row_payload;
  LogColumns lc;
  // The log columns of one row (its payload encoded into row_payload).
  auto log_columns = [&](const LogRowInfo& row) {
    encode_log_row(row, &row_payload);
    if (row_payload.size() > kMaxLogRowPayloadBytes)
      return Status::invalid(log.source + ":" + std::to_string(row.line) + ": message " +
                             row.message + " holds more than " +
                             std::to_string(kMaxLogRowPayloadBytes) + " bytes of attributes");
    lc.line = row.line;
    lc.time = row.time.empty() ? nullptr : row.time.c_str();
    lc.call_uuid = row.call_uuid.empty() ? nullptr : row.call_uuid.c_str();
    lc.message = row.message.c_str();
    lc.payload = row_payload.data();
    lc.size = row_payload.size();
    return Status::ok();
  };

  // A request's conn_id: its call's ConnID from the events up to those it caused (all
  // of an observed session's events name request 0), as Journal::load_events checks it.
  std::vector<uint64_t> conn(config.call_names.size(), 0);
  std::size_t next = 0;
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    for (; next < log.events.size() && log.events[next].request_seq <= i + 1; ++next) {
      const Event& e = log.events[next];
      if (e.call != kNoCall && e.call < conn.size() && e.has(Attr::kConnId))
        conn[e.call] = e.conn_id;
    }
    const Stimulus& st = session.stimuli[i];
    const StimulusShape& shape = shape_of(st.kind);
    auto seq = static_cast<uint32_t>(i + 1);
    codec.encode_request(st, seq, ApplyResult{}, &payload);
    RequestColumns rc;
    request_columns(st, IgnoreReason::kNone, shape.has_call ? conn[st.call] : 0, config, &rc);
    if (log.has_rows) {
      s = log_columns(log.request_rows[i]);
      if (!s.is_ok()) return fail(s);
    }
    s = w.insert_request(id, seq, rc, payload.data(), payload.size(), log.has_rows ? &lc : nullptr);
    if (!s.is_ok()) return fail(s);
  }
  uint64_t digest = 0;
  for (std::size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    codec.encode_event(e, &payload);
    digest = chain_digest(digest, payload.data(), payload.size());
    EventColumns c;
    event_columns(e, config, &c);
    if (log.has_rows) {
      s = log_columns(log.event_rows[i]);
      if (!s.is_ok()) return fail(s);
    }
    s = w.insert_event(id, e.seq, e.request_seq, c, payload.data(), payload.size(),
                       log.has_rows ? &lc : nullptr);
    if (!s.is_ok()) return fail(s);
  }
  for (std::size_t i = 0; i < log.other_rows.size(); ++i) {
    const LogRowInfo& row = log.other_rows[i];
    s = log_columns(row);
    if (s.is_ok())
      s = w.insert_other_row(id, static_cast<uint32_t>(i + 1), lc,
                             row.conn_id.empty() ? nullptr : row.conn_id.c_str(),
                             row.this_dn.empty() ? nullptr : row.this_dn.c_str());
    if (!s.is_ok()) return fail(s);
  }
  if (log.has_rows) {
    LogFileRow f;
    f.source_file = &log.source;
    f.lines = static_cast<int64_t>(log.file.lines);
    f.messages =
        static_cast<int64_t>(log.events.size() + session.stimuli.size() + log.other_rows.size());
    f.backup_copies = static_cast<int64_t>(log.file.backup_copies);
    f.unreadable = static_cast<int64_t>(log.file.unreadable);
    f.unusable = static_cast<int64_t>(log.unusable_count);
    f.truncated = log.file.truncated;
    f.anonymized = anonymized;
    s = w.insert_log_file(id, f);
    if (!s.is_ok()) return fail(s);
  }
  s = w.insert_session(id, std::to_string(config.seed), label, engine_version(), created_at,
                       header.data(), header.size(), static_cast<int64_t>(session.stimuli.size()),
                       static_cast<int64_t>(log.events.size()), digest, true);
  if (!s.is_ok()) return fail(s);
  s = w.commit();
  if (!s.is_ok()) return s;
  *session_id = id;
  return Status::ok();
}

}  // namespace callbench
