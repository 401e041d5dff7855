// Canonical Cap'n Proto bytes for the journal's flat records (requests and events),
// written directly from the model in one pass.
//
// A request or event Record has one fixed shape: the Record struct (its union
// discriminant in the data section, its member in pointer 0) and the member struct,
// whose pointers are all Text. The canonical layout of that shape is direct: the root
// pointer, the Record's sections, the member's sections, then each Text in pointer
// order; data sections lose their trailing zero words and pointer sections their
// trailing nulls. Field offsets come from the generated schema by reflection, so
// journal.capnp stays the one definition of the layout. codec_test checks that these
// bytes equal capnp::canonicalize's for every kind of request and event, and builds
// with CALLBENCH_CHECK_INVARIANTS compare them on every payload.
#ifndef CALLBENCH_STORAGE_CANONICAL_H_
#define CALLBENCH_STORAGE_CANONICAL_H_

#include <capnp/schema.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "storage/codec.h"

namespace callbench {

class FlatRecord {
 public:
  static constexpr std::size_t kMaxWords = 8;
  static constexpr std::size_t kMaxPointers = 16;

  // The layout of Record member `member` (must be a struct of scalars and Text).
  FlatRecord(capnp::StructSchema record, std::string_view member);

  // Offsets of the member's fields, resolved once.
  std::size_t byte_offset(std::string_view field) const;    // scalar fields
  std::size_t pointer_index(std::string_view field) const;  // Text fields

  // One record being built: zeroed, then fields set, then written.
  struct Fields {
    std::array<uint8_t, kMaxWords * 8> data{};
    std::array<std::string_view, kMaxPointers> texts{};
    std::array<bool, kMaxPointers> has_text{};
    void u16(std::size_t at, uint16_t v) { std::memcpy(data.data() + at, &v, 2); }
    void u32(std::size_t at, uint32_t v) { std::memcpy(data.data() + at, &v, 4); }
    void text(std::size_t index, std::string_view v) {
      texts[index] = v;
      has_text[index] = true;
    }
  };
  void write(const Fields& f, Payload* out) const;

 private:
  capnp::StructSchema member_;
  std::size_t member_data_bytes_ = 0;
  std::size_t member_pointers_ = 0;
  std::array<uint8_t, 8> root_data_{};  // the Record's data section: the discriminant
  std::size_t root_data_words_ = 0;     // (trimmed)
};

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_CANONICAL_H_
