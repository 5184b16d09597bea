#include "clients/cbctl/csv_parser.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace creditbank::cbctl {
namespace {

constexpr absl::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

CsvReader::CsvReader(absl::string_view bytes, CsvLimits limits)
    : bytes_(bytes), limits_(limits) {
  if (bytes_.substr(0, kUtf8ByteOrderMark.size()) == kUtf8ByteOrderMark) {
    position_ = kUtf8ByteOrderMark.size();
  }
}

absl::Status CsvReader::Fail(size_t line, absl::string_view what) {
  status_ = absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
  return status_;
}

bool CsvReader::AtLineBreak() const {
  return position_ < bytes_.size() && (bytes_[position_] == '\n' || bytes_[position_] == '\r');
}

// CRLF, LF or a lone CR: one physical line each.
void CsvReader::SkipLineBreak() {
  if (bytes_[position_] == '\r' && position_ + 1 < bytes_.size() &&
      bytes_[position_ + 1] == '\n') {
    ++position_;
  }
  ++position_;
  ++line_;
}

absl::StatusOr<bool> CsvReader::Next(CsvRecord* record) {
  if (!status_.ok()) return status_;
  while (AtLineBreak()) SkipLineBreak();  // empty lines carry no data
  if (position_ >= bytes_.size()) return false;

  record->line = line_;
  record->fields.clear();
  size_t record_bytes = 0;
  while (true) {
    std::string field;
    if (absl::Status status = ReadField(&field, record->line); !status.ok()) return status;
    record_bytes += field.size() + 1;  // and its separator
    if (record_bytes > limits_.max_record_bytes) {
      return Fail(record->line,
                  absl::StrCat("record is longer than ", limits_.max_record_bytes, " bytes"));
    }
    if (record->fields.size() == limits_.max_fields_per_record) {
      return Fail(record->line,
                  absl::StrCat("record has more than ", limits_.max_fields_per_record, " fields"));
    }
    record->fields.push_back(std::move(field));
    if (position_ >= bytes_.size()) break;
    if (bytes_[position_] == ',') {
      ++position_;
      continue;
    }
    SkipLineBreak();  // ReadField stops only at a comma, a line break or the end
    break;
  }
  return true;
}

absl::Status CsvReader::ReadField(std::string* field, size_t record_line) {
  if (position_ < bytes_.size() && bytes_[position_] == '"') {
    return ReadQuotedField(field, record_line);
  }
  return ReadPlainField(field);
}

absl::Status CsvReader::ReadPlainField(std::string* field) {
  const size_t start = position_;
  while (position_ < bytes_.size()) {
    const char c = bytes_[position_];
    if (c == ',' || c == '\n' || c == '\r') break;
    if (c == '"') {
      return Fail(line_, absl::StrCat("a quote inside an unquoted field (field ",
                                      "values with quotes must be quoted, quotes doubled)"));
    }
    ++position_;
  }
  if (position_ - start > limits_.max_field_bytes) {
    return Fail(line_, absl::StrCat("field is longer than ", limits_.max_field_bytes, " bytes"));
  }
  field->assign(bytes_.data() + start, position_ - start);
  return absl::OkStatus();
}

absl::Status CsvReader::ReadQuotedField(std::string* field, size_t record_line) {
  const size_t opened_on_line = line_;
  ++position_;  // the opening quote
  while (true) {
    if (position_ >= bytes_.size()) {
      return Fail(record_line, absl::StrCat("the quoted field opened on line ", opened_on_line,
                                            " is never closed"));
    }
    const char c = bytes_[position_];
    if (c == '"') {
      if (position_ + 1 < bytes_.size() && bytes_[position_ + 1] == '"') {
        field->push_back('"');
        position_ += 2;
      } else {
        ++position_;  // the closing quote
        break;
      }
    } else if (c == '\n' || c == '\r') {
      // Kept as written; only the line count moves.
      const size_t before = position_;
      SkipLineBreak();
      field->append(bytes_.data() + before, position_ - before);
    } else {
      field->push_back(c);
      ++position_;
    }
    if (field->size() > limits_.max_field_bytes) {
      return Fail(record_line,
                  absl::StrCat("field is longer than ", limits_.max_field_bytes, " bytes"));
    }
  }
  if (position_ < bytes_.size() && bytes_[position_] != ',' && !AtLineBreak()) {
    return Fail(line_, "unexpected text after a closing quote (a literal quote is written \"\")");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view bytes, CsvLimits limits) {
  CsvReader reader(bytes, limits);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return records;
    records.push_back(std::move(record));
  }
}

}  // namespace creditbank::cbctl
