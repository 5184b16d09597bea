#include "domain/jose/strict_json.h"

#include <string>
#include <utility>
#include <vector>


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

}  // namespace

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
