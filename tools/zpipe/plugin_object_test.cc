#include "tools/zpipe/plugin_object.h"

#include <gtest/gtest.h>

namespace segstream::plugin {
namespace {

TEST(PluginObject, GpbackupPathsGoUnderTheirBackupFolder) {
  auto o = ObjectForKey(
      "/data/gpseg0/backups/20240101/20240101120000/gpbackup_0_20240101120000_16384.gz");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->folder, "backups/20240101/20240101120000");
  EXPECT_EQ(o->file, "gpbackup_0_20240101120000_16384.gz.sgs");
  EXPECT_EQ(o->RelativePath(),
            "backups/20240101/20240101120000/gpbackup_0_20240101120000_16384.gz.sgs");
}

TEST(PluginObject, OtherKeysAreOneEscapedFileAtTheTop) {
  auto o = ObjectForKey("app_3.sgs");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->RelativePath(), "app_3.sgs.sgs");
  // A date folder that is not the timestamp's own date is not gpbackup's layout.
  auto odd = ObjectForKey("/x/backups/20240102/20240101120000/f");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->folder, "");
  EXPECT_EQ(odd->file, "%2Fx%2Fbackups%2F20240102%2F20240101120000%2Ff.sgs");
}

TEST(PluginObject, HostileKeysStayOneComponent) {
  EXPECT_EQ(EscapeComponent(".."), "%2E.");
  EXPECT_EQ(EscapeComponent("../../etc/passwd"), "%2E.%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(EscapeComponent("a%2Fb"), "a%252Fb");  // no two keys share a name
  EXPECT_EQ(EscapeComponent("new\nline\x7f"), "new%0Aline%7F");
  EXPECT_EQ(EscapeComponent("$(rm -rf ~)'\";"), "$(rm -rf ~)'\";");  // quoted, not escaped
  auto dots = ObjectForKey("/d/backups/20240101/20240101120000/..");
  ASSERT_TRUE(dots.ok());
  EXPECT_EQ(dots->file, "%2E..sgs");
  EXPECT_FALSE(ObjectForKey("").ok());
}

TEST(PluginObject, TimestampFolder) {
  auto f = FolderForTimestamp("20240101120000");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, "backups/20240101/20240101120000");
  EXPECT_FALSE(FolderForTimestamp("2024010112000").ok());
  EXPECT_FALSE(FolderForTimestamp("../../../etc/x").ok());
  EXPECT_FALSE(FolderForTimestamp("2024010112000a").ok());
}

TEST(PluginObject, OffsetsAsGprestoreWritesThem) {
  auto r = ParseOffsets("2 0 700000 900000 900001");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].begin, 0u);
  EXPECT_EQ((*r)[0].end, 700000u);
  EXPECT_EQ((*r)[1].begin, 900000u);
  EXPECT_EQ((*r)[1].end, 900001u);
  EXPECT_TRUE(ParseOffsets("0").ok());
  EXPECT_FALSE(ParseOffsets("").ok());
  EXPECT_FALSE(ParseOffsets("2 0 10").ok());
  EXPECT_FALSE(ParseOffsets("1 10 5").ok());
  EXPECT_FALSE(ParseOffsets("1 -1 5").ok());
  EXPECT_FALSE(ParseOffsets("1 0x10 20").ok());
  EXPECT_FALSE(ParseOffsets("18446744073709551615 0 1").ok());
}

}  // namespace
}  // namespace segstream::plugin
