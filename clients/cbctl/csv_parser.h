// A small, bounded RFC 4180 CSV reader: a pure function over bytes, so it
// can be fuzzed, that never crashes and never grows without bound.
//
//   CsvReader reader(file_bytes);
//   CsvRecord record;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, reader.Next(&record));
//     if (!more) break;
//     Use(record.line, record.fields);
//   }
//
// What it accepts (docs/import-csv.md is the user-facing description):
//   - an optional UTF-8 byte order mark at the very start (skipped);
//   - records ended by CRLF, LF or a lone CR; the last may have no ending;
//   - empty lines between records are skipped (they carry no data);
//   - fields separated by commas; a field that starts with '"' is quoted:
//     it may hold commas, line breaks and "" (one literal quote), and its
//     closing quote must be followed by a comma, a line break or the end;
//   - a quote inside an unquoted field is an error, as in RFC 4180.
// Bytes are passed through unchanged: checking UTF-8 is the caller's job.
// Errors are INVALID_ARGUMENT with a message starting "line N: ", and are
// final: the reader returns the same error from then on.
#ifndef CREDITBANK_CLIENTS_CBCTL_CSV_PARSER_H_
#define CREDITBANK_CLIENTS_CBCTL_CSV_PARSER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace creditbank::cbctl {

// Bounds on what one record may hold. The defaults are generous for a
// term-end upload (a title is at most 200 characters, 800 bytes) while
// keeping one record's memory small whatever the input.
struct CsvLimits {
  size_t max_field_bytes = 16 * 1024;
  size_t max_record_bytes = 64 * 1024;  // all fields and separators
  size_t max_fields_per_record = 64;
};

struct CsvRecord {
  // The physical line (1-based) on which the record starts; a quoted
  // field with line breaks makes the next record start further down.
  size_t line = 0;
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // `bytes` must outlive the reader.
  explicit CsvReader(absl::string_view bytes, CsvLimits limits = CsvLimits());

  // Reads the next record into `record`: true when one was read, false at
  // the end of the input, or an error.
  absl::StatusOr<bool> Next(CsvRecord* record);

 private:
  absl::Status ReadField(std::string* field, size_t record_line);
  absl::Status ReadQuotedField(std::string* field, size_t record_line);
  absl::Status ReadPlainField(std::string* field);
  bool AtLineBreak() const;
  void SkipLineBreak();
  absl::Status Fail(size_t line, absl::string_view what);

  const absl::string_view bytes_;
  const CsvLimits limits_;
  size_t position_ = 0;
  size_t line_ = 1;
  absl::Status status_;
};

// Every record of `bytes`, or the first error.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view bytes,
                                                CsvLimits limits = CsvLimits());

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_CSV_PARSER_H_
