#include <gtest/gtest.h>

#include "lib/common/base/text_escape.h"

namespace segstream {
namespace {

TEST(EscapeForMessage, PrintableUtf8PassesUnchanged) {
  EXPECT_EQ(EscapeForMessage("public.\"Order Items\""), "public.\"Order Items\"");
  EXPECT_EQ(EscapeForMessage("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x98"),
            "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x98");
  EXPECT_EQ(EscapeForMessage("C:\\path"), "C:\\path");
}

TEST(EscapeForMessage, ControlCharactersAreWrittenAsEscapes) {
  EXPECT_EQ(EscapeForMessage(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeForMessage("\x1b[2J\r\n\t\x7f"), "\\x1B[2J\\x0D\\x0A\\x09\\x7F");
  EXPECT_EQ(EscapeForMessage("\xc2\x9b"), "\\x9B");  // C1 CSI
}

TEST(EscapeForMessage, BidiControlsAreWrittenAsEscapes) {
  EXPECT_EQ(EscapeForMessage("evil\xe2\x80\xaegnp.exe"), "evil\\u{202E}gnp.exe");
  EXPECT_EQ(EscapeForMessage("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");
  EXPECT_EQ(EscapeForMessage("\xef\xbb\xbf"), "\\u{FEFF}");
}

TEST(EscapeForMessage, InvalidUtf8IsWrittenByteByByte) {
  EXPECT_EQ(EscapeForMessage("\xff\xfe"), "\\xFF\\xFE");
  EXPECT_EQ(EscapeForMessage("\xc0\xaf"), "\\xC0\\xAF");           // overlong '/'
  EXPECT_EQ(EscapeForMessage("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(EscapeForMessage("ab\xe2\x80"), "ab\\xE2\\x80");       // cut short
}

TEST(EscapeForMessage, ABackslashThatWouldReadAsAnEscapeIsDoubled) {
  EXPECT_EQ(EscapeForMessage("\\x1B"), "\\\\x1B");
  EXPECT_EQ(EscapeForMessage("\\u{202E}"), "\\\\u{202E}");
}

TEST(ShellQuote, OneWordWhateverTheBytes) {
  EXPECT_EQ(ShellQuote("plain"), "'plain'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's; $(rm -rf /) `x`"), "'it'\\''s; $(rm -rf /) `x`'");
}

}  // namespace
}  // namespace segstream
