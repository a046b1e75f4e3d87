// A full name as many lists write it, in one column, split into the parts Athar keeps: given
// name, father's, grandfather's and family name (a nasab: "Muhammad Ahmad Ali al-Hasan").
//
// Words that belong together are kept together first: عبد / Abd, Abdul, Abdel + the next word
// (عبد الرحمن, Abd al-Rahman, Abdul Rahman), أبو / Abu + the next word (a kunya), a divine name
// or -din after its word (Nour al-Din, Saif Allah, and Allah written as PDF extraction damages
// it: Hlla, Hllah), a lone article with the next word (Al Hasan, آل سعود); بن / ابن / bin / ibn
// ("son of") between parts are dropped. Then: one part is a given name; two a given and a family
// name; three a given name, the father's and the family name; four the whole nasab; more, the
// first three and the last (the great-grandfathers between are counted in `dropped`). A name
// that starts with its family name (an article first, none last: "al-Hasan Muhammad Ahmad", as
// lists sorted by family write it) is read so.
//
//   split_full_name("محمد بن أحمد عبد الله الحسن")  // محمد / أحمد / عبد الله / الحسن
//   split_full_name("Abd al-Rahman Mahmoud al-Hamwi");  // Abd al-Rahman / Mahmoud / - / al-Hamwi
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace athar::names {

struct NameParts {
  std::string given, father, grandfather, family;  // as written, words joined by one space
  size_t dropped = 0;         // parts between the grandfather and the family name, left out
  bool family_first = false;  // the name was written family name first
};

NameParts split_full_name(std::string_view full_name);

}  // namespace athar::names
