#include "domain/jose/strict_json.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace creditbank::domain::jose {
namespace {

using Json = nlohmann::json;

// Builds the document from nlohmann's SAX events and enforces the rules as
// it goes. Written out (rather than a parse callback watching nlohmann's
// own builder) because the callback parser copies every key twice and
// every value once more to show it to the callback, and a separate set of
// names per object cost as much again: a repeated name is found here by
// inserting it into the object being built, which the build does anyway.
// Each handler returns false to stop the parse at the first broken rule.
class StrictBuilder {
 public:
  explicit StrictBuilder(size_t max_depth) : max_depth_(max_depth) {}

  bool null() { return Add(Json(nullptr)); }
  bool boolean(bool value) { return Add(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return Add(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return Add(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    return Add(Json(value));
  }
  // The lexer hands over its own buffer, which it clears before reading the
  // next token: taking it saves a copy of every string.
  bool string(Json::string_t& value) { return Add(Json(std::move(value))); }
  bool binary(Json::binary_t& /*value*/) { return false; }  // JSON text has none

  bool start_object(std::size_t /*elements*/) { return Open(Json::value_t::object); }
  bool start_array(std::size_t /*elements*/) { return Open(Json::value_t::array); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(Json::string_t& name) {
    auto [member, inserted] =
        open_.back()->get_ref<Json::object_t&>().emplace(std::move(name), nullptr);
    if (!inserted) return false;  // a repeated member name
    member_ = &member->second;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) {
    return false;
  }

  Json& root() { return root_; }

 private:
  // Places `value` where the parse is: the root, the next array element, or
  // the member whose name key() just read.
  Json* Place(Json&& value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& container = *open_.back();
    if (container.is_array()) {
      Json::array_t& array = container.get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    *member_ = std::move(value);
    return member_;
  }

  bool Add(Json&& value) {
    Place(std::move(value));
    return true;
  }

  // Past the depth limit the parse stops before the container is built, so
  // "[[[[..." costs nothing beyond what was read.
  bool Open(Json::value_t type) {
    if (open_.size() + 1 > max_depth_) return false;
    open_.push_back(Place(Json(type)));
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  const size_t max_depth_;
  Json root_;
  std::vector<Json*> open_;  // the containers being filled, outermost first
  Json* member_ = nullptr;   // the member value key() made room for
};

// What a string byte needs when dumped: nothing (copied in runs), an
// escape, or a check that it starts a valid UTF-8 sequence.
enum class ByteKind : unsigned char { kPlain, kEscape, kNonAscii };

constexpr std::array<ByteKind, 256> ByteKinds() {
  std::array<ByteKind, 256> kinds{};
  for (size_t byte = 0; byte < kinds.size(); ++byte) {
    if (byte < 0x20 || byte == '"' || byte == '\\') {
      kinds[byte] = ByteKind::kEscape;
    } else if (byte >= 0x80) {
      kinds[byte] = ByteKind::kNonAscii;
    } else {
      kinds[byte] = ByteKind::kPlain;
    }
  }
  return kinds;
}
constexpr std::array<ByteKind, 256> kByteKinds = ByteKinds();

// The length of the well-formed UTF-8 sequence (Unicode 15 table 3-7: no
// overlong form, no surrogate, nothing past U+10FFFF) that starts at
// text[at], a byte of 0x80 or more; 0 when there is none — exactly the
// bytes nlohmann's dump() refuses.
size_t Utf8SequenceLength(absl::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // no overlong form
    if (lead == 0xED) second_high = 0x9F;  // no surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // no overlong form
    if (lead == 0xF4) second_high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  if (byte(at + 1) < second_low || byte(at + 1) > second_high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

// `text` as a JSON string, escaped as nlohmann's dump() does; false when it
// is not valid UTF-8.
bool AppendJsonString(absl::string_view text, std::string& out) {
  out.push_back('"');
  size_t run_start = 0;
  size_t at = 0;
  while (at < text.size()) {
    const unsigned char byte = static_cast<unsigned char>(text[at]);
    const ByteKind kind = kByteKinds[byte];
    if (kind == ByteKind::kPlain) {
      ++at;
      continue;
    }
    if (kind == ByteKind::kNonAscii) {
      const size_t length = Utf8SequenceLength(text, at);
      if (length == 0) return false;
      at += length;  // copied as it is, with the run
      continue;
    }
    out.append(text.data() + run_start, at - run_start);
    switch (byte) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\f': out.append("\\f"); break;
      case '\r': out.append("\\r"); break;
      default: {
        constexpr char kHexDigits[] = "0123456789abcdef";  // dump() writes lower case
        const char escape[] = {'\\', 'u', '0', '0', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
        out.append(escape, sizeof(escape));
      }
    }
    ++at;
    run_start = at;
  }
  out.append(text.data() + run_start, at - run_start);
  out.push_back('"');
  return true;
}

bool AppendJson(const Json& json, std::string& out) {
  switch (json.type()) {
    case Json::value_t::null: out.append("null"); return true;
    case Json::value_t::boolean: out.append(json.get<bool>() ? "true" : "false"); return true;
    case Json::value_t::number_integer:
      absl::StrAppend(&out, json.get<Json::number_integer_t>());
      return true;
    case Json::value_t::number_unsigned:
      absl::StrAppend(&out, json.get<Json::number_unsigned_t>());
      return true;
    case Json::value_t::number_float:
      // dump()'s own shortest round-trip spelling ("3.5", "3.0"); rare
      // enough in our documents not to be worth writing again.
      out.append(json.dump());
      return true;
    case Json::value_t::string:
      return AppendJsonString(json.get_ref<const Json::string_t&>(), out);
    case Json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const Json& element : json) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendJson(element, out)) return false;
      }
      out.push_back(']');
      return true;
    }
    case Json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [name, value] : json.get_ref<const Json::object_t&>()) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendJsonString(name, out)) return false;
        out.push_back(':');
        if (!AppendJson(value, out)) return false;
      }
      out.push_back('}');
      return true;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      return false;
  }
  return false;
}

}  // namespace

std::optional<std::string> DumpJson(const Json& json) {
  std::string out;
  if (!AppendJson(json, out)) return std::nullopt;
  return out;
}

std::optional<Json> ParseStrictJsonObject(absl::string_view text, size_t max_depth) {
  // nlohmann's lexer takes a NUL byte for the end of the input, so
  // "{...}\0anything" would parse as the object alone. JSON text never
  // holds a raw NUL (RFC 8259 §7), so refuse it outright.
  if (text.find('\0') != absl::string_view::npos) return std::nullopt;
  StrictBuilder builder(max_depth);
  bool parsed = false;
  try {
    // strict: nothing but whitespace may follow the value.
    parsed = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json,
                             /*strict=*/true);
  } catch (const Json::exception&) {
    return std::nullopt;  // not expected (parse_error returns false); never escapes
  }
  if (!parsed || !builder.root().is_object()) return std::nullopt;
  return std::move(builder.root());
}

}  // namespace creditbank::domain::jose
