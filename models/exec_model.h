// `--model exec:COMMAND`: a call model in another process, in any language, speaking
// JSON lines over its standard input and output (README "Putting your implementation
// on the bench"). The command runs under /bin/sh -c, in its own process group, its
// standard input and output one Unix socket; its standard error is callbench's.
//
//   callbench -> model   {"hello":1}
//   model -> callbench   {"model":NAME,"version":TEXT,"supports":{...}}     (supports optional)
//   per session:
//   callbench -> model   the session line of `run --format jsonl`
//   per stimulus:
//   callbench -> model   the request line of `run --format jsonl` (without "ignored")
//   model -> callbench   zero or more event lines, then {"done":SEQ} (+ "ignored":"why")
//   callbench -> model   {"end":true} after the session's last request
//   then the next session line, or end of input.
//
// One process serves every session of a run, replay or campaign job. Every answer is
// awaited at most `timeout_seconds` (per request; the hello, which waits for the
// program to start, ten times that and at least 10 s). A model that exits, hangs, writes
// a line that is not what the protocol says, or answers another seq fails the request
// with a Status naming the model, the request and the offending line; the process is
// killed, and the next start() starts it again.
#ifndef CALLBENCH_MODELS_EXEC_MODEL_H_
#define CALLBENCH_MODELS_EXEC_MODEL_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/call_model.h"

namespace callbench {

class SessionCodec;

class ExecModel final : public CallModel {
 public:
  // Starts nothing: open() runs the command and shakes hands.
  ExecModel(std::string command, double timeout_seconds);
  ~ExecModel() override;
  ExecModel(const ExecModel&) = delete;
  ExecModel& operator=(const ExecModel&) = delete;

  // Runs the command and reads its hello answer (name, version, supports).
  Status open();

  const ModelInfo& info() const override { return info_; }
  const ModelSupports& supports() const override { return supports_; }
  Status start(const SessionConfig& config) override;
  Status apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) override;
  Status end() override;
  Status play(const Session& session, ModelPlayed* out) override;

 private:
  // Reads one request's answer: events, then {"done":SEQ}.
  Status answer(const Stimulus& s, const std::string& request, std::vector<Event>* out,
                ApplyResult* result);
  Status flush_pending(double deadline, const std::string& request);
  Status spawn();
  void kill_child();
  Status fail(const std::string& request, const std::string& what);
  Status write_all(const std::string& text, const std::string& request);
  // The next line (without its newline) before the deadline; a Status on EOF,
  // timeout, or a line over the limit.
  Status read_line(double deadline, const std::string& request, std::string* line);
  Status parse_hello(const std::string& line);
  Status parse_event(const std::string& line, const std::string& request, const Stimulus& s,
                     Event* e);
  std::string who() const;

  std::string command_;
  double timeout_;
  ModelInfo info_;
  ModelSupports supports_;
  pid_t pid_ = -1;
  int fd_ = -1;
  bool hello_done_ = false;
  std::string in_;  // bytes read past the last line
  std::size_t in_pos_ = 0;
  std::string out_;      // scratch for writes
  std::string pending_;  // pipelined request lines not yet written (play())
  std::size_t pending_pos_ = 0;
  std::vector<std::string> requests_;  // play(): each request as errors name it
  std::unique_ptr<SessionCodec> codec_;
  SessionConfig config_;
  uint32_t request_seq_ = 0;
  uint32_t event_seq_ = 0;
  std::unordered_map<uint64_t, CallId> calls_by_conn_;
};

}  // namespace callbench

#endif  // CALLBENCH_MODELS_EXEC_MODEL_H_
