# Writes OUTPUT, a C++ file defining athar::store::registry_migrations() from the INPUTS
# scripts ('|'-separated), each named NNNN_name.sql (NNNN is the schema version).
string(REPLACE "|" ";" INPUTS "${INPUTS}")
set(entries "")
foreach(path IN LISTS INPUTS)
  # NNNN_name.postgresql.sql: that migration's script for PostgreSQL, read with its own.
  if(path MATCHES "\\.postgresql\\.sql$")
    continue()
  endif()
  get_filename_component(file_name ${path} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" ok ${file_name})
  if(NOT ok)
    message(FATAL_ERROR "migration ${path} is not named NNNN_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  file(READ ${path} sql)
  string(REGEX REPLACE "\\.sql$" ".postgresql.sql" postgresql_path ${path})
  set(postgresql "")
  if(EXISTS ${postgresql_path})
    file(READ ${postgresql_path} postgresql)
  endif()
  string(APPEND entries "    {${version}, \"${name}\", R\"athar_sql(${sql})athar_sql\",\n"
         "     R\"athar_sql(${postgresql})athar_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from src/store/migrations/*.sql; do not edit.
#include \"store/migrations.h\"

namespace athar::store {
namespace {
constexpr Migration kMigrations[] = {
${entries}};
}  // namespace
std::span<const Migration> registry_migrations() { return kMigrations; }
}  // namespace athar::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
