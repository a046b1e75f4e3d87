#include "names/normalise.h"

#include <gtest/gtest.h>

namespace athar::names {
namespace {

TEST(NormaliseArabic, RemovesMarksAndUnifiesLetterForms) {
  EXPECT_EQ(normalise_arabic("مُحَمَّد"), "محمد");
  EXPECT_EQ(normalise_arabic("مـحـمـد"), "محمد");  // tatweel
  EXPECT_EQ(normalise_arabic("أحمد"), normalise_arabic("احمد"));
  EXPECT_EQ(normalise_arabic("إبراهيم"), "ابراهيم");
  EXPECT_EQ(normalise_arabic("آمنة"), "امنه");                        // alef madda, taa marbuta
  EXPECT_EQ(normalise_arabic("مصطفى"), "مصطفي");                      // alef maksura
  EXPECT_EQ(normalise_arabic("مؤمن"), "مومن");                        // hamza on waw
  EXPECT_EQ(normalise_arabic("هائل"), "هايل");                        // hamza on yeh
  EXPECT_EQ(normalise_arabic("علاء"), "علا");                         // lone hamza
  EXPECT_EQ(normalise_arabic("علی"), "علي");                          // Farsi yeh
  EXPECT_EQ(normalise_arabic("کمال"), "كمال");                        // keheh
  EXPECT_EQ(normalise_arabic("\u200Fمحمد\u200E ٢٠١٣"), "محمد 2013");  // bidi marks, digits
}

TEST(NormaliseArabic, ReadsPresentationFormsFromPdfText) {
  EXPECT_EQ(normalise_arabic("ﻣﺤﻤﺪ"), "محمد");
  EXPECT_EQ(normalise_arabic("ﺑﻼﻝ"), "بلال");  // with the lam-alef ligature
}

TEST(NormaliseArabic, RepairsLamAlefDamage) {
  EXPECT_EQ(normalise_arabic("عبدهللا"), "عبدالله");
  EXPECT_EQ(normalise_arabic("عبد هللا"), "عبدالله");
  EXPECT_EQ(normalise_arabic("جالل"), "جلال");
  EXPECT_EQ(normalise_arabic("بالل"), "بلال");
  EXPECT_EQ(normalise_arabic("سالم"), "سالم");  // a real name: left alone
}

TEST(NormaliseArabic, JoinsCompoundsTheSameWay) {
  EXPECT_EQ(normalise_arabic("عبد الله"), "عبدالله");
  EXPECT_EQ(normalise_arabic("عبدالله"), "عبدالله");
  EXPECT_EQ(normalise_arabic("عبد الرحمن"), "عبدالرحمن");
  EXPECT_EQ(normalise_arabic("عبد ال رحمن"), "عبدالرحمن");
  EXPECT_EQ(normalise_arabic("أبو بكر"), "ابوبكر");
  EXPECT_EQ(normalise_arabic("نور الدين"), "نورالدين");
  EXPECT_EQ(normalise_arabic("ابن خلدون"), "بن خلدون");
  EXPECT_EQ(normalise_arabic("محمد عبد الله الحسن"), "محمد عبدالله الحسن");
}

TEST(NormaliseLatin, CaseDiacriticsAndMarks) {
  EXPECT_EQ(normalise_latin("MUḤAMMAD"), "muhamad");
  EXPECT_EQ(normalise_latin("ʿAlī"), "ali");
  EXPECT_EQ(normalise_latin("Sa'id"), normalise_latin("Said"));
  EXPECT_EQ(normalise_latin("Hišām"), "hisham");
  EXPECT_EQ(normalise_latin("Khālid"), "khalid");
}

TEST(NormaliseLatin, VariantsOfOneNameMeet) {
  const std::string muhammad = normalise_latin("Muhammad");
  for (const char* v : {"Mohammad", "Mohammed", "Mohamed", "Muhammed", "Mohamad", "Mehmet"}) {
    EXPECT_EQ(normalise_latin(v), muhammad) << v;
  }
  EXPECT_EQ(normalise_latin("Hassan"), normalise_latin("Hasan"));
  EXPECT_EQ(normalise_latin("Youssef"), normalise_latin("Yousef"));
  EXPECT_EQ(normalise_latin("Ahmed"), normalise_latin("Ahmad"));
  EXPECT_EQ(normalise_latin("Fatimah"), normalise_latin("Fatima"));
  EXPECT_EQ(normalise_latin("Omar"), normalise_latin("Umar"));
}

TEST(NormaliseLatin, ArticlesAndCompounds) {
  const std::string hasan = normalise_latin("al-Hasan");
  for (const char* v : {"Al Hasan", "el-Hassan", "Al-Hassan", "AL HASAN"}) {
    EXPECT_EQ(normalise_latin(v), hasan) << v;
  }
  const std::string rahman = normalise_latin("Abd al-Rahman");
  for (const char* v :
       {"Abdulrahman", "Abdel Rahman", "Abd ar-Rahman", "Abdurrahman", "Abdul Rahman"}) {
    EXPECT_EQ(normalise_latin(v), rahman) << v;
  }
  EXPECT_EQ(normalise_latin("Abdullah"), normalise_latin("Abd Allah"));
  EXPECT_EQ(normalise_latin("Abdulla"), normalise_latin("Abdullah"));
  EXPECT_EQ(normalise_latin("Abu Bakr"), normalise_latin("Abou Bakr"));
  EXPECT_EQ(normalise_latin("ibn Khaldun"), normalise_latin("bin Khaldun"));
  EXPECT_EQ(normalise_latin("Mohamed Abdulla Alhassan"),
            normalise_latin("Mohammad Abdallah al-Hasan"));
}

TEST(NormaliseName, PicksTheScript) {
  EXPECT_TRUE(has_arabic_letters("سامر"));
  EXPECT_FALSE(has_arabic_letters("Samer"));
  EXPECT_EQ(normalise_name("سَامِر"), "سامر");
  EXPECT_EQ(normalise_name("Sāmer"), "samar");
  EXPECT_EQ(normalise_name("--- ..."), "");
}

}  // namespace
}  // namespace athar::names
