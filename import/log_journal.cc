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

Status prepare_imported(const ImportedLog& log, PreparedLog* out) {
  const Session& session = log.session;
  const SessionConfig& config = session.config;
  PreparedLog& p = *out;
  p.log = &log;
  p.bytes.clear();
  p.requests.assign(session.stimuli.size(), {});
  p.events.assign(log.events.size(), {});
  p.others.assign(log.has_rows ? log.other_rows.size() : 0, {});
  p.request_columns = std::make_unique<RequestColumns[]>(session.stimuli.size());
  p.event_columns = std::make_unique<EventColumns[]>(log.events.size());
  SessionCodec codec(config);
  codec.set_observed(session.observed);
  p.header = encode_header(config, nullptr, HeaderFlags{session.observed, session.profile_known});

  Payload payload;
  std::vector<uint8_t> row_payload;
  auto keep = [&](const std::vector<uint8_t>& b) {
    PreparedLog::Bytes at{p.bytes.size(), b.size()};
    p.bytes.insert(p.bytes.end(), b.begin(), b.end());
    return at;
  };
  // A row's LogRow payload, kept.
  auto log_payload = [&](const LogRowInfo& row, PreparedLog::Bytes* at) {
    encode_log_row(row, &row_payload);
    if (row_payload.size() > kMaxLogRowPayloadBytes)
      return Status::invalid(log.source + ":" + std::to_string(row.line) + ": message " +
                             row.message + " holds more than " +
                             std::to_string(kMaxLogRowPayloadBytes) + " bytes of attributes");
    *at = keep(row_payload);
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
    codec.encode_request(st, static_cast<uint32_t>(i + 1), ApplyResult{}, &payload);
    p.requests[i].payload = keep(payload);
    request_columns(st, IgnoreReason::kNone, shape.has_call ? conn[st.call] : 0, config,
                    &p.request_columns[i]);
    if (log.has_rows) {
      Status s = log_payload(log.request_rows[i], &p.requests[i].log);
      if (!s.is_ok()) return s;
    }
  }
  p.digest = 0;
  for (std::size_t i = 0; i < log.events.size(); ++i) {
    const Event& e = log.events[i];
    codec.encode_event(e, &payload);
    p.digest = chain_digest(p.digest, payload.data(), payload.size());
    p.events[i].payload = keep(payload);
    event_columns(e, config, &p.event_columns[i]);
    if (log.has_rows) {
      Status s = log_payload(log.event_rows[i], &p.events[i].log);
      if (!s.is_ok()) return s;
    }
  }
  for (std::size_t i = 0; i < p.others.size(); ++i) {
    Status s = log_payload(log.other_rows[i], &p.others[i].log);
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

Status write_prepared(Journal& journal, const PreparedLog& p, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id) {
  RowWriter& w = journal.writer();
  if (!w.in_transaction())
    return Status::invalid(journal.path() + ": an imported log is written in a transaction");
  const ImportedLog& log = *p.log;
  const Session& session = log.session;
  int64_t id = 0;  // its sessions row is written last, whole
  Status s = w.reserve_session_id(&id);
  if (!s.is_ok()) return s;

  LogColumns lc;
  auto log_columns = [&](const LogRowInfo& row, PreparedLog::Bytes bytes) {
    lc.line = row.line;
    lc.time = row.time.empty() ? nullptr : row.time.c_str();
    lc.call_uuid = row.call_uuid.empty() ? nullptr : row.call_uuid.c_str();
    lc.message = row.message.c_str();
    lc.payload = p.at(bytes);
    lc.size = bytes.size;
    return log.has_rows ? &lc : nullptr;
  };
  for (std::size_t i = 0; i < p.requests.size(); ++i) {
    const PreparedLog::Row& r = p.requests[i];
    const LogColumns* l = log.has_rows ? log_columns(log.request_rows[i], r.log) : nullptr;
    s = w.insert_request(id, static_cast<uint32_t>(i + 1), p.request_columns[i], p.at(r.payload),
                         r.payload.size, l);
    if (!s.is_ok()) return s;
  }
  for (std::size_t i = 0; i < p.events.size(); ++i) {
    const PreparedLog::Row& r = p.events[i];
    const Event& e = log.events[i];
    const LogColumns* l = log.has_rows ? log_columns(log.event_rows[i], r.log) : nullptr;
    s = w.insert_event(id, e.seq, e.request_seq, p.event_columns[i], p.at(r.payload),
                       r.payload.size, l);
    if (!s.is_ok()) return s;
  }
  for (std::size_t i = 0; i < p.others.size(); ++i) {
    const LogRowInfo& row = log.other_rows[i];
    log_columns(row, p.others[i].log);
    s = w.insert_other_row(id, static_cast<uint32_t>(i + 1), lc,
                           row.conn_id.empty() ? nullptr : row.conn_id.c_str(),
                           row.this_dn.empty() ? nullptr : row.this_dn.c_str());
    if (!s.is_ok()) return s;
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
    if (!s.is_ok()) return s;
  }
  s = w.insert_session(id, std::to_string(session.config.seed), label, engine_version(), created_at,
                       p.header.data(), p.header.size(),
                       static_cast<int64_t>(session.stimuli.size()),
                       static_cast<int64_t>(log.events.size()), p.digest, true);
  if (!s.is_ok()) return s;
  *session_id = id;
  return Status::ok();
}

Status write_imported(Journal& journal, const ImportedLog& log, const std::string& label,
                      const std::string& created_at, bool anonymized, int64_t* session_id) {
  PreparedLog prepared;
  Status s = prepare_imported(log, &prepared);
  if (!s.is_ok()) return s;
  RowWriter& w = journal.writer();
  // The file's rows are one transaction of their own.
  s = w.commit();
  if (s.is_ok()) s = w.begin();
  if (!s.is_ok()) return s;
  int64_t id = 0;
  s = ensure_log_tables(journal.db());
  if (s.is_ok()) s = write_prepared(journal, prepared, label, created_at, anonymized, &id);
  if (!s.is_ok()) {
    w.rollback();
    return s;
  }
  s = w.commit();
  if (!s.is_ok()) return s;
  *session_id = id;
  return Status::ok();
}

}  // namespace callbench
