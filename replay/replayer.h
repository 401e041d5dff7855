// The replayer: rebuilds a recorded session's engine from its header, feeds it the
// journaled stimuli, encodes what it produces canonically and compares it byte for
// byte with the journal, request by request and event by event, then checks the
// chained digest and the counts. Before that the session is read through the one
// verification path every reader uses (Journal::read_session: columns equal to the
// payloads, counts, digest, no orphans), so a journal whose SQL columns were edited is
// refused rather than called bit-exact. The first difference ends the replay with a report naming
// the session, the event seq, the stimulus that caused it, and expected (journal) against actual
// (engine) attribute by attribute; a missing, extra or reordered event is reported as such.
#ifndef CALLBENCH_REPLAY_REPLAYER_H_
#define CALLBENCH_REPLAY_REPLAYER_H_

#include <functional>
#include <memory>
#include <string>

#include "core/call_model.h"
#include "storage/journal.h"

namespace callbench {

struct ReplayResult {
  int64_t session_id = 0;
  bool identical = false;   // every request and event byte-equal, digest and counts agree
  bool incomplete = false;  // the recording did not finish: replayed up to its last event
  std::size_t requests = 0;
  std::size_t events = 0;
  std::string summary;  // one line
  std::string report;   // the first difference, when not identical
};

// Gives the call model a session was recorded with (its header's ModelInfo), for
// replaying sessions that an exec or plugin model produced (models/model_spec.h). The
// maker owns the model (so one process or library serves every session of a replay).
using ModelMaker = std::function<Status(const ModelInfo&, CallModel**)>;

// A non-ok Status means the journal could not be read as a valid session (corrupt
// rows or payloads, I/O), or its model could not be made; a divergence (a model that
// answers differently, or fails, this time) is an ok Status with identical == false.
// A session recorded by the built-in engine replays on a fresh engine; one recorded
// by another model on what `make_model` makes of its header's model (without one,
// such a session is refused, naming its model).
//
// `observed`: when given, a session that is observed (an imported log, which replays
// call by call instead) is not replayed: *observed says so and the Status is ok.
//
// `instead`: when given, every session replays on that model instead of the one its header
// names (`replay --model`): the engine for "builtin", else what `make_model` makes of it.
//
// A session that replays bit-exact is verified in one pass (the fast path: no payload
// decoded but the requests', buffers reused between calls); any other is replayed again
// through read_session and the attribute-by-attribute analysis, so errors and reports
// are the same whichever path found them.
//
// `scan`: when replaying many sessions in increasing id order (replay --all), a
// ReplayScan reads the fast path's rows in one pass over each table instead of a seek
// per session; it must not outlive the journal.
class ReplayScan {
 public:
  ReplayScan();
  ~ReplayScan();
  ReplayScan(const ReplayScan&) = delete;
  ReplayScan& operator=(const ReplayScan&) = delete;
  struct Cursors;

  // The sessions replayed through this scan are every session of the journal
  // (`every_session`, each replayed once, in increasing order): rows that belong to no
  // session (Journal::check_orphans) are then found by the scan as it reads, instead of by
  // a seek per session before the first one. Call finish() after the last session: it
  // returns check_orphans()'s error when the scan passed over such a row (a session that
  // left the fast path was checked by read_session before it was replayed).
  void covers(std::vector<int64_t> every_session);
  Status finish(Journal& journal);

 private:
  friend Status replay_session(Journal&, int64_t, ReplayResult*, const ModelMaker*, bool*,
                               const ModelInfo*, ReplayScan*);
  std::unique_ptr<Cursors> cursors_;
};
Status replay_session(Journal& journal, int64_t session_id, ReplayResult* out,
                      const ModelMaker* make_model = nullptr, bool* observed = nullptr,
                      const ModelInfo* instead = nullptr, ReplayScan* scan = nullptr);

}  // namespace callbench

#endif  // CALLBENCH_REPLAY_REPLAYER_H_
