#include "storage/recorder.h"

#include "core/assert.h"

namespace callbench {

Recorder::Recorder(Journal* journal, RecorderOptions options)
    : journal_(journal), options_(std::move(options)) {}

Recorder::~Recorder() {
  if (in_batch_) (void)rollback_->run("rolling back");
}

Status Recorder::prepare() {
  Status s = journal_->prepare(
      "INSERT INTO requests (session_id, seq, request, tlib, call, conn_id, this_dn, other_dn, "
      "reference_id, call_state, ignored, payload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      &insert_request_);
  if (s.is_ok()) {
    s = journal_->prepare(
        "INSERT INTO events (session_id, seq, request_seq, event, call, conn_id, this_dn, this_dn_role, "
        "other_dn, other_dn_role, third_party_dn, third_party_dn_role, this_queue, third_party_queue, "
        "call_state, reference_id, error_code, payload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        &insert_event_);
  }
  if (s.is_ok()) {
    s = journal_->prepare(
        "UPDATE sessions SET request_count = ?, event_count = ?, digest = ?, status = ? WHERE session_id = ?",
        &update_session_);
  }
  if (s.is_ok()) s = journal_->prepare("BEGIN IMMEDIATE", &begin_);
  if (s.is_ok()) s = journal_->prepare("COMMIT", &commit_);
  if (s.is_ok()) s = journal_->prepare("ROLLBACK", &rollback_);
  return s;
}

Status Recorder::begin(const SessionConfig& config, const std::string& label, const std::string& created_at,
                       const ModelInfo* model) {
  CB_ASSERT(!open_);
  Status s = prepare();
  if (!s.is_ok()) return s;
  std::string why = validate_session(Session{config, {}});
  if (!why.empty()) return Status::invalid("cannot record this session: " + why);
  codec_ = std::make_unique<SessionCodec>(config);
  conn_ids_.assign(config.call_names.size(), 0);
  Payload header = encode_header(config, model);
  Journal::Statement lease;
  s = journal_->prepare(
      "INSERT INTO sessions (seed, label, engine_version, created_at, status, request_count, "
      "event_count, digest, header) VALUES (?, ?, ?, ?, 'incomplete', 0, 0, ?, ?)",
      &lease);
  if (!s.is_ok()) return s;
  Stmt& insert = *lease;
  std::string seed = std::to_string(config.seed);
  std::string digest = digest_string(0);
  insert.bind_text(1, seed);
  if (label.empty()) insert.bind_null(2); else insert.bind_text(2, label);
  insert.bind_text(3, engine_version());
  insert.bind_text(4, created_at);
  insert.bind_text(5, digest);
  insert.bind_blob(6, header.data(), header.size());
  s = insert.run(journal_->path() + ": starting a session");
  if (!s.is_ok()) return s;
  session_id_ = sqlite3_last_insert_rowid(journal_->db());
  open_ = true;
  request_seq_ = 0;
  event_count_ = 0;
  digest_ = 0;
  return Status::ok();
}

Status Recorder::record(const Stimulus& st, const ApplyResult& result, const Event* events, std::size_t n) {
  CB_ASSERT(open_);
  const SessionConfig& config = codec_->config();
  if (!in_batch_) {
    Status s = begin_->run(journal_->path() + ": beginning a batch");
    if (!s.is_ok()) return s;
    in_batch_ = true;
    batch_rows_ = 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (events[i].call != kNoCall && events[i].has(Attr::kConnId)) conn_ids_[events[i].call] = events[i].conn_id;
  }
  ++request_seq_;
  const StimulusShape& shape = shape_of(st.kind);
  codec_->encode_request(st, request_seq_, result, &payload_);
  char conn[17];
  bool has_conn = shape.has_call && conn_ids_[st.call] != 0;
  if (has_conn) write_conn_id(conn_ids_[st.call], conn);
  Stmt& r = *insert_request_;
  r.bind_int(1, session_id_);
  r.bind_int(2, request_seq_);
  r.bind_text(3, shape.verb);
  r.bind_text(4, shape.tlib);
  r.bind_text(5, shape.has_call ? config.call_names[st.call].c_str() : nullptr);
  r.bind_text(6, has_conn ? conn : nullptr);
  r.bind_text(7, shape.has_dn ? config.topology.dns[st.dn].name.c_str() : nullptr);
  r.bind_text(8, shape.has_dn2 ? config.topology.dns[st.dn2].name.c_str() : nullptr);
  if (st.reference_id != 0) r.bind_int(9, st.reference_id); else r.bind_null(9);
  r.bind_text(10, st.has_call_state ? call_state_name(st.call_state) : nullptr);
  r.bind_text(11, result.outcome == Outcome::kIgnored ? ignore_reason_text(result.reason) : nullptr);
  r.bind_blob(12, payload_.data(), payload_.size());
  Status s = r.run(journal_->path() + ": recording request " + std::to_string(request_seq_));
  if (!s.is_ok()) return s;

  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    CB_ASSERT(e.request_seq == request_seq_);
    codec_->encode_event(e, &payload_);
    digest_ = chain_digest(digest_, payload_.data(), payload_.size());
    EventColumns c = event_columns(e, config);
    Stmt& w = *insert_event_;
    w.bind_int(1, session_id_);
    w.bind_int(2, e.seq);
    w.bind_int(3, e.request_seq);
    w.bind_text(4, c.event);
    w.bind_text(5, c.call);
    w.bind_text(6, c.has_conn_id ? c.conn_id : nullptr);
    w.bind_text(7, c.this_dn);
    w.bind_text(8, c.this_dn_role);
    w.bind_text(9, c.other_dn);
    w.bind_text(10, c.other_dn_role);
    w.bind_text(11, c.third_party_dn);
    w.bind_text(12, c.third_party_dn_role);
    w.bind_text(13, c.this_queue);
    w.bind_text(14, c.third_party_queue);
    w.bind_text(15, c.call_state);
    if (c.has_reference_id) w.bind_int(16, c.reference_id); else w.bind_null(16);
    if (c.has_error_code) w.bind_int(17, c.error_code); else w.bind_null(17);
    w.bind_blob(18, payload_.data(), payload_.size());
    s = w.run(journal_->path() + ": recording event " + std::to_string(e.seq));
    if (!s.is_ok()) return s;
    ++event_count_;
  }
  batch_rows_ += 1 + n;
  if (batch_rows_ >= options_.batch_rows) return commit(false);
  return Status::ok();
}

Status Recorder::commit(bool complete) {
  if (!in_batch_) {
    Status s = begin_->run(journal_->path() + ": beginning a batch");
    if (!s.is_ok()) return s;
    in_batch_ = true;
  }
  std::string digest = digest_string(digest_);
  update_session_->bind_int(1, request_seq_);
  update_session_->bind_int(2, event_count_);
  update_session_->bind_text(3, digest);
  update_session_->bind_text(4, complete ? "complete" : "incomplete");
  update_session_->bind_int(5, session_id_);
  Status s = update_session_->run(journal_->path() + ": updating session " + std::to_string(session_id_));
  if (!s.is_ok()) return s;
  s = commit_->run(journal_->path() + ": committing session " + std::to_string(session_id_));
  if (!s.is_ok()) return s;
  in_batch_ = false;
  batch_rows_ = 0;
  if (options_.on_commit) options_.on_commit(session_id_, event_count_);
  return Status::ok();
}

Status Recorder::finish() {
  CB_ASSERT(open_);
  Status s = commit(true);
  open_ = false;
  return s;
}

}  // namespace callbench

namespace callbench {

Status Recorder::abandon() {
  CB_ASSERT(open_);
  Status s = commit(false);
  open_ = false;
  return s;
}

}  // namespace callbench
