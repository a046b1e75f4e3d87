# Writes OUTPUT, a C++ file defining `std::string_view NAME()` in namespace NAMESPACE that
# returns the bytes of INPUT (a text file shipped in the binary).
file(READ ${INPUT} text)
file(WRITE ${OUTPUT}.tmp "// Generated from ${INPUT}; do not edit.
#include <string_view>

namespace ${NAMESPACE} {
std::string_view ${NAME}() {
  static constexpr char kText[] = R\"athar_text(${text})athar_text\";
  return {kText, sizeof kText - 1};
}
}  // namespace ${NAMESPACE}
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
