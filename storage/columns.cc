#include "storage/columns.h"

#include <cstring>

namespace callbench {

void request_columns(const Stimulus& s, IgnoreReason ignored, uint64_t conn_id,
                     const SessionConfig& config, RequestColumns* out) {
  const StimulusShape& shape = shape_of(s.kind);
  const auto& dns = config.topology.dns;
  ColumnValue* v = out->value;
  v[0].text = shape.verb;
  v[1].text = shape.tlib;
  v[2].text = shape.has_call ? config.call_names[s.call].c_str() : nullptr;
  if (shape.has_call && conn_id != 0) {
    write_conn_id(conn_id, out->conn_id);
    v[3].text = out->conn_id;
  }
  v[4].text = shape.has_dn ? dns[s.dn].name.c_str() : nullptr;
  v[5].text = shape.has_dn2 ? dns[s.dn2].name.c_str() : nullptr;
  if (s.reference_id != 0) v[6].set_int(s.reference_id);
  v[7].text = s.has_call_state ? call_state_name(s.call_state) : nullptr;
  v[8].text = ignored == IgnoreReason::kNone ? nullptr : ignore_reason_text(ignored);
  static_assert(kRequestColumnCount == 9,
                "request_columns() fills every column of kRequestColumns");
}

void event_columns(const Event& e, const SessionConfig& config, EventColumns* out) {
  const auto& dns = config.topology.dns;
  ColumnValue* v = out->value;
  v[0].text = event_name(e.type);
  if (e.call != kNoCall) v[1].text = config.call_names[e.call].c_str();
  if (e.has(Attr::kConnId)) {
    write_conn_id(e.conn_id, out->conn_id);
    v[2].text = out->conn_id;
  }
  if (e.has(Attr::kThisDn)) v[3].text = dns[e.this_dn].name.c_str();
  if (e.has(Attr::kThisDnRole)) v[4].text = dn_role_name(e.this_role);
  if (e.has(Attr::kOtherDn)) v[5].text = dns[e.other_dn].name.c_str();
  if (e.has(Attr::kOtherDnRole)) v[6].text = dn_role_name(e.other_role);
  if (e.has(Attr::kThirdPartyDn)) v[7].text = dns[e.third_party_dn].name.c_str();
  if (e.has(Attr::kThirdPartyDnRole)) v[8].text = dn_role_name(e.third_party_role);
  if (e.has(Attr::kThisQueue)) v[9].text = dns[e.this_queue].name.c_str();
  if (e.has(Attr::kThirdPartyQueue)) v[10].text = dns[e.third_party_queue].name.c_str();
  if (e.has(Attr::kCallState)) v[11].text = call_state_name(e.call_state);
  if (e.has(Attr::kReferenceId)) v[12].set_int(e.reference_id);
  if (e.has(Attr::kErrorCode)) v[13].set_int(error_code_of(e.error));
  static_assert(kEventColumnCount == 14, "event_columns() fills every column of kEventColumns");
}

std::string column_list(const ColumnSpec* specs, std::size_t n, const char* prefix) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += prefix;
    out += specs[i].name;
  }
  return out;
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += ", ?";
  return out;
}

std::string column_declarations(const ColumnSpec* specs, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += "  ";
    out += specs[i].name;
    out += ' ';
    out += specs[i].declaration;
    out += ",  -- ";
    out += specs[i].comment;
    out += '\n';
  }
  return out;
}

void bind_columns(Stmt& st, int first, const ColumnValue* values, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    int at = first + static_cast<int>(i);
    if (values[i].is_int)
      st.bind_int(at, values[i].integer);
    else
      st.bind_text(at, values[i].text);
  }
}

namespace {

bool column_equals(const Stmt& st, int i, const ColumnValue& v) {
  if (v.is_int) {
    return sqlite3_column_type(st.get(), i) == SQLITE_INTEGER && st.col_int(i) == v.integer;
  }
  // sqlite3_column_text is NULL exactly for a NULL column (or out of memory).
  // A BLOB or number with the same bytes is not equal: SQL would not find it by value.
  if (v.text && sqlite3_column_type(st.get(), i) != SQLITE_TEXT) return false;
  auto text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), i));
  if (!v.text || !text) return v.text == text;
  // Same length, same bytes (a column's TEXT may hold a NUL: its length says so). The
  // value is read up to its terminating NUL only, and no further than the column's length.
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(st.get(), i));
  return ::strnlen(v.text, n + 1) == n && std::memcmp(text, v.text, n) == 0;
}

}  // namespace

const char* storage_class_name(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "INTEGER";
    case SQLITE_FLOAT:
      return "REAL";
    case SQLITE_TEXT:
      return "TEXT";
    case SQLITE_BLOB:
      return "BLOB";
    default:
      return "NULL";
  }
}

std::string mistyped_text(const Stmt& st, int first, const TypedColumn& t) {
  return std::string("column ") + t.name + " holds " +
         storage_class_name(sqlite3_column_type(st.get(), first + t.offset)) + ", not " +
         storage_class_name(t.type);
}

const char* first_differing_column(const Stmt& st, int first, const ColumnSpec* specs,
                                   const ColumnValue* values, std::size_t n, std::size_t skip) {
  for (std::size_t i = 0; i < n; ++i) {
    if (i != skip && !column_equals(st, first + static_cast<int>(i), values[i]))
      return specs[i].name;
  }
  return nullptr;
}

}  // namespace callbench
