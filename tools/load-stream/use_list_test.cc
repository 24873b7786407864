#include "tools/load-stream/use_list.h"

#include <gtest/gtest.h>

namespace segstream::load {
namespace {

using Names = std::set<std::pair<std::string, std::string>>;

TEST(UseList, ReadsSchemaIdsTablesAndSequencesAndSkipsComments) {
  auto list = ParseUseList(
      "; stream 1, section pre-data\n"
      ";\n"
      "215; 1259 16385 TABLE public a postgres\n"
      ";216; 1259 16391 TABLE public b postgres\n"
      "  3204; 1259 16399 INDEX public b_x_idx postgres\r\n"
      "\n"
      "0; 0 0 TABLE DATA public a -\n"
      "0; 0 0 TABLE DATA \"Mixed Case\" \"Order \"\"Items\"\"\" -\n"
      ";0; 0 0 TABLE DATA public b -\n"
      "0; 0 0 SEQUENCE SET public a_id_seq 41\n");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->ids, (std::set<long>{215, 3204}));
  EXPECT_EQ(list->tables, (Names{{"public", "a"}, {"Mixed Case", "Order \"Items\""}}));
  EXPECT_EQ(list->sequences, (Names{{"public", "a_id_seq"}}));
}

TEST(UseList, RefusesWhatIsNotAListLineAndSaysWhere) {
  auto list = ParseUseList("215; 1259 16385 TABLE public a postgres\nDROP TABLE x;\n");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(list.status().message().rfind("line 2 of the list", 0), 0u);
  EXPECT_FALSE(ParseUseList("0; 0 0 TABLE DATA \"unterminated -\n").ok());
  EXPECT_FALSE(ParseUseList("0; 0 0 TABLE DATA public\n").ok());
}

TEST(UseList, SelectsTheListedIdsOfAnArchiveListing) {
  auto list = ParseUseList("3204; 1259 16399 INDEX public b_x_idx postgres\n");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(SelectFromListing(";\n; Archive\n3203; 2606 16390 CONSTRAINT public a a_pkey postgres\n"
                              "3204; 1259 16399 INDEX public b_x_idx postgres\n",
                              *list),
            "3204; 1259 16399 INDEX public b_x_idx postgres\n");
}

}  // namespace
}  // namespace segstream::load
