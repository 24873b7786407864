// The binary parsers of datum.h: each mirrors the PostgreSQL 15 receive function of its type
// (what COPY BINARY carries), validating what the server validates.
#include <climits>
#include <cstring>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/datum_support.h"

namespace segstream {
namespace {

using namespace datum_detail;

// numeric_recv: validates the header and digits, truncates digits the display scale would
// hide (trunc_var), then normalises like make_result().
bool ParseNumericBinary(std::string_view bytes, DatumBuffer* buffer, Datum* out,
                        std::string* error) {
  auto bad = [error](const char* detail) {
    return Fail(Failure::kBinary, PgType::kNumeric, "", error, detail);
  };
  if (bytes.size() < 8) return bad("too short");
  const size_t ndigits = LoadBe16(bytes.data());
  const int32_t weight = static_cast<int16_t>(LoadBe16(bytes.data() + 2));
  const uint16_t sign = LoadBe16(bytes.data() + 4);
  const uint16_t dscale = LoadBe16(bytes.data() + 6);
  if (bytes.size() != 8 + 2 * ndigits) return bad("length does not match digit count");
  NumericValue& v = out->numeric;
  v = NumericValue{};
  switch (sign) {
    case 0x0000: break;
    case 0x4000: v.negative = true; break;
    case 0xC000: v.kind = NumericKind::kNaN; break;
    case 0xD000: v.kind = NumericKind::kPlusInfinity; break;
    case 0xF000:
      v.kind = NumericKind::kMinusInfinity;
      v.negative = true;
      break;
    default: return bad("invalid sign");
  }
  if ((dscale & kNumericDscaleMax) != dscale) return bad("invalid scale");
  buffer->digits.resize(ndigits);
  for (size_t i = 0; i < ndigits; ++i) {
    const int16_t d = static_cast<int16_t>(LoadBe16(bytes.data() + 8 + 2 * i));
    if (d < 0 || d >= 10000) return bad("invalid digit");
    buffer->digits[i] = d;
  }
  if (v.kind != NumericKind::kFinite) return true;
  v.weight = weight;
  v.dscale = dscale;
  size_t kept = ndigits;
  const int64_t wanted = (int64_t{weight} + 1) * 4 + dscale;  // decimal digits kept
  if (wanted <= 0) {
    kept = 0;
  } else if (static_cast<size_t>((wanted + 3) / 4) <= ndigits) {
    kept = static_cast<size_t>((wanted + 3) / 4);
    static constexpr int16_t kRoundPowers[4] = {0, 1000, 100, 10};
    if (wanted % 4 != 0) {
      int16_t& d = buffer->digits[kept - 1];
      d = static_cast<int16_t>(d - d % kRoundPowers[wanted % 4]);
    }
  }
  NormaliseNumeric(buffer, kept, &v);
  if (v.weight > kNumericWeightMax || v.weight < kNumericWeightMin) {
    return NumericOverflow("(binary)", error);
  }
  return true;
}

}  // namespace

bool ParseBinaryValue(PgType type, std::string_view bytes, DatumBuffer* buffer, Datum* out,
                      std::string* error) {
  out->type = type;
  out->is_null = false;
  auto need = [&](size_t size) {
    return bytes.size() == size ||
           Fail(Failure::kBinary, type, "", error,
                ("expected " + std::to_string(size) + " bytes, got " + std::to_string(bytes.size()))
                    .c_str());
  };
  const char* p = bytes.data();
  switch (type) {
    case PgType::kBool:
      if (!need(1)) return false;
      out->integer = p[0] != 0;
      return true;
    case PgType::kChar:
      if (!need(1)) return false;
      out->integer = static_cast<uint8_t>(p[0]);
      return true;
    case PgType::kInt2:
      if (!need(2)) return false;
      out->integer = static_cast<int16_t>(LoadBe16(p));
      return true;
    case PgType::kInt4:
      if (!need(4)) return false;
      out->integer = static_cast<int32_t>(LoadBe32(p));
      return true;
    case PgType::kOid:
      if (!need(4)) return false;
      out->integer = LoadBe32(p);
      return true;
    case PgType::kInt8:
      if (!need(8)) return false;
      out->integer = static_cast<int64_t>(LoadBe64(p));
      return true;
    case PgType::kFloat4: {
      if (!need(4)) return false;
      uint32_t bits = LoadBe32(p);
      float f;
      std::memcpy(&f, &bits, 4);
      out->real = f;
      return true;
    }
    case PgType::kFloat8: {
      if (!need(8)) return false;
      uint64_t bits = LoadBe64(p);
      std::memcpy(&out->real, &bits, 8);
      return true;
    }
    case PgType::kNumeric: return ParseNumericBinary(bytes, buffer, out, error);
    case PgType::kText:
    case PgType::kVarchar:
    case PgType::kBpchar:
    case PgType::kBytea: out->bytes = bytes; return true;
    case PgType::kDate: {
      if (!need(4)) return false;
      int32_t d = static_cast<int32_t>(LoadBe32(p));
      if (d != INT32_MIN && d != INT32_MAX && (d < kMinDate || d >= kEndDate)) {
        return Fail(Failure::kBinary, type, "", error, "date out of range");
      }
      out->integer = d;
      return true;
    }
    case PgType::kTime: {
      if (!need(8)) return false;
      int64_t t = static_cast<int64_t>(LoadBe64(p));
      if (t < 0 || t > kUsecPerDay) {
        return Fail(Failure::kBinary, type, "", error, "time out of range");
      }
      out->integer = t;
      return true;
    }
    case PgType::kTimestamp:
    case PgType::kTimestamptz: {
      if (!need(8)) return false;
      int64_t t = static_cast<int64_t>(LoadBe64(p));
      if (t != INT64_MIN && t != INT64_MAX && (t < kMinTimestamp || t >= kEndTimestamp)) {
        return Fail(Failure::kBinary, type, "", error, "timestamp out of range");
      }
      out->integer = t;
      return true;
    }
    case PgType::kInterval:
      if (!need(16)) return false;
      out->interval =
          IntervalValue{static_cast<int64_t>(LoadBe64(p)), static_cast<int32_t>(LoadBe32(p + 8)),
                        static_cast<int32_t>(LoadBe32(p + 12))};
      return true;
    case PgType::kUuid:
      if (!need(16)) return false;
      std::memcpy(out->uuid.data(), p, 16);
      return true;
    case PgType::kInet:
    case PgType::kCidr: {
      // family, bits, is_cidr (ignored, as network_recv does), address length, address
      if (bytes.size() < 4) return Fail(Failure::kBinary, type, "", error, "too short");
      InetValue& v = out->inet;
      v = InetValue{};
      v.family = static_cast<uint8_t>(p[0]);
      v.bits = static_cast<uint8_t>(p[1]);
      const size_t len = static_cast<uint8_t>(p[3]);
      const size_t want = v.family == 2 ? 4 : v.family == 3 ? 16 : 0;
      if (want == 0) return Fail(Failure::kBinary, type, "", error, "invalid address family");
      if (v.bits > want * 8) return Fail(Failure::kBinary, type, "", error, "invalid bits");
      if (len != want || bytes.size() != 4 + want) {
        return Fail(Failure::kBinary, type, "", error, "invalid length");
      }
      std::memcpy(v.address.data(), p + 4, want);
      if (type == PgType::kCidr && !HostBitsClear(v)) {
        return Fail(Failure::kBinary, type, "", error, "bits set to right of mask");
      }
      return true;
    }
  }
  return false;
}

}  // namespace segstream
