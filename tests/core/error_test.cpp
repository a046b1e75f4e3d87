// Errors carry a neutral kind and a JSON view; the shells map kinds to exit codes and statuses.
#include "core/error.h"

#include <gtest/gtest.h>

namespace athar::core {
namespace {

TEST(Error, EachClassHasItsKindAndStableName) {
  EXPECT_EQ(kind_name(InputError("r", "f", "v", "p").kind()), "input");
  EXPECT_EQ(kind_name(NotFound("x").kind()), "not_found");
  EXPECT_EQ(kind_name(Conflict("x").kind()), "conflict");
  EXPECT_EQ(kind_name(Forbidden("x").kind()), "forbidden");
  EXPECT_EQ(kind_name(Corruption("x").kind()), "corruption");
  EXPECT_EQ(kind_name(Unavailable("x").kind()), "unavailable");
  EXPECT_EQ(kind_name(Error("x").kind()), "internal");
}

TEST(Error, JsonNamesTheRecordFieldAndValue) {
  const OrderedJson j =
      InputError("persons.csv row 12", "birth_date", "1990-02-31", "no such day").to_json();
  EXPECT_EQ(j["error"], "input");
  EXPECT_EQ(j["record"], "persons.csv row 12");
  EXPECT_EQ(j["field"], "birth_date");
  EXPECT_EQ(j["value"], "1990-02-31");
  EXPECT_EQ(j["problem"], "no such day");
  EXPECT_NE(j["message"].get<std::string>().find("1990-02-31"), std::string::npos);
  EXPECT_EQ(NotFound("no such record: person-000009").to_json().dump(),
            R"({"error":"not_found","message":"no such record: person-000009"})");
}

TEST(Error, JsonOfBytesThatAreNotUtf8StillDumps) {
  // A bad file's bytes quoted in the message must not make the error itself unprintable.
  const OrderedJson j =
      InputError("list.csv row 2", "given_name_ar", "\xff\xfe", "not UTF-8").to_json();
  EXPECT_NO_THROW(j.dump());
  EXPECT_NE(j["value"].get<std::string>().find("\\xFF"), std::string::npos) << j.dump();
}

}  // namespace
}  // namespace athar::core
