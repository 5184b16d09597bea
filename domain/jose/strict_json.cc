#include "domain/jose/strict_json.h"

#include <set>
#include <string>
#include <vector>

namespace creditbank::domain::jose {
namespace {

using Json = nlohmann::json;

// What the parse callback has seen: the member names of each open
// container (arrays get an empty set, so the stack size is the depth), and
// whether a rule was broken.
struct ParseWatch {
  explicit ParseWatch(size_t max_depth) : max_depth(max_depth) {}

  // Returns whether nlohmann should keep the value being built; a container
  // past the depth limit is dropped unbuilt, so "[[[[..." costs no memory
  // beyond the parser's own stack of states.
  bool OnEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        member_names.emplace_back();
        if (member_names.size() > max_depth) too_deep = true;
        return !too_deep;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        if (!member_names.empty()) member_names.pop_back();
        return true;
      case Json::parse_event_t::key:
        if (!member_names.empty() && parsed.is_string() &&
            !member_names.back().insert(parsed.get<std::string>()).second) {
          duplicate = true;
        }
        return true;
      case Json::parse_event_t::value:
        return true;
    }
    return true;
  }

  const size_t max_depth;
  std::vector<std::set<std::string>> member_names;
  bool duplicate = false;
  bool too_deep = false;
};

}  // namespace

std::optional<Json> ParseStrictJsonObject(absl::string_view text, size_t max_depth) {
  // nlohmann's lexer takes a NUL byte for the end of the input, so
  // "{...}\0anything" would parse as the object alone. JSON text never
  // holds a raw NUL (RFC 8259 §7), so refuse it outright.
  if (text.find('\0') != absl::string_view::npos) return std::nullopt;
  ParseWatch watch(max_depth);
  const Json::parser_callback_t callback = [&watch](int /*depth*/, Json::parse_event_t event,
                                                    Json& parsed) {
    return watch.OnEvent(event, parsed);
  };
  Json json;
  try {
    json = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  } catch (const Json::exception&) {
    return std::nullopt;  // not expected with allow_exceptions off; never escapes
  }
  if (watch.duplicate || watch.too_deep || json.is_discarded() || !json.is_object()) {
    return std::nullopt;
  }
  return json;
}

}  // namespace creditbank::domain::jose
