// Status is how errors cross module boundaries (LevelDB's Status): a code and a
// precise message, or ok. Input errors never reach an assertion; they come back as
// one of these, and the command line turns the code into its exit status.
#ifndef CALLBENCH_CORE_STATUS_H_
#define CALLBENCH_CORE_STATUS_H_

#include <string>
#include <utility>

namespace callbench {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalid,   // bad input from a person: scenario text, arguments (exit 2)
    kCorrupt,   // bad bytes: journal rows, payloads, fuzz inputs
    kIo,        // the file system or SQLite failed
    kMismatch,  // a comparison failed: replay divergence, unmet expectation
    kNotFound,  // a session, file or table that is not there
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  static Status corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status mismatch(std::string msg) { return Status(Code::kMismatch, std::move(msg)); }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }

  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace callbench

#endif  // CALLBENCH_CORE_STATUS_H_
