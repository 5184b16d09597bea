// Aligned plain-text tables for terminals, where Chinese characters take
// two columns: alignment counts display columns, not bytes or code points.
//
//   TextTable table({"CODE", "NAME", "CREDITS"});
//   table.AlignRight(2);
//   table.AddRow({"MATH101", "高等数学（上）", "3.5"});
//   std::cout << table.Render();
//
//   CODE     NAME            CREDITS
//   MATH101  高等数学（上）      3.5
#ifndef CREDITBANK_CLIENTS_CBCTL_TEXT_TABLE_H_
#define CREDITBANK_CLIENTS_CBCTL_TEXT_TABLE_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace creditbank::cbctl {

// Columns a terminal gives `text`: 2 for East Asian wide and full-width
// characters (CJK ideographs, kana, hangul, full-width punctuation such as
// （）), 0 for combining marks and zero-width characters, 1 otherwise. A
// byte that is not part of well-formed UTF-8 counts 1.
size_t DisplayWidth(absl::string_view text);

// Control characters would move the cursor or break the layout: each is
// replaced by '?'.
std::string Printable(absl::string_view text);

// `text` cut to at most `max_bytes` (at a UTF-8 character boundary) with
// "..." appended when anything was cut; for echoing untrusted input.
std::string Abbreviate(absl::string_view text, size_t max_bytes);

class TextTable {
 public:
  // Columns between cells.
  static constexpr size_t kColumnGap = 2;

  explicit TextTable(std::vector<std::string> headers);

  void AlignRight(size_t column);
  // Missing cells are blank; cells beyond the headers are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }
  size_t column_count() const { return headers_.size(); }

  // The header line and one line per row, each ending in '\n', with no
  // trailing spaces.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_aligned_;
  std::vector<std::vector<std::string>> rows_;
};

// "label  value" lines with the values aligned, for one record; an empty
// value shows as kEmptyValue (so no line ends in spaces).
inline constexpr absl::string_view kEmptyValue = "-";
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_TEXT_TABLE_H_
