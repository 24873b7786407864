// The version table, row by row, from the banners the servers print.
#include <gtest/gtest.h>

#include "lib/common/pg/server_profile.h"

namespace segstream {
namespace {

ServerProfile Profile(int version_num, const std::string& banner) {
  auto p = ProfileFor(version_num, banner);
  EXPECT_TRUE(p.ok()) << banner << ": " << p.status().ToString();
  return p.ok() ? *p : ServerProfile();
}

TEST(ServerProfile, PostgreSqlByVersion) {
  ServerProfile pg12 = Profile(120017, "PostgreSQL 12.17 on x86_64-pc-linux-gnu, compiled by gcc");
  EXPECT_EQ(pg12.flavor, ServerFlavor::kPostgres);
  EXPECT_TRUE(pg12.row_security && pg12.idle_in_transaction_timeout);
  EXPECT_TRUE(pg12.declarative_partitions && pg12.generated_columns);
  EXPECT_EQ(pg12.distribution_opclass_column, "");
  EXPECT_EQ(pg12.utility_mode_setting, "");
  EXPECT_EQ(pg12.Describe(), "PostgreSQL 12");
  ServerProfile pg11 = Profile(110022, "PostgreSQL 11.22 on x86_64-pc-linux-gnu");
  EXPECT_TRUE(pg11.declarative_partitions);
  EXPECT_FALSE(pg11.generated_columns);
  EXPECT_EQ(Profile(180001, "PostgreSQL 18.1").Describe(), "PostgreSQL 18");
}

// Regression: dump-stream set row_security and idle_in_transaction_session_timeout and read
// gp_distribution_policy.distclasses on Greenplum 6, which has none of them.
TEST(ServerProfile, Greenplum6IsAPostgreSql94Catalog) {
  ServerProfile gp6 = Profile(90426,
                              "PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build "
                              "commit:25d3498a400ca5230e81abb94861f23389315213 Open Source) on "
                              "x86_64-unknown-linux-gnu, compiled by gcc");
  EXPECT_EQ(gp6.flavor, ServerFlavor::kGreenplum);
  EXPECT_EQ(gp6.mpp_major, 6);
  EXPECT_FALSE(gp6.row_security);
  EXPECT_FALSE(gp6.idle_in_transaction_timeout);
  EXPECT_FALSE(gp6.declarative_partitions);
  EXPECT_FALSE(gp6.generated_columns);
  EXPECT_EQ(gp6.distribution_opclass_column, "distclass");
  EXPECT_EQ(gp6.utility_mode_setting, "gp_session_role");
  EXPECT_TRUE(gp6.external_tables_by_relstorage);
  EXPECT_EQ(gp6.Describe(), "Greenplum 6 (PostgreSQL 9.4 catalog)");
}

TEST(ServerProfile, Greenplum7AndCloudberry) {
  ServerProfile gp7 =
      Profile(120012, "PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:abc) on x86_64");
  EXPECT_EQ(gp7.mpp_major, 7);
  EXPECT_TRUE(gp7.row_security && gp7.generated_columns && gp7.declarative_partitions);
  EXPECT_EQ(gp7.distribution_opclass_column, "distclasses");
  EXPECT_EQ(gp7.utility_mode_setting, "gp_role");
  EXPECT_FALSE(gp7.external_tables_by_relstorage);
  ServerProfile cb = Profile(140004, "PostgreSQL 14.4 (Apache Cloudberry 1.6.0 build 1) on x86_64");
  EXPECT_EQ(cb.flavor, ServerFlavor::kCloudberry);
  EXPECT_EQ(cb.mpp_major, 1);
  EXPECT_EQ(cb.distribution_opclass_column, "distclasses");
  EXPECT_EQ(cb.utility_mode_setting, "gp_role");
  EXPECT_EQ(cb.Describe(), "Cloudberry 1 (PostgreSQL 14 catalog)");
}

TEST(ServerProfile, OlderServersAreRefused) {
  EXPECT_EQ(ProfileFor(90300, "PostgreSQL 9.3.25").status().kind(), ErrorKind::kUsage);
  auto gp5 = ProfileFor(90400, "PostgreSQL 8.3.23 (Greenplum Database 5.28.0 build)");
  EXPECT_EQ(gp5.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(gp5.status().message().find("Greenplum 5"), std::string::npos);
}

}  // namespace
}  // namespace segstream
