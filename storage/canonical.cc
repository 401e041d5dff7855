#include "storage/canonical.h"

#include <cstring>

#include "core/assert.h"

namespace callbench {
namespace {

std::size_t trimmed_words(const uint8_t* data, std::size_t bytes) {
  std::size_t words = bytes / 8;
  while (words > 0) {
    uint64_t w;
    std::memcpy(&w, data + (words - 1) * 8, 8);
    if (w != 0) break;
    --words;
  }
  return words;
}

uint64_t struct_pointer(std::size_t at, std::size_t target, std::size_t data_words,
                        std::size_t pointers) {
  auto offset = static_cast<uint64_t>(target - at - 1);
  return (offset << 2) | (static_cast<uint64_t>(data_words) << 32) |
         (static_cast<uint64_t>(pointers) << 48);
}

uint64_t byte_list_pointer(std::size_t at, std::size_t target, std::size_t count) {
  auto offset = static_cast<uint64_t>(target - at - 1);
  return (offset << 2) | 1u | (uint64_t{2} << 32) | (static_cast<uint64_t>(count) << 35);
}

void put_word(uint8_t* base, std::size_t index, uint64_t w) {
  std::memcpy(base + index * 8, &w, 8);
}

}  // namespace

FlatRecord::FlatRecord(capnp::StructSchema record, std::string_view member_name) {
  capnp::StructSchema::Field member =
      record.getFieldByName(kj::StringPtr(member_name.data(), member_name.size()));
  member_ = member.getType().asStruct();
  auto proto = member_.getProto().getStruct();
  member_data_bytes_ = proto.getDataWordCount() * 8u;
  member_pointers_ = proto.getPointerCount();
  CB_ASSERT(member_data_bytes_ <= kMaxWords * 8 && member_pointers_ <= kMaxPointers);
  for (auto f : member_.getFields()) {
    CB_ASSERT_MSG(!f.getType().isStruct() && !f.getType().isList() && !f.getType().isData(),
                  "a flat record holds scalars and Text only");
  }
  // The Record's data section holds the union discriminant (16 bits) and nothing else.
  auto record_proto = record.getProto().getStruct();
  CB_ASSERT(record_proto.getDataWordCount() == 1 && record_proto.getPointerCount() == 1);
  uint16_t discriminant = member.getProto().getDiscriminantValue();
  std::size_t at = record_proto.getDiscriminantOffset() * 2u;
  std::memcpy(root_data_.data() + at, &discriminant, 2);
  root_data_words_ = trimmed_words(root_data_.data(), 8);
}

std::size_t FlatRecord::byte_offset(std::string_view field) const {
  auto f = member_.getFieldByName(kj::StringPtr(field.data(), field.size()));
  capnp::Type t = f.getType();
  std::size_t unit = t.isUInt32() ? 4 : (t.isUInt16() || t.isEnum()) ? 2 : 0;
  CB_ASSERT_MSG(unit != 0, "only UInt16, UInt32 and enum fields are written directly");
  return f.getProto().getSlot().getOffset() * unit;
}

std::size_t FlatRecord::pointer_index(std::string_view field) const {
  auto f = member_.getFieldByName(kj::StringPtr(field.data(), field.size()));
  CB_ASSERT(f.getType().isText());
  return f.getProto().getSlot().getOffset();
}

void FlatRecord::write(const Fields& f, Payload* out) const {
  std::size_t member_words = trimmed_words(f.data.data(), member_data_bytes_);
  std::size_t pointers = member_pointers_;
  while (pointers > 0 && !f.has_text[pointers - 1]) --pointers;
  std::size_t words = 1 + root_data_words_ + 1 + member_words + pointers;
  for (std::size_t i = 0; i < pointers; ++i) {
    if (f.has_text[i]) words += (f.texts[i].size() + 1 + 7) / 8;
  }
  out->resize(words * 8);
  uint8_t* base = out->data();
  const std::size_t root_at = 1, member_at = root_at + root_data_words_ + 1;
  put_word(base, 0, struct_pointer(0, root_at, root_data_words_, 1));
  std::memcpy(base + root_at * 8, root_data_.data(), root_data_words_ * 8);
  put_word(base, root_at + root_data_words_,
           struct_pointer(root_at + root_data_words_, member_at, member_words, pointers));
  std::memcpy(base + member_at * 8, f.data.data(), member_words * 8);
  std::size_t next = member_at + member_words + pointers;
  for (std::size_t i = 0; i < pointers; ++i) {
    std::size_t at = member_at + member_words + i;
    if (!f.has_text[i]) {
      put_word(base, at, 0);
      continue;
    }
    std::size_t len = f.texts[i].size(), text_words = (len + 1 + 7) / 8;
    put_word(base, at, byte_list_pointer(at, next, len + 1));
    put_word(base, next + text_words - 1, 0);  // the NUL and the padding
    std::memcpy(base + next * 8, f.texts[i].data(), len);
    next += text_words;
  }
}

}  // namespace callbench
