#include "storage/recorder.h"

#include "core/assert.h"

namespace callbench {

Recorder::Recorder(Journal* journal, RecorderOptions options)
    : journal_(journal), options_(std::move(options)) {}

Recorder::~Recorder() {
  if (in_batch_) (void)rollback_->run("rolling back");
}

Status Recorder::prepare() {
  Status s =
      journal_->prepare("INSERT INTO requests (session_id, seq, " + column_list(kRequestColumns) +
                            ", payload) VALUES (?, ?" + placeholders(kRequestColumnCount + 1) + ")",
                        &insert_request_);
  if (s.is_ok()) {
    s = journal_->prepare("INSERT INTO events (session_id, seq, request_seq, " +
                              column_list(kEventColumns) + ", payload) VALUES (?, ?, ?" +
                              placeholders(kEventColumnCount + 1) + ")",
                          &insert_event_);
  }
  if (s.is_ok()) {
    s = journal_->prepare(
        "UPDATE sessions SET request_count = ?, event_count = ?, digest = ?, status = ? WHERE "
        "session_id = ?",
        &update_session_);
  }
  if (s.is_ok()) s = journal_->prepare("BEGIN IMMEDIATE", &begin_);
  if (s.is_ok()) s = journal_->prepare("COMMIT", &commit_);
  if (s.is_ok()) s = journal_->prepare("ROLLBACK", &rollback_);
  return s;
}

Status Recorder::begin(const SessionConfig& config, const std::string& label,
                       const std::string& created_at, const ModelInfo* model) {
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
  if (label.empty())
    insert.bind_null(2);
  else
    insert.bind_text(2, label);
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

Status Recorder::record(const Stimulus& st, const ApplyResult& result, const Event* events,
                        std::size_t n) {
  CB_ASSERT(open_);
  const SessionConfig& config = codec_->config();
  if (!in_batch_) {
    Status s = begin_->run(journal_->path() + ": beginning a batch");
    if (!s.is_ok()) return s;
    in_batch_ = true;
    batch_rows_ = 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (events[i].call != kNoCall && events[i].has(Attr::kConnId))
      conn_ids_[events[i].call] = events[i].conn_id;
  }
  ++request_seq_;
  const StimulusShape& shape = shape_of(st.kind);
  codec_->encode_request(st, request_seq_, result, &payload_);
  RequestColumns rc;
  request_columns(st, result.outcome == Outcome::kIgnored ? result.reason : IgnoreReason::kNone,
                  shape.has_call ? conn_ids_[st.call] : 0, config, &rc);
  Stmt& r = *insert_request_;
  r.bind_int(1, session_id_);
  r.bind_int(2, request_seq_);
  bind_columns(r, 3, rc.value, kRequestColumnCount);
  r.bind_blob(3 + static_cast<int>(kRequestColumnCount), payload_.data(), payload_.size());
  Status s = r.run(journal_->path() + ": recording request " + std::to_string(request_seq_));
  if (!s.is_ok()) return s;

  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    CB_ASSERT(e.request_seq == request_seq_);
    codec_->encode_event(e, &payload_);
    digest_ = chain_digest(digest_, payload_.data(), payload_.size());
    EventColumns c;
    event_columns(e, config, &c);
    Stmt& w = *insert_event_;
    w.bind_int(1, session_id_);
    w.bind_int(2, e.seq);
    w.bind_int(3, e.request_seq);
    bind_columns(w, 4, c.value, kEventColumnCount);
    w.bind_blob(4 + static_cast<int>(kEventColumnCount), payload_.data(), payload_.size());
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
  Status s =
      update_session_->run(journal_->path() + ": updating session " + std::to_string(session_id_));
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
