// Resident IDs (GB 11643, ISO 7064 MOD 11-2), passports, Luhn account
// numbers. The valid IDs' check characters were computed independently.
#include "domain/validation/identity.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

const absl::CivilDay kToday(2026, 7, 1);

TEST(ResidentIdCheckCharacterTest, ComputesIso7064Mod112) {
  struct Case {
    std::string body;
    char check;
  };
  const std::vector<Case> cases = {
      {"11010519491231002", 'X'},  // the GB 11643-1999 example
      {"50010319900307123", '9'},  // 重庆 渝中区
      {"50010419851116004", '5'},  // 重庆 大渡口区
      {"44030419991231567", '6'},  // 深圳 福田区
      {"31011520000229045", '1'},  // 上海 浦东新区, born on a leap day
      {"50010519880618017", '0'},
      {"81000019950612002", '9'},  // Hong Kong residence permit
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ResidentIdCheckCharacter(c.body), Optional(c.check)) << c.body;
  }
  EXPECT_EQ(ResidentIdCheckCharacter("5001031990030712"), std::nullopt);    // 16 digits
  EXPECT_EQ(ResidentIdCheckCharacter("500103199003071239"), std::nullopt);  // 18
  EXPECT_EQ(ResidentIdCheckCharacter("5001031990030712A"), std::nullopt);
  EXPECT_EQ(ResidentIdCheckCharacter(""), std::nullopt);
}

struct ResidentIdCase {
  std::string name;
  std::string id;
  std::string why;  // "" when valid
};

TEST(CheckResidentIdTest, AcceptsValidIds) {
  for (const char* id :
       {"11010519491231002X", "500103199003071239", "500104198511160045",
        "440304199912315676", "310115200002290451", "500105198806180170",
        "50010319900103002X", "810000199506120029", "430102199003070012",
        "50010320260701001X" /* born today */, "500103190012310034" /* 1900 */}) {
    EXPECT_EQ(CheckResidentId(id, kToday), "") << id;
  }
}

TEST(CheckResidentIdTest, RejectsEachKindOfMistake) {
  const std::vector<ResidentIdCase> cases = {
      {"wrong check digit", "500103199003071238",
       "has the wrong check character '8' (ISO 7064 MOD 11-2 gives '9')"},
      {"X where a digit belongs", "50010319900307123X",
       "has the wrong check character 'X' (ISO 7064 MOD 11-2 gives '9')"},
      {"digit where X belongs", "110105194912310020",
       "has the wrong check character '0' (ISO 7064 MOD 11-2 gives 'X')"},
      {"lower-case x is not normalised here", "11010519491231002x",
       "has the wrong check character 'x' (ISO 7064 MOD 11-2 gives 'X')"},
      {"two digits swapped", "500103199003071329",
       "has the wrong check character '9' (ISO 7064 MOD 11-2 gives '7')"},
      {"17 characters", "50010319900307123", "must have 18 characters, has 17"},
      {"old 15-digit format", "500103900307123", "must have 18 characters, has 15"},
      {"19 characters", "5001031990030712390", "must have 18 characters, has 19"},
      {"empty", "", "must have 18 characters, has 0"},
      {"full-width digits", "５００１０３１９９００３０７１２３９",
       "must have 18 characters, has 54"},
      {"letter in the body", "5001031990030712A9", "the first 17 characters must be digits"},
      {"unknown province 99", "99010319900307123X", "starts with an unknown province code 99"},
      {"unknown province 10", "100103199003071234", "starts with an unknown province code 10"},
      {"29 February of a common year", "500103200102290010",
       "has an impossible birth date 20010229"},
      {"month 13", "500103199013071239", "has an impossible birth date 19901307"},
      {"day 00", "500103199003001239", "has an impossible birth date 19900300"},
      {"born tomorrow", "500103202607020015", "has an impossible birth date 20260702"},
      {"born before 1900", "500103189912310015", "has an impossible birth date 18991231"},
  };
  for (const ResidentIdCase& c : cases) {
    EXPECT_EQ(CheckResidentId(c.id, kToday), c.why) << c.name;
  }
}

TEST(NormalizeResidentIdTest, UpperCasesOnlyAFinalX) {
  EXPECT_EQ(NormalizeResidentId("11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(NormalizeResidentId("11010519491231002X"), "11010519491231002X");
  EXPECT_EQ(NormalizeResidentId("500103199003071239"), "500103199003071239");
  EXPECT_EQ(NormalizeResidentId("x0010319900307123x"), "x0010319900307123X");
  EXPECT_EQ(NormalizeResidentId(""), "");
}

accounts::v1::PersonIdentity ResidentIdentity(const std::string& id) {
  accounts::v1::PersonIdentity identity;
  identity.set_resident_id(id);
  return identity;
}

accounts::v1::PersonIdentity PassportIdentity(const std::string& type, const std::string& country,
                                              const std::string& number) {
  accounts::v1::PersonIdentity identity;
  identity.mutable_passport()->set_type(type);
  identity.mutable_passport()->set_country(country);
  identity.mutable_passport()->set_number(number);
  return identity;
}

std::vector<std::string> Fields(const FieldViolations& violations) {
  return ErrorFields(violations.ToStatus());
}

TEST(NormalizeAndCheckIdentityTest, NormalisesLowerCaseX) {
  FieldViolations violations;
  accounts::v1::PersonIdentity normalized = NormalizeAndCheckIdentity(
      ResidentIdentity("11010519491231002x"), kToday, "identity", violations);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(normalized.resident_id(), "11010519491231002X");
  EXPECT_EQ(CanonicalIdentity(normalized), "cn-resident-id:11010519491231002X");
}

TEST(NormalizeAndCheckIdentityTest, ReportsABadResidentIdUnderItsField) {
  FieldViolations violations;
  NormalizeAndCheckIdentity(ResidentIdentity("500103199003071238"), kToday, "identity",
                            violations);
  EXPECT_THAT(Fields(violations), ElementsAre("identity.resident_id"));
  EXPECT_EQ(violations.ToStatus().message(),
            "identity.resident_id: has the wrong check character '8' (ISO 7064 MOD 11-2 "
            "gives '9')");
}

TEST(NormalizeAndCheckIdentityTest, NormalisesPassportsToUpperCase) {
  FieldViolations violations;
  accounts::v1::PersonIdentity normalized = NormalizeAndCheckIdentity(
      PassportIdentity("p", "chn", "e12345678"), kToday, "identity", violations);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(normalized.passport().type(), "P");
  EXPECT_EQ(normalized.passport().country(), "CHN");
  EXPECT_EQ(normalized.passport().number(), "E12345678");
  EXPECT_EQ(CanonicalIdentity(normalized), "passport:P:CHN:E12345678");
}

TEST(NormalizeAndCheckIdentityTest, ChecksEveryPassportField) {
  struct Case {
    std::string name;
    accounts::v1::PersonIdentity identity;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"diplomatic passport", PassportIdentity("PD", "CHN", "DE1234567"), {}},
      {"5-character number", PassportIdentity("P", "GBR", "12345"), {}},
      {"20-character number", PassportIdentity("P", "DEU", std::string(20, '9')), {}},
      {"empty type", PassportIdentity("", "CHN", "E12345678"), {"identity.passport.type"}},
      {"3-letter type", PassportIdentity("PPP", "CHN", "E12345678"), {"identity.passport.type"}},
      {"digit type", PassportIdentity("1", "CHN", "E12345678"), {"identity.passport.type"}},
      {"2-letter country", PassportIdentity("P", "CN", "E12345678"),
       {"identity.passport.country"}},
      {"digit in country", PassportIdentity("P", "C1N", "E12345678"),
       {"identity.passport.country"}},
      {"4-character number", PassportIdentity("P", "CHN", "E123"), {"identity.passport.number"}},
      {"21-character number", PassportIdentity("P", "CHN", std::string(21, '1')),
       {"identity.passport.number"}},
      {"dash in number", PassportIdentity("P", "CHN", "E1234-5678"),
       {"identity.passport.number"}},
      {"chinese in number", PassportIdentity("P", "CHN", "护照12345"),
       {"identity.passport.number"}},
      {"everything wrong", PassportIdentity("", "", ""),
       {"identity.passport.type", "identity.passport.country", "identity.passport.number"}},
      {"neither id", accounts::v1::PersonIdentity(), {"identity"}},
  };
  for (const Case& c : cases) {
    FieldViolations violations;
    NormalizeAndCheckIdentity(c.identity, kToday, "identity", violations);
    EXPECT_EQ(Fields(violations), c.fields) << c.name;
  }
}

TEST(CanonicalIdentityTest, TagsTheKindOfDocument) {
  // A passport number equal to a resident ID must not collide with it.
  accounts::v1::PersonIdentity resident = ResidentIdentity("500103199003071239");
  accounts::v1::PersonIdentity passport = PassportIdentity("P", "CHN", "500103199003071239");
  EXPECT_EQ(CanonicalIdentity(resident), "cn-resident-id:500103199003071239");
  EXPECT_EQ(CanonicalIdentity(passport), "passport:P:CHN:500103199003071239");
  EXPECT_NE(CanonicalIdentity(resident), CanonicalIdentity(passport));
}

TEST(LuhnCheckDigitTest, MatchesKnownValues) {
  struct Case {
    std::string digits;
    char check;
  };
  const std::vector<Case> cases = {
      {"7992739871", '3'},  // the classic example, 79927398713
      {"621700000000001", '4'},
      {"100000000000000", '8'},
      {"999999999999999", '5'},
      {"622202100112345", '9'},
      {"0", '0'},
      {"", '0'},
  };
  for (const Case& c : cases) EXPECT_EQ(LuhnCheckDigit(c.digits), c.check) << c.digits;
}

TEST(CheckAccountNumberTest, AcceptsAndRejectsByRule) {
  const std::vector<ResidentIdCase> cases = {
      {"valid", "6217000000000014", ""},
      {"smallest", "1000000000000008", ""},
      {"largest", "9999999999999995", ""},
      {"valid 2", "6222021001123459", ""},
      {"empty", "", "must not be empty"},
      {"15 digits", "621700000000001", "must be 16 digits"},
      {"17 digits", "62170000000000140", "must be 16 digits"},
      {"letter", "621700000000001A", "must be 16 digits"},
      {"spaces as printed on the card", "6217 0000 0000 0014", "must be 16 digits"},
      {"leading zero", "0217000000000014", "must not start with 0"},
      {"one digit mistyped", "6217000000000024",
       "has a wrong check digit (Luhn); check for a mistyped digit"},
      {"adjacent digits swapped", "2617000000000014",
       "has a wrong check digit (Luhn); check for a mistyped digit"},
      {"wrong check digit", "6217000000000015",
       "has a wrong check digit (Luhn); check for a mistyped digit"},
  };
  for (const ResidentIdCase& c : cases) {
    EXPECT_EQ(CheckAccountNumber(c.id), c.why) << c.name;
  }
}

TEST(ParseAccountNumberTest, ParsesOnlyValidNumbers) {
  EXPECT_THAT(ParseAccountNumber("6217000000000014"), Optional(uint64_t{6217000000000014}));
  EXPECT_THAT(ParseAccountNumber("9999999999999995"), Optional(uint64_t{9999999999999995}));
  EXPECT_EQ(ParseAccountNumber("6217000000000015"), std::nullopt);
  EXPECT_EQ(ParseAccountNumber("+217000000000014"), std::nullopt);
  EXPECT_EQ(ParseAccountNumber(""), std::nullopt);
}

TEST(FormatAccountNumberTest, PadsToSixteenDigits) {
  EXPECT_EQ(FormatAccountNumber(6217000000000014ULL), "6217000000000014");
  EXPECT_EQ(FormatAccountNumber(14), "0000000000000014");
  EXPECT_EQ(FormatAccountNumber(0), "0000000000000000");
  for (uint64_t number : {6217000000000014ULL, 1000000000000008ULL, 9999999999999995ULL}) {
    EXPECT_THAT(ParseAccountNumber(FormatAccountNumber(number)), Optional(number));
  }
}

}  // namespace
}  // namespace creditbank::domain
