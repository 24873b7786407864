#include "lib/common/pg/table_selection.h"

#include <CLI/CLI.hpp>

namespace segstream {

void TableSelection::AddOptions(CLI::App& app, const std::string& verb, bool one_value_each) {
  std::vector<CLI::Option*> added = {
      app.add_option("-t,--table", include_tables, verb + " only tables matching PATTERN"),
      app.add_option("-n,--include-schema", include_schemas,
                     verb + " only tables in schemas matching PATTERN"),
      app.add_option("-T,--exclude-table", exclude_tables, "skip tables matching PATTERN"),
      app.add_option("-N,--exclude-schema", exclude_schemas, "skip schemas matching PATTERN"),
      app.add_option("--include-table-file", include_table_files,
                     verb + " only the schema.table names listed in FILE"),
      app.add_option("--exclude-table-file", exclude_table_files,
                     "skip the schema.table names listed in FILE"),
  };
  if (one_value_each) {
    for (CLI::Option* option : added) option->allow_extra_args(false);
  }
}

Status TableSelection::AddTo(TableFilter* filter, TableFilter* excludes) const {
  for (const auto& p : include_tables) RETURN_IF_ERROR(filter->AddIncludeTable(p));
  for (const auto& p : include_schemas) RETURN_IF_ERROR(filter->AddIncludeSchema(p));
  for (const auto& p : exclude_tables) {
    RETURN_IF_ERROR(filter->AddExcludeTable(p));
    if (excludes) RETURN_IF_ERROR(excludes->AddExcludeTable(p));
  }
  for (const auto& p : exclude_schemas) {
    RETURN_IF_ERROR(filter->AddExcludeSchema(p));
    if (excludes) RETURN_IF_ERROR(excludes->AddExcludeSchema(p));
  }
  for (const auto& path : include_table_files) {
    std::vector<std::string> names;
    RETURN_IF_ERROR(LoadTableFile(path, &names));
    if (names.empty()) return Status::Usage("table file '" + path + "' lists no tables");
    for (const auto& n : names) RETURN_IF_ERROR(filter->AddIncludeExact(n));
  }
  for (const auto& path : exclude_table_files) {
    std::vector<std::string> names;
    RETURN_IF_ERROR(LoadTableFile(path, &names));
    for (const auto& n : names) {
      RETURN_IF_ERROR(filter->AddExcludeExact(n));
      if (excludes) RETURN_IF_ERROR(excludes->AddExcludeExact(n));
    }
  }
  return Status::Ok();
}

}  // namespace segstream
