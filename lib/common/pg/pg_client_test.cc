#include "lib/common/pg/pg_client.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

TEST(ParseClientVersion, ReadsEveryBannerShape) {
  EXPECT_EQ(ParseClientVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"), 150018);
  EXPECT_EQ(ParseClientVersion("pg_restore (PostgreSQL) 18.1\n"), 180001);
  EXPECT_EQ(ParseClientVersion("pg_dump (PostgreSQL) 9.4.24\n"), 90424);
  EXPECT_EQ(ParseClientVersion("pg_dump (PostgreSQL) 17devel\n"), 170000);
  EXPECT_EQ(ParseClientVersion("something else"), 0);
  EXPECT_EQ(ParseClientVersion(""), 0);
}

TEST(ChooseClient, TakesTheNewestThatIsNotOlderThanTheServer) {
  std::vector<ClientCandidate> installed = {{"/usr/bin/pg_dump", 150018},
                                            {"/usr/lib/postgresql/17/bin/pg_dump", 170002},
                                            {"/usr/lib/postgresql/16/bin/pg_dump", 160004}};
  auto got = ChooseClient("pg_dump", 160001, installed);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), "/usr/lib/postgresql/17/bin/pg_dump");
  got = ChooseClient("pg_dump", 120022, installed);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), "/usr/lib/postgresql/17/bin/pg_dump");
}

TEST(ChooseClient, OfEqualVersionsPrefersAProgramToAWrapperScript) {
  auto got = ChooseClient("pg_restore", 150010,
                          {{"/usr/bin/pg_restore", 150018, true},
                           {"/usr/lib/postgresql/15/bin/pg_restore", 150018, false}});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), "/usr/lib/postgresql/15/bin/pg_restore");
  // A newer wrapper still wins over an older program.
  got = ChooseClient("pg_restore", 150010,
                     {{"/usr/lib/postgresql/15/bin/pg_restore", 150018, false},
                      {"/usr/bin/pg_restore", 160004, true}});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), "/usr/bin/pg_restore");
}

TEST(ChooseClient, NamesBothVersionsAndTheFixWhenNoneFits) {
  auto got = ChooseClient("pg_dump", 180001, {{"/usr/bin/pg_dump", 150018}, {"/x/pg_dump", 0}});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(got.status().message(),
            "the server is PostgreSQL 18 and no pg_dump of 18 or newer is installed "
            "(/usr/bin/pg_dump is 15, /x/pg_dump is of unknown version)");
  ASSERT_TRUE(got.status().hint());
  EXPECT_NE(got.status().hint()->find("postgresql-client-18"), std::string::npos);
}

TEST(ChooseClient, OldServersCompareMajorAndMinor) {
  EXPECT_TRUE(ChooseClient("pg_dump", 90424, {{"a", 90400}}).ok());
  EXPECT_FALSE(ChooseClient("pg_dump", 90600, {{"a", 90424}}).ok());
}

}  // namespace
}  // namespace segstream
