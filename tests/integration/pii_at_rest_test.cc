// Personal data never reaches the disk in the clear: the raw RocksDB files
// (WAL before a flush, SST files after) hold neither the resident ID, nor
// the name, phone or e-mail. A positive control stored in the clear (an
// institution name) proves the search would find such bytes.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace creditbank {
namespace {

using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::ResidentId;

struct RawFiles {
  std::string wal;  // every *.log file
  std::string sst;  // every *.sst file
  std::string all;  // everything in the directory
};

RawFiles ReadRawFiles(const std::string& directory) {
  RawFiles files;
  for (const auto& item : std::filesystem::recursive_directory_iterator(directory)) {
    if (!item.is_regular_file()) continue;
    std::ifstream in(item.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string extension = item.path().extension();
    if (extension == ".log") files.wal += bytes.str();
    if (extension == ".sst") files.sst += bytes.str();
    files.all += bytes.str();
  }
  return files;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(PiiAtRestTest, RawFilesHoldNoClearIdentityOrPersonalDetails) {
  CoreFixture fixture;
  const std::string canary_institution = "明文对照职业技术学院";  // stored in the clear
  fixture.AccreditedInstitution("4150099001", canary_institution);

  struct Person {
    std::string resident_id;
    std::string name;
    std::string phone;
    std::string email;
  };
  std::vector<Person> people;
  for (int n = 100; n < 110; ++n) {
    people.push_back({ResidentId(n), "欧阳娜娜" + std::to_string(n),
                      "1390238" + std::to_string(1000 + n), "learner" + std::to_string(n) +
                                                                "@cq.example.cn"});
  }
  accounts::v1::OpenAccountRequest passport_request;
  passport_request.mutable_identity()->mutable_passport()->set_type("P");
  passport_request.mutable_identity()->mutable_passport()->set_country("FRA");
  passport_request.mutable_identity()->mutable_passport()->set_number("19FX93741");
  passport_request.mutable_details()->set_name("Amélie Dufresne-Laurent");
  ASSERT_OK(fixture.core().OpenAccount(passport_request).status());

  for (size_t i = 0; i < people.size(); ++i) {
    const Person& person = people[i];
    accounts::v1::OpenAccountRequest request;
    request.mutable_identity()->set_resident_id(person.resident_id);
    request.mutable_details()->set_name(person.name);
    request.mutable_details()->set_phone(person.phone);
    request.mutable_details()->set_email(person.email);
    ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                         fixture.core().OpenAccount(request));
    ledger::v1::RecordOutcomeRequest record;
    record.set_institution_code("4150099001");
    *record.mutable_outcome() =
        CourseOutcome(opened.account().account_number(), "pii-" + std::to_string(i));
    ASSERT_OK(fixture.core().RecordOutcome(record).status());
  }

  auto expect_no_personal_data = [&](const std::string& bytes, const char* where) {
    for (const Person& person : people) {
      EXPECT_FALSE(Contains(bytes, person.resident_id)) << where << " holds a resident ID";
      EXPECT_FALSE(Contains(bytes, person.resident_id.substr(0, 17)))
          << where << " holds a resident ID body";
      EXPECT_FALSE(Contains(bytes, person.name)) << where << " holds a name";
      EXPECT_FALSE(Contains(bytes, person.phone)) << where << " holds a phone number";
      EXPECT_FALSE(Contains(bytes, person.email)) << where << " holds an e-mail address";
    }
    EXPECT_FALSE(Contains(bytes, "19FX93741")) << where << " holds a passport number";
    EXPECT_FALSE(Contains(bytes, "Dufresne")) << where << " holds a name";
  };

  // Before any flush everything is in the write-ahead log.
  RawFiles before_flush = ReadRawFiles(fixture.data_dir());
  ASSERT_TRUE(Contains(before_flush.wal, canary_institution))
      << "positive control: clear text in the WAL must be found";
  expect_no_personal_data(before_flush.all, "the data directory (WAL)");

  ASSERT_OK(fixture.core().store().Flush());
  RawFiles after_flush = ReadRawFiles(fixture.data_dir());
  ASSERT_FALSE(after_flush.sst.empty());
  ASSERT_TRUE(Contains(after_flush.sst, canary_institution))
      << "positive control: clear text in SST files must be found";
  expect_no_personal_data(after_flush.all, "the data directory (SST)");

  // And the details still come back decrypted through the API.
  accounts::v1::GetAccountRequest get;
  get.mutable_identity()->set_resident_id(people[3].resident_id);
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account account, fixture.core().GetAccount(get));
  EXPECT_EQ(account.details().name(), people[3].name);
  EXPECT_EQ(account.details().email(), people[3].email);
}

}  // namespace
}  // namespace creditbank
