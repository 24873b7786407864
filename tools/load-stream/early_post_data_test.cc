#include "tools/load-stream/early_post_data.h"

#include <gtest/gtest.h>

namespace segstream::load {
namespace {

const char* kListing =
    ";\n; Archive created at 2026-11-30\n;\n"
    "3201; 2606 16390 CONSTRAINT public a a_pkey postgres\n"
    "3202; 1259 16400 INDEX public a_v2 postgres\n"
    "3205; 1259 16401 INDEX public b idx postgres\n"
    "3207; 2606 16402 CONSTRAINT public b x b x_pkey postgres\n"
    "3208; 2606 16403 FK CONSTRAINT public b x b x_a_id_fkey postgres\n"
    "3209; 2620 16404 TRIGGER public a a_trigger postgres\n"
    "3210; 1259 16405 INDEX public other_idx postgres\n"
    "3359; 0 0 COMMENT public INDEX a_v2 postgres\n";

Json Announced() {
  return Json::parse(R"([
    {"schema": "public", "name": "a", "parts": 1, "indexes": ["a_pkey", "a_v2"]},
    {"schema": "public", "name": "b x", "parts": 2, "indexes": ["b idx", "b x_pkey"]}])");
}

TEST(SplitPostDataByTable, EachTableGetsItsOwnIndexesAndConstraints) {
  PostDataByTable split = SplitPostDataByTable(kListing, Announced());
  ASSERT_EQ(split.lines.size(), 2u);
  EXPECT_EQ(split.lines[TableName("public", "a")],
            "3201; 2606 16390 CONSTRAINT public a a_pkey postgres\n"
            "3202; 1259 16400 INDEX public a_v2 postgres\n");
  EXPECT_EQ(split.lines[TableName("public", "b x")],
            "3205; 1259 16401 INDEX public b idx postgres\n"
            "3207; 2606 16402 CONSTRAINT public b x b x_pkey postgres\n");
  EXPECT_EQ(split.ids[TableName("public", "a")], (std::set<long>{3201, 3202}));
  EXPECT_EQ(split.ids[TableName("public", "b x")], (std::set<long>{3205, 3207}));
}

TEST(SplitPostDataByTable, ForeignKeysTriggersCommentsAndUnknownIndexesWait) {
  PostDataByTable split = SplitPostDataByTable(kListing, Announced());
  for (const auto& [table, ids] : split.ids)
    for (long id : {3208L, 3209L, 3210L, 3359L}) EXPECT_FALSE(ids.count(id)) << id;
}

TEST(SplitPostDataByTable, TheLongestAnnouncedNameWins) {
  // Table "b" and table "b x" both exist: "CONSTRAINT public b x b x_pkey" is b x's.
  Json announced = Announced();
  announced.push_back({{"schema", "public"}, {"name", "b"}, {"parts", 1}});
  PostDataByTable split = SplitPostDataByTable(kListing, announced);
  EXPECT_EQ(split.ids[TableName("public", "b x")], (std::set<long>{3205, 3207}));
  EXPECT_FALSE(split.lines.count(TableName("public", "b")));
}

TEST(SplitPostDataByTable, MalformedAnnouncementsOnlyMakeEntriesWait) {
  for (const char* text :
       {"null", "{}", "[1, \"x\", {\"schema\": 1}]", R"([{"schema": "public", "name": "a",
         "indexes": [1, null, {"x": 1}]}])"}) {
    PostDataByTable split = SplitPostDataByTable(kListing, Json::parse(text));
    for (const auto& [table, ids] : split.ids)
      for (long id : ids) EXPECT_TRUE(id == 3201) << text << ": " << id;
  }
}

}  // namespace
}  // namespace segstream::load
