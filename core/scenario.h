// The scenario language (.scn): the human-readable form of a session, the form a bug
// report is read in. Topology first, then stimuli, one statement a line, `#` starts a
// comment:
//
//   seed 42                      # the session seed (--seed overrides it)
//   dn 7001 extension            # kinds: extension, acd-queue, routing-point,
//                                #   routing-queue, external, remote-extension
//   option dial-info off         # a switch-profile option (SwitchProfile)
//   c1 = make-call 7001 7002     # TMakeCall; c1 names the new call
//   answer 7002 c1 ref=7         # ReferenceID 7 instead of the default
//   expect 7002 EventEstablished ConnID=c1 ThisDN=7002 ReferenceID=7
//
// A client request's ReferenceID is by default its position among the client
// requests (1, 2, 3, ...). A dialed number (make-call's destination, inbound's caller,
// a route destination) that is not declared is an external DN; every other DN must be
// declared. `expect` lines after a stimulus list the events that stimulus causes (with
// the pending steps it lets fire): see expect.h.
//
// The parser never asserts on its input: every error is file:line:column and what
// was expected, and going past a limit (limits.h) is such an error. The printer
// writes what the parser reads back to the same Session.
#ifndef CALLBENCH_CORE_SCENARIO_H_
#define CALLBENCH_CORE_SCENARIO_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace callbench {

// One `expect` line: an event the preceding stimulus must cause at `dn`.
struct Expectation {
  uint32_t stimulus = 0;  // index into Session::stimuli
  int line = 0;           // source line, for reports
  DnId dn = kNoDn;
  EventType type = EventType::kError;
  // The listed attributes: `values.present` says which; `absent` those written `=-`.
  Event values;
  uint16_t absent = 0;
  CallId conn_call = kNoCall;  // ConnID given as a call name: that call's ConnID
  int error_code = 0;          // ErrorCode given as a number
};

struct Scenario {
  Session session;
  bool seed_given = false;
  std::vector<int> stimulus_lines;  // source line of each stimulus
  std::vector<Expectation> expectations;
  bool has_expectations() const { return !expectations.empty(); }
};

// Parses `text`; `file` names it in error messages ("flows/a.scn:3:14: ...").
Status parse_scenario(std::string_view text, std::string_view file, Scenario* out);
// Reads and parses a file, refusing one larger than limits::kMaxScenarioBytes.
Status load_scenario(const std::string& path, Scenario* out);

// The ReferenceID the parser gives each stimulus by default: a client request's
// position among the client requests (1, 2, 3, ...); 0 for other stimuli.
std::vector<uint32_t> default_reference_ids(const std::vector<Stimulus>& stimuli);

// The statement for one stimulus, without a trailing newline: "c1 = make-call 7001
// 7002". `default_ref` is the ReferenceID the parser would give it; a different one
// is printed as ref=N.
std::string print_stimulus(const Stimulus& s, const SessionConfig& config, uint32_t default_ref);
// The whole session as a scenario that parses back to an equal Session.
std::string print_scenario(const Session& session);

}  // namespace callbench

#endif  // CALLBENCH_CORE_SCENARIO_H_
