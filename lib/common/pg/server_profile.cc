#include "lib/common/pg/server_profile.h"

#include <cstdlib>
#include <cstring>

namespace segstream {
namespace {

// PostgreSQL features by the first version that has them.
struct BaseFeature {
  int since;
  bool ServerProfile::*flag;
};
constexpr BaseFeature kBaseFeatures[] = {
    {90500, &ServerProfile::row_security},
    {90600, &ServerProfile::idle_in_transaction_timeout},
    {100000, &ServerProfile::declarative_partitions},
    {120000, &ServerProfile::generated_columns},
};

// MPP flavours by their own major version: the last row at or below a server's applies.
struct MppRow {
  ServerFlavor flavor;
  int since_major;
  const char* opclass_column;
  const char* utility_setting;
  bool external_by_relstorage;
  bool legacy_partitions;
};
constexpr MppRow kMppRows[] = {
    {ServerFlavor::kGreenplum, 6, "distclass", "gp_session_role", true, true},
    {ServerFlavor::kGreenplum, 7, "distclasses", "gp_role", false, false},
    {ServerFlavor::kCloudberry, 1, "distclasses", "gp_role", false, false},
};

// The major version that follows `marker` in the banner ("Greenplum Database 6.24.3").
int MajorAfter(const std::string& banner, const char* marker) {
  size_t at = banner.find(marker);
  if (at == std::string::npos) return 0;
  at += std::strlen(marker);
  while (at < banner.size() && !(banner[at] >= '0' && banner[at] <= '9')) {
    if (banner[at] == '(' || banner[at] == ')' || banner[at] == ',') return 0;
    ++at;
  }
  return std::atoi(banner.c_str() + at);
}

}  // namespace

Result<ServerProfile> ProfileFor(int version_num, const std::string& banner) {
  if (version_num < 90400)
    return Status::Usage("server version " + std::to_string(version_num) +
                         " is older than any segstream supports (PostgreSQL 9.4, Greenplum 6)");
  ServerProfile p;
  p.version_num = version_num;
  for (const BaseFeature& f : kBaseFeatures) p.*f.flag = version_num >= f.since;
  if (banner.find("Cloudberry") != std::string::npos) {
    p.flavor = ServerFlavor::kCloudberry;
    p.mpp_major = MajorAfter(banner, "Cloudberry");
  } else if (banner.find("Greenplum") != std::string::npos) {
    p.flavor = ServerFlavor::kGreenplum;
    p.mpp_major = MajorAfter(banner, "Greenplum");
  }
  if (p.mpp()) {
    for (const MppRow& row : kMppRows) {
      if (row.flavor == p.flavor && p.mpp_major >= row.since_major) {
        p.distribution_opclass_column = row.opclass_column;
        p.utility_mode_setting = row.utility_setting;
        p.external_tables_by_relstorage = row.external_by_relstorage;
        p.legacy_partitions = row.legacy_partitions;
      }
    }
    if (p.distribution_opclass_column.empty())
      return Status::Usage(p.Describe() + " is older than any segstream supports")
          .WithHint("segstream needs Greenplum 6 or newer, or Cloudberry");
  }
  return p;
}

std::string ServerProfile::Describe() const {
  std::string base = "PostgreSQL " + std::to_string(version_num / 10000) +
                     (version_num < 100000 ? "." + std::to_string(version_num / 100 % 100) : "");
  switch (flavor) {
    case ServerFlavor::kPostgres: return base;
    case ServerFlavor::kGreenplum:
      return "Greenplum " + std::to_string(mpp_major) + " (" + base + " catalog)";
    case ServerFlavor::kCloudberry:
      return "Cloudberry " + std::to_string(mpp_major) + " (" + base + " catalog)";
  }
  return base;
}

}  // namespace segstream
