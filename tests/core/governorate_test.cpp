#include "core/governorate.h"

#include <gtest/gtest.h>

namespace athar::core {
namespace {

TEST(Governorate, FindsCodesNamesVariantsAndArabic) {
  EXPECT_EQ(governorates().size(), 14u);
  EXPECT_EQ(find_governorate("rif-dimashq")->code, "rif-dimashq");
  EXPECT_EQ(find_governorate("Rif Dimashq")->code, "rif-dimashq");
  EXPECT_EQ(find_governorate("Damascus Countryside")->code, "rif-dimashq");
  EXPECT_EQ(find_governorate("ريف دمشق")->code, "rif-dimashq");
  EXPECT_EQ(find_governorate("DEIR EZ-ZOR")->code, "deir-ez-zor");
  EXPECT_EQ(find_governorate("Lattakia")->code, "latakia");
  EXPECT_EQ(find_governorate("ادلب")->code, "idlib");
  EXPECT_EQ(find_governorate(" Homs ")->code, "homs");
}

TEST(Governorate, RejectsUnknownNames) {
  EXPECT_FALSE(find_governorate("Beirut"));
  EXPECT_FALSE(find_governorate(""));
  EXPECT_FALSE(find_governorate("Damascus Province of Mars"));
}

}  // namespace
}  // namespace athar::core
