#include "lib/common/format/stream_meta.h"

#include <gtest/gtest.h>

namespace segstream {
namespace {

// segstream(5): "Readers keep keys they do not know." A newer writer's keys must survive a
// reader that passes the metadata on (segsplit, segmerge, zpipe rewrite headers).
TEST(StreamMeta, UnknownHeaderKeysSurviveARoundTrip) {
  Json header = Json::parse(R"({"producer":"later","copy_format":"csv","encoding":"UTF8",
                                "future_key":{"nested":[1,2]},"another":"x"})");
  auto info = StreamInfo::FromJson(header);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->copy_format, CopyFormat::kCsv);
  Json back = info->ToJson();
  EXPECT_EQ(back["future_key"], header["future_key"]);
  EXPECT_EQ(back["another"], "x");
  EXPECT_EQ(back["copy_format"], "csv");
}

TEST(StreamMeta, UnknownTableAndSectionKeysSurviveARoundTrip) {
  Json table = Json::parse(R"({"schema":"s","name":"t","columns":[{"name":"a","type":"int"}],
                               "compression_hint":"zstd"})");
  auto info = TableInfo::FromJson(table);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->ToJson()["compression_hint"], "zstd");
  Json section = Json::parse(R"({"section":"sequences","sql":"","sequences":[],"v2":true})");
  auto sql = SqlSection::FromJson(section);
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(sql->ToJson()["v2"], true);
}

TEST(StreamMeta, AnUnknownCopyFormatIsCorruption) {
  auto info = StreamInfo::FromJson(Json::parse(R"({"copy_format":"xml"})"));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().kind(), ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace segstream
