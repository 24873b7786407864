#include "lib/common/format/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace segstream {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<std::string> RowsOf(std::span<const uint8_t> payload) {
  auto view = DataPayloadView::Parse(payload);
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  std::vector<std::string> rows;
  if (!view.ok()) return rows;
  std::span<const uint8_t> row;
  for (auto it = view->begin(); it.Next(&row);) rows.emplace_back(row.begin(), row.end());
  return rows;
}

// Payload() puts the count and lengths in the room before the rows. 40,000 one-byte rows
// need more room than it starts with (it widens, once), rows of 200 bytes two length bytes.
TEST(DataPayloadBuilder, PayloadInPlaceMatchesSerializeAcrossFramesAndWidening) {
  DataPayloadBuilder builder;
  for (int frame = 0; frame < 3; ++frame) {
    std::vector<std::string> rows;
    const int count = frame == 1 ? 40000 : 500;
    for (int i = 0; i < count; ++i)
      rows.push_back(i % 3 == 0 ? std::string(200, static_cast<char>('a' + i % 26))
                                : std::string(1, static_cast<char>('0' + i % 10)));
    if (frame == 1)
      for (auto& r : rows) r.resize(1);
    for (const auto& r : rows) builder.AddRow(Bytes(r));
    EXPECT_EQ(builder.row_count(), rows.size());
    std::span<const uint8_t> payload = builder.Payload();
    EXPECT_EQ(payload.size(), builder.payload_size());
    EXPECT_EQ(RowsOf(payload), rows);
    std::vector<uint8_t> serialized = {0xEE};  // SerializeTo appends
    builder.SerializeTo(&serialized);
    EXPECT_TRUE(builder.empty());
    ASSERT_EQ(serialized.size(), 1 + payload.size());
    EXPECT_EQ(RowsOf(std::span<const uint8_t>(serialized).subspan(1)), rows);
  }
}

}  // namespace
}  // namespace segstream
