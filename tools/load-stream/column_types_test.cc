// The first of the two checks a stream's column type passes before it reaches CREATE TABLE
// (the second, on a real server, is in load-stream.bats): every type format_type() writes
// reads back as itself, and everything else is refused.
#include <gtest/gtest.h>

#include "tools/load-stream/column_types.h"

namespace segstream::load {
namespace {

TEST(LexTypeName, EveryFormatTypeSpellingReadsBackAsItself) {
  for (const char* type : {"integer",
                           "bigint",
                           "text",
                           "character varying(20)",
                           "character(3)",
                           "numeric(12,2)",
                           "numeric",
                           "timestamp(3) with time zone",
                           "timestamp without time zone",
                           "time(6) without time zone",
                           "interval",
                           "interval day to second(3)",
                           "interval year to month",
                           "bit varying(5)",
                           "double precision",
                           "integer[]",
                           "character varying(20)[]",
                           "text[][]",
                           "\"char\"",
                           "public.\"My Type\"",
                           "myschema.mytype",
                           "\"we\"\"ird\"",
                           "public.\"ty;pe\"[]",
                           "tsvector",
                           "jsonb"}) {
    auto lexed = LexTypeName(type);
    ASSERT_TRUE(lexed.ok()) << type << ": " << lexed.status().ToString();
    EXPECT_EQ(lexed->text, type);
  }
}

TEST(LexTypeName, ModifiersAreNoted) {
  EXPECT_TRUE(LexTypeName("numeric(12,2)")->has_modifiers);
  EXPECT_TRUE(LexTypeName("timestamp(3) with time zone")->has_modifiers);
  EXPECT_FALSE(LexTypeName("integer[]")->has_modifiers);
}

TEST(LexTypeName, WhitespaceAndArrayBoundsAreNormalized) {
  EXPECT_EQ(LexTypeName("  character   varying ( 20 , 3 ) ")->text, "character varying(20,3)");
  EXPECT_EQ(LexTypeName("integer[3][]")->text, "integer[][]");
  EXPECT_EQ(LexTypeName("public . t")->text, "public.t");
}

// Regression: a column type was pasted into CREATE TABLE and sent as a multi-statement
// query, so a stream could drop and create tables on the target.
TEST(LexTypeName, HostileTypesAreRefused) {
  for (const char* type : {
           "integer); drop table canary; create table zz(a int",
           "integer default (select 1) check ((select count(*) from canary) > 0)",
           "integer default 5",
           "int; drop table x",
           "int -- comment",
           "int /* comment */",
           "numeric(1+1)",
           "numeric(a)",
           "numeric((1))",
           "numeric(1)(2)",
           "varchar(",
           "\"unterminated",
           "\"\"",
           "int'",
           "$1",
           "int[] text",
           "int[",
           ".int",
           "int.",
           "int\n; drop",
           "int\x1b[2J",
           "",
           "   ",
           "e'\\x41'",
       }) {
    auto lexed = LexTypeName(type);
    EXPECT_FALSE(lexed.ok()) << "accepted: " << type << " as " << lexed->text;
    if (!lexed.ok()) {
      EXPECT_EQ(lexed.status().kind(), ErrorKind::kCorrupt);
    }
  }
  EXPECT_FALSE(LexTypeName(std::string("in\0t", 4)).ok());
  EXPECT_FALSE(LexTypeName(std::string("\"in\0t\"", 6)).ok());
  EXPECT_FALSE(LexTypeName(std::string(500, 'a')).ok());
}

// Names alone pass the lexer ("integer not null"): it is the server that refuses to read
// them as one type (load-stream.bats). They can only ever be identifiers or keywords.
TEST(LexTypeName, NamesAlonePassTheLexer) {
  EXPECT_EQ(LexTypeName("integer not null")->text, "integer not null");
  EXPECT_EQ(LexTypeName("text collate \"C\"")->text, "text collate \"C\"");
}

TEST(WithoutTypeModifiers, DropsEveryModifierGroupButKeepsQuotedNames) {
  EXPECT_EQ(WithoutTypeModifiers("character varying(20)"), "character varying");
  EXPECT_EQ(WithoutTypeModifiers("character varying(20)[]"), "character varying[]");
  EXPECT_EQ(WithoutTypeModifiers("numeric(12,2)"), "numeric");
  EXPECT_EQ(WithoutTypeModifiers("timestamp(3) without time zone"), "timestamp without time zone");
  EXPECT_EQ(WithoutTypeModifiers("integer"), "integer");
  EXPECT_EQ(WithoutTypeModifiers("public.\"odd(type\""), "public.\"odd(type\"");
  // Unbalanced input (a hostile stream) loses what follows and never reads out of bounds.
  EXPECT_EQ(WithoutTypeModifiers("numeric((("), "numeric");
  EXPECT_EQ(WithoutTypeModifiers("numeric)))"), "numeric)))");
}

}  // namespace
}  // namespace segstream::load
