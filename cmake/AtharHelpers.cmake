# One helper for every module (after abseil's absl_cc_library):
#   athar_library(NAME kinship SOURCES a.cpp b.cpp DEPS core)
# makes the static library athar_kinship, aliased athar::kinship, whose public headers are
# included as "kinship/x.h" from src/.
set(ATHAR_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor
                   -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)

function(athar_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;EXTERNAL" ${ARGN})
  set(target athar_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(athar::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${target} PRIVATE ${ATHAR_WARNINGS})
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} PUBLIC athar::${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${ARG_EXTERNAL})
endfunction()

#   athar_test(NAME registry SOURCES x_test.cpp DEPS registry)
# makes one GoogleTest binary per module, its cases registered with CTest one by one.
function(athar_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  set(target ${ARG_NAME}_test)
  add_executable(${target} ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${ATHAR_WARNINGS})
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} PRIVATE athar::${dep})
  endforeach()
  target_link_libraries(${target} PRIVATE GTest::gtest GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE
    ATHAR_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ATHAR_BINARY="$<TARGET_FILE:athar>")
  # Labelled by suite, so that a run can pick suites (scripts/test runs some on PostgreSQL too).
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "ATHAR_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp"
                                  LABELS ${ARG_NAME})
endfunction()
