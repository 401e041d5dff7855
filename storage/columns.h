// The decoded columns of the journal's requests and events tables, defined once: the
// schema's CREATE TABLE, the recorder's INSERT, the reader's SELECT and its check that
// every column equals its payload, and export's copy are all generated from the tables
// below (kRequestColumns, kEventColumns). The payload is the truth; these columns exist
// for SQL. A column's value is computed from the decoded payload by request_columns()
// and event_columns(), the only place that says what each column holds.
//
// Row layout, in every statement: the key columns (session_id, seq, and for events
// request_seq), then `payload`, then the decoded columns in table order.
#ifndef CALLBENCH_STORAGE_COLUMNS_H_
#define CALLBENCH_STORAGE_COLUMNS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "core/model.h"
#include "storage/sqlite_util.h"

namespace callbench {

// One decoded column: its name, its SQL declaration, and what it holds (the schema's
// comment, shown by `.schema` in the sqlite3 shell).
struct ColumnSpec {
  const char* name;
  const char* declaration;  // "TEXT", "INTEGER", "TEXT NOT NULL"
  const char* comment;
};

inline constexpr ColumnSpec kRequestColumns[] = {
    {"request", "TEXT NOT NULL", "scenario verb: make-call, answer, inbound, ..."},
    {"tlib", "TEXT", "T-Lib request for client requests: TMakeCall, ..."},
    {"call", "TEXT", "the call's name in the scenario"},
    {"conn_id", "TEXT", "the call's ConnID, once it has one (from its events, not the payload)"},
    {"this_dn", "TEXT", "the DN the request names"},
    {"other_dn", "TEXT", "its second DN: the destination, queue or route"},
    {"reference_id", "INTEGER", "AttributeReferenceID of a client request"},
    {"call_state", "TEXT", "remote-busy's reason"},
    {"ignored", "TEXT", "why the engine ignored it, when it did"},
};
inline constexpr std::size_t kRequestColumnCount = std::size(kRequestColumns);
// The requests column that is not in the request's payload: it is checked against the
// call's events instead (Journal::load_events).
inline constexpr std::size_t kRequestConnIdColumn = 3;

inline constexpr ColumnSpec kEventColumns[] = {
    {"event", "TEXT NOT NULL", "T-Lib name: EventRinging, ..."},
    {"call", "TEXT", "the call's name in the scenario"},
    {"conn_id", "TEXT", "AttributeConnID, 16 hex digits"},
    {"this_dn", "TEXT", "AttributeThisDN"},
    {"this_dn_role", "TEXT", "AttributeThisDNRole: Origination, Destination, ..."},
    {"other_dn", "TEXT", "AttributeOtherDN"},
    {"other_dn_role", "TEXT", "AttributeOtherDNRole"},
    {"third_party_dn", "TEXT", "AttributeThirdPartyDN"},
    {"third_party_dn_role", "TEXT", "AttributeThirdPartyDNRole"},
    {"this_queue", "TEXT", "AttributeThisQueue"},
    {"third_party_queue", "TEXT", "AttributeThirdPartyQueue"},
    {"call_state", "TEXT", "AttributeCallState by name: OK, Busy, ..."},
    {"reference_id", "INTEGER", "AttributeReferenceID"},
    {"error_code", "INTEGER", "AttributeErrorCode on EventError"},
};
inline constexpr std::size_t kEventColumnCount = std::size(kEventColumns);

// One column's value: NULL, a text (borrowed: it points into the session's names, a
// static name, or the row's own buffer) or an integer.
struct ColumnValue {
  const char* text = nullptr;
  bool is_int = false;
  int64_t integer = 0;
  void set_int(int64_t v) {
    is_int = true;
    integer = v;
  }
};

// The decoded columns of one row. Not copyable: texts may point into conn_id.
template <std::size_t N>
struct RowColumns {
  ColumnValue value[N];
  char conn_id[17] = {};
  RowColumns() = default;
  RowColumns(const RowColumns&) = delete;
  RowColumns& operator=(const RowColumns&) = delete;
};
using RequestColumns = RowColumns<kRequestColumnCount>;
using EventColumns = RowColumns<kEventColumnCount>;

// What each column holds. `conn_id` is the call's ConnID when known (0: none yet).
void request_columns(const Stimulus& s, IgnoreReason ignored, uint64_t conn_id,
                     const SessionConfig& config, RequestColumns* out);
void event_columns(const Event& e, const SessionConfig& config, EventColumns* out);

// "a, b, c" (with `prefix` before each name: "e." for a join).
std::string column_list(const ColumnSpec* specs, std::size_t n, const char* prefix = "");
template <std::size_t N>
std::string column_list(const ColumnSpec (&specs)[N], const char* prefix = "") {
  return column_list(specs, N, prefix);
}
// ", ?" n times: the parameters after the key columns of an INSERT.
std::string placeholders(std::size_t n);
// The CREATE TABLE lines of the decoded columns ("  name TEXT,  -- comment\n").
std::string column_declarations(const ColumnSpec* specs, std::size_t n);

// Binds each value to parameters first, first+1, ...
void bind_columns(Stmt& st, int first, const ColumnValue* values, std::size_t n);
// The first column (result columns first, first+1, ...) that differs from its value,
// or nullptr when all are equal. A text is equal only as TEXT with the same bytes, an
// integer only as INTEGER. `skip` (a column index, or n for none) is not compared.
const char* first_differing_column(const Stmt& st, int first, const ColumnSpec* specs,
                                   const ColumnValue* values, std::size_t n, std::size_t skip);

// ---- The columns that are not decoded from a payload, by their storage class -----------
//
// Every reader's verification (Journal::load_session/load_events, replay's fast path)
// requires each of these to hold exactly its SQLite storage class (typeof()): a REAL 5.5, a
// TEXT '5x' or a BLOB x'35' is not the seq 5 although sqlite3_column_int64 reads 5 from
// each, and SQL comparing or joining on the column would not find it.

// A column that must hold one storage class, at result column `first + offset` of a
// statement whose key column (seq, or the session row's session_id) is result column
// `first`.
struct TypedColumn {
  int offset;
  const char* name;
  int type;  // SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB
};

// The verified session row, in this order, the same for every reader.
inline constexpr const char* kSessionRowSelect =
    "SELECT session_id, seed, label, engine_version, created_at, status, request_count, "
    "event_count, digest, header FROM sessions";
inline constexpr TypedColumn kSessionRowTypes[] = {
    {1, "seed", SQLITE_TEXT},           {3, "engine_version", SQLITE_TEXT},
    {5, "status", SQLITE_TEXT},         {6, "request_count", SQLITE_INTEGER},
    {7, "event_count", SQLITE_INTEGER}, {8, "digest", SQLITE_TEXT},
    {9, "header", SQLITE_BLOB},
};
// requests: seq, the decoded columns, payload.
inline constexpr TypedColumn kRequestRowTypes[] = {
    {0, "seq", SQLITE_INTEGER},
    {1 + static_cast<int>(kRequestColumnCount), "payload", SQLITE_BLOB},
};
// events: seq, request_seq, the decoded columns, payload.
inline constexpr TypedColumn kEventRowTypes[] = {
    {0, "seq", SQLITE_INTEGER},
    {1, "request_seq", SQLITE_INTEGER},
    {2 + static_cast<int>(kEventColumnCount), "payload", SQLITE_BLOB},
};

// SQLite's name of a storage class: "INTEGER", "REAL", "TEXT", "BLOB", "NULL".
const char* storage_class_name(int type);
// The first of `types` whose result column does not hold its storage class, or nullptr.
template <std::size_t N>
const TypedColumn* first_mistyped(const Stmt& st, int first, const TypedColumn (&types)[N]) {
  for (const TypedColumn& t : types) {
    if (sqlite3_column_type(st.get(), first + t.offset) != t.type) return &t;
  }
  return nullptr;
}
// "column seq holds REAL, not INTEGER"
std::string mistyped_text(const Stmt& st, int first, const TypedColumn& t);

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_COLUMNS_H_
