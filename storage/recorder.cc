#include "storage/recorder.h"

#include "core/assert.h"

namespace callbench {

Recorder::Recorder(Journal* journal, RecorderOptions options)
    : journal_(journal), writer_(&journal->writer()), options_(std::move(options)) {}

Recorder::~Recorder() {
  if (open_) {
    writer_->rollback();
    journal_->set_session_in_progress(false);
  }
}

Status Recorder::begin(const SessionConfig& config, const std::string& label,
                       const std::string& created_at, const ModelInfo* model) {
  CB_ASSERT(!open_);
  std::string why = validate_session(Session{config, {}});
  if (!why.empty()) return Status::invalid("cannot record this session: " + why);
  codec_ = std::make_unique<SessionCodec>(config);
  conn_ids_.assign(config.call_names.size(), 0);
  header_ = encode_header(config, model);
  seed_ = std::to_string(config.seed);
  label_ = label;
  created_at_ = created_at;
  Status s = writer_->begin();
  if (!s.is_ok()) return s;
  s = writer_->reserve_session_id(&session_id_);
  if (!s.is_ok()) {
    writer_->rollback();
    return s;
  }
  row_written_ = false;
  open_ = true;
  journal_->set_session_in_progress(true);
  request_seq_ = 0;
  event_count_ = 0;
  digest_ = 0;
  return Status::ok();
}

Status Recorder::record(const Stimulus& st, const ApplyResult& result, const Event* events,
                        std::size_t n) {
  CB_ASSERT(open_);
  const SessionConfig& config = codec_->config();
  Status s = writer_->begin();  // after a commit mid-session, the next batch
  if (!s.is_ok()) return s;
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
  s = writer_->insert_request(session_id_, request_seq_, rc, payload_.data(), payload_.size());
  if (!s.is_ok()) return s;

  for (std::size_t i = 0; i < n; ++i) {
    const Event& e = events[i];
    CB_ASSERT(e.request_seq == request_seq_);
    codec_->encode_event(e, &payload_);
    digest_ = chain_digest(digest_, payload_.data(), payload_.size());
    EventColumns c;
    event_columns(e, config, &c);
    s = writer_->insert_event(session_id_, e.seq, e.request_seq, c, payload_.data(),
                              payload_.size());
    if (!s.is_ok()) return s;
    ++event_count_;
  }
  if (writer_->pending_rows() >= options_.batch_rows) return commit(false);
  return Status::ok();
}

// The session's counts, digest and status, then (unless it ends in a shared
// transaction that is not yet full) the commit.
Status Recorder::commit(bool complete) {
  Status s = writer_->begin();
  if (!s.is_ok()) return s;
  // The sessions row is written once, at the session's first commit or its end, with
  // the counts so far; a later commit updates them.
  if (!row_written_) {
    s = writer_->insert_session(session_id_, seed_, label_, engine_version(), created_at_,
                                header_.data(), header_.size(), request_seq_, event_count_, digest_,
                                complete);
    if (!s.is_ok()) return s;
    row_written_ = true;
  } else {
    s = writer_->update_session(session_id_, request_seq_, event_count_, digest_, complete);
    if (!s.is_ok()) return s;
  }
  if (complete && options_.share_transaction && writer_->pending_rows() < options_.batch_rows)
    return Status::ok();
  s = writer_->commit();
  if (!s.is_ok()) return s;
  if (options_.on_commit) options_.on_commit(session_id_, event_count_);
  return Status::ok();
}

Status Recorder::finish() {
  CB_ASSERT(open_);
  Status s = commit(true);
  if (s.is_ok()) {
    open_ = false;
    journal_->set_session_in_progress(false);
  }
  return s;
}

Status Recorder::abandon() {
  CB_ASSERT(open_);
  // Committed whatever the batch: the caller reports the model's failure next.
  Status s = commit(false);
  if (s.is_ok()) {
    open_ = false;
    journal_->set_session_in_progress(false);
  }
  return s;
}

}  // namespace callbench
