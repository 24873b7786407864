// The text parsers of datum.h: each mirrors the PostgreSQL 15 input function of its type for
// everything COPY TO can print, and rejects the rest; datum_test.cc pins that behaviour to
// values checked against a real server.
#include <locale.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/datum_support.h"

namespace segstream {
namespace {

using namespace datum_detail;

// ---- integers, bool, "char" ----------------------------------------------------------------

enum class IntResult { kOk, kSyntax, kRange };

// pg_strtoint16/32/64: blanks around, an optional sign, decimal digits; overflow is detected
// while scanning, as in PostgreSQL.
IntResult ParseInteger(std::string_view s, int64_t min, int64_t max, int64_t* out) {
  size_t i = 0, n = s.size();
  while (i < n && IsSpace(s[i])) ++i;
  bool negative = false;
  if (i < n && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  uint64_t limit = negative ? static_cast<uint64_t>(-(min + 1)) + 1 : static_cast<uint64_t>(max);
  uint64_t value = 0;
  size_t digits_begin = i;
  while (i < n && IsDigit(s[i])) {
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (__builtin_mul_overflow(value, uint64_t{10}, &value) ||
        __builtin_add_overflow(value, d, &value) || value > limit) {
      return IntResult::kRange;
    }
    ++i;
  }
  if (i == digits_begin) return IntResult::kSyntax;
  while (i < n && IsSpace(s[i])) ++i;
  if (i != n) return IntResult::kSyntax;
  *out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return IntResult::kOk;
}

bool ParseIntegerText(PgType type, std::string_view text, int64_t min, int64_t max, Datum* out,
                      std::string* error) {
  switch (ParseInteger(text, min, max, &out->integer)) {
    case IntResult::kOk: return true;
    case IntResult::kSyntax: return Fail(Failure::kSyntax, type, text, error);
    case IntResult::kRange: return Fail(Failure::kRange, type, text, error);
  }
  return false;
}

// oidin accepts -2^31..2^32-1 and wraps negatives, as strtoul() does.
bool ParseOidText(std::string_view text, Datum* out, std::string* error) {
  int64_t v;
  switch (ParseInteger(text, INT32_MIN, UINT32_MAX, &v)) {
    case IntResult::kOk: out->integer = static_cast<uint32_t>(v); return true;
    case IntResult::kSyntax: return Fail(Failure::kSyntax, PgType::kOid, text, error);
    case IntResult::kRange: return Fail(Failure::kRange, PgType::kOid, text, error);
  }
  return false;
}

// boolin: any unique prefix of true/false/yes/no, on/off, or exactly 1/0, any case.
bool ParseBoolText(std::string_view text, Datum* out, std::string* error) {
  std::string_view s = TrimSpaces(text);
  auto is_prefix_of = [&s](std::string_view word, size_t min_len) {
    return s.size() >= min_len && s.size() <= word.size() &&
           EqualsIgnoreCase(s, word.substr(0, s.size()));
  };
  if (is_prefix_of("true", 1) || is_prefix_of("yes", 1) || is_prefix_of("on", 2) || s == "1") {
    out->integer = 1;
    return true;
  }
  if (is_prefix_of("false", 1) || is_prefix_of("no", 1) || is_prefix_of("off", 2) || s == "0") {
    out->integer = 0;
    return true;
  }
  return Fail(Failure::kSyntax, PgType::kBool, text, error);
}

// charin: "\ooo" (how PostgreSQL 15 prints bytes >= 0x80) or else the first byte, 0 if empty.
bool ParseCharText(std::string_view text, Datum* out) {
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  if (text.size() == 4 && text[0] == '\\' && octal(text[1]) && octal(text[2]) && octal(text[3])) {
    out->integer = ((text[1] - '0') << 6 | (text[2] - '0') << 3 | (text[3] - '0')) & 0xff;
  } else {
    out->integer = text.empty() ? 0 : static_cast<uint8_t>(text[0]);
  }
  return true;
}

// ---- floats --------------------------------------------------------------------------------

// float4in/float8in hand the text to strtof/strtod in the C locale and then special-case a
// few words and out-of-range results; this does the same with the same library.
locale_t CLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return locale;
}

bool StartsWithIgnoreCase(const char* s, std::string_view word) {
  for (size_t i = 0; i < word.size(); ++i) {
    if (s[i] == '\0' || ToLower(s[i]) != ToLower(word[i])) return false;
  }
  return true;
}

bool ParseFloatText(PgType type, std::string_view text, DatumBuffer* buffer, Datum* out,
                    std::string* error) {
  if (text.find('\0') != std::string_view::npos) {
    return Fail(Failure::kSyntax, type, text, error);
  }
  char small[128];
  const char* num;
  if (text.size() < sizeof small) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
    num = small;
  } else {
    buffer->terminated.assign(text);
    num = buffer->terminated.c_str();
  }
  while (IsSpace(*num)) ++num;
  if (*num == '\0') return Fail(Failure::kSyntax, type, text, error);

  const bool is_float4 = type == PgType::kFloat4;
  char* end = nullptr;
  errno = 0;
  double value = is_float4 ? static_cast<double>(strtof_l(num, &end, CLocale()))
                           : strtod_l(num, &end, CLocale());
  const char* endp = end;
  if (endp == num || errno != 0) {
    const int saved_errno = errno;
    static constexpr struct {
      std::string_view word;
      double value;
    } kWords[] = {
        {"NaN", NAN},
        {"Infinity", INFINITY},
        {"+Infinity", INFINITY},
        {"-Infinity", -INFINITY},
        {"inf", INFINITY},
        {"+inf", INFINITY},
        {"-inf", -INFINITY},
    };
    bool matched = false;
    for (const auto& w : kWords) {
      if (StartsWithIgnoreCase(num, w.word)) {
        value = w.value;
        endp = num + w.word.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (saved_errno != ERANGE) return Fail(Failure::kSyntax, type, text, error);
      // Underflow to a denormal is accepted; to zero, or overflow, is not.
      if (value == 0.0 || std::isinf(value)) {
        if (error != nullptr) {
          *error = Quoted(text) + " is out of range for type " + SqlName(type);
        }
        return false;
      }
    }
  }
  while (IsSpace(*endp)) ++endp;
  if (*endp != '\0') return Fail(Failure::kSyntax, type, text, error);
  out->real = value;
  return true;
}

// numeric_in: blanks, sign, digits with an optional point, optional exponent; or NaN and the
// infinities. The decimal digits are regrouped into base-10000 digits aligned on the point.
bool ParseNumericText(std::string_view text, DatumBuffer* buffer, Datum* out, std::string* error) {
  std::string_view s = TrimSpaces(text);
  NumericValue& v = out->numeric;
  v = NumericValue{};
  if (EqualsIgnoreCase(s, "NaN")) {
    v.kind = NumericKind::kNaN;
    return true;
  }
  if (EqualsIgnoreCase(s, "Infinity") || EqualsIgnoreCase(s, "+Infinity") ||
      EqualsIgnoreCase(s, "inf") || EqualsIgnoreCase(s, "+inf")) {
    v.kind = NumericKind::kPlusInfinity;
    return true;
  }
  if (EqualsIgnoreCase(s, "-Infinity") || EqualsIgnoreCase(s, "-inf")) {
    v.kind = NumericKind::kMinusInfinity;
    v.negative = true;
    return true;
  }

  size_t i = 0, n = s.size();
  bool negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const size_t int_begin = i;
  while (i < n && IsDigit(s[i])) ++i;
  const size_t int_len = i - int_begin;
  size_t frac_begin = i, frac_len = 0;
  if (i < n && s[i] == '.') {
    frac_begin = ++i;
    while (i < n && IsDigit(s[i])) ++i;
    frac_len = i - frac_begin;
  }
  if (int_len + frac_len == 0) return Fail(Failure::kSyntax, PgType::kNumeric, text, error);
  int64_t exponent = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i == n || !IsDigit(s[i])) return Fail(Failure::kSyntax, PgType::kNumeric, text, error);
    while (i < n && IsDigit(s[i])) {
      if (exponent < INT_MAX) exponent = exponent * 10 + (s[i] - '0');  // saturates
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return Fail(Failure::kSyntax, PgType::kNumeric, text, error);
  if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2)) {
    return NumericOverflow(text, error);
  }
  int64_t dscale = static_cast<int64_t>(frac_len) - exponent;
  if (dscale < 0) dscale = 0;
  if (dscale > kNumericDscaleMax) return NumericOverflow(text, error);

  // Decimal digit k (0-based over integer then fraction digits) has power of ten
  // top_power - k; it belongs to base-10000 digit floor(power / 4).
  const size_t total = int_len + frac_len;
  auto digit_at = [&](size_t k) {
    return k < int_len ? s[int_begin + k] - '0' : s[frac_begin + (k - int_len)] - '0';
  };
  size_t first = 0;
  while (first < total && digit_at(first) == 0) ++first;
  v.dscale = static_cast<int32_t>(dscale);
  if (first == total) return true;  // zero: positive, weight 0, no digits
  size_t last = total - 1;
  while (digit_at(last) == 0) --last;
  const int64_t top_power = static_cast<int64_t>(int_len) - 1 + exponent;
  const int64_t weight = FloorDiv(top_power - static_cast<int64_t>(first), 4);
  const int64_t last_group = FloorDiv(top_power - static_cast<int64_t>(last), 4);
  if (weight > kNumericWeightMax || last_group < kNumericWeightMin) {
    return NumericOverflow(text, error);
  }
  const size_t ndigits = static_cast<size_t>(weight - last_group + 1);
  buffer->digits.assign(ndigits, 0);
  static constexpr int16_t kPow10[4] = {1, 10, 100, 1000};
  for (size_t k = first; k <= last; ++k) {
    const int64_t power = top_power - static_cast<int64_t>(k);
    const int64_t group = FloorDiv(power, 4);
    buffer->digits[static_cast<size_t>(weight - group)] +=
        static_cast<int16_t>(digit_at(k) * kPow10[power - group * 4]);
  }
  v.negative = negative;
  v.weight = static_cast<int32_t>(weight);
  v.digits = std::span<const int16_t>(buffer->digits.data(), ndigits);
  return true;
}

// ---- dates and times -----------------------------------------------------------------------

// Days since 2000-01-01 of a proleptic Gregorian date (astronomical year: 1 BC is 0).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 - 10957;
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// A cursor over a date/time string.
struct Scanner {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i == s.size(); }
  bool Peek(char c) const { return i < s.size() && s[i] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++i;
    return true;
  }
  void SkipSpaces() {
    while (i < s.size() && IsSpace(s[i])) ++i;
  }
  // Reads between min and max decimal digits.
  bool Digits(size_t min, size_t max, int64_t* value) {
    size_t begin = i;
    int64_t v = 0;
    while (i < s.size() && IsDigit(s[i]) && i - begin < max) v = v * 10 + (s[i++] - '0');
    if (i - begin < min || (i < s.size() && IsDigit(s[i]))) return false;
    *value = v;
    return true;
  }
  bool TakeWordIgnoreCase(std::string_view word) {
    if (s.size() - i < word.size() || !EqualsIgnoreCase(s.substr(i, word.size()), word)) {
      return false;
    }
    i += word.size();
    return true;
  }
};

// ".ddd" after seconds, as microseconds rounded the way PostgreSQL does (rint of the
// fraction times 10^6, so more than 6 digits round half to even).
bool FractionUsec(Scanner* sc, int64_t* usec) {
  *usec = 0;
  if (!sc->Take('.')) return true;
  size_t begin = sc->i;
  while (sc->i < sc->s.size() && IsDigit(sc->s[sc->i])) ++sc->i;
  size_t len = sc->i - begin;
  if (len == 0) return true;  // "12:00:00." is accepted as no fraction
  if (len <= 6) {
    int64_t v = 0;
    for (size_t k = 0; k < 6; ++k) v = v * 10 + (k < len ? sc->s[begin + k] - '0' : 0);
    *usec = v;
    return true;
  }
  char buf[64];
  if (len > sizeof buf - 3) len = sizeof buf - 3;  // digits past ~60 cannot change the result
  buf[0] = '0';
  buf[1] = '.';
  std::memcpy(buf + 2, sc->s.data() + begin, len);
  buf[len + 2] = '\0';
  *usec = static_cast<int64_t>(std::rint(strtod_l(buf, nullptr, CLocale()) * 1e6));
  return true;
}

// "HH:MM[:SS[.ffffff]]" as microseconds since midnight, validated like ValidateTime():
// 24:00:00 is allowed, and so is a leap second 60.
bool ClockUsec(Scanner* sc, int64_t* usec) {
  int64_t h, m, s = 0, frac = 0;
  if (!sc->Digits(1, 2, &h) || !sc->Take(':') || !sc->Digits(2, 2, &m)) return false;
  if (sc->Take(':')) {
    if (!sc->Digits(2, 2, &s) || !FractionUsec(sc, &frac)) return false;
  }
  if (m > 59 || s > 60 || h > 24 || frac > kUsecPerSec ||
      (h == 24 && (m > 0 || s > 0 || frac > 0))) {
    return false;
  }
  *usec = ((h * 60 + m) * 60 + s) * kUsecPerSec + frac;
  return true;
}

// "+HH", "+HH:MM", "+HH:MM:SS", "+HHMM" or "+HHMMSS", as seconds east of UTC.
bool UtcOffset(Scanner* sc, int64_t* seconds_east, bool* present) {
  *present = false;
  if (!sc->Peek('+') && !sc->Peek('-')) return true;
  const bool negative = sc->s[sc->i++] == '-';
  int64_t h = 0, m = 0, s = 0;
  size_t begin = sc->i;
  while (sc->i < sc->s.size() && IsDigit(sc->s[sc->i])) ++sc->i;
  std::string_view digits = sc->s.substr(begin, sc->i - begin);
  auto num = [](std::string_view d) {
    int64_t v = 0;
    for (char c : d) v = v * 10 + (c - '0');
    return v;
  };
  if (digits.size() == 1 || digits.size() == 2) {
    h = num(digits);
    if (sc->Take(':')) {
      if (!sc->Digits(2, 2, &m)) return false;
      if (sc->Take(':') && !sc->Digits(2, 2, &s)) return false;
    }
  } else if (digits.size() == 4 || digits.size() == 6) {
    h = num(digits.substr(0, 2));
    m = num(digits.substr(2, 2));
    if (digits.size() == 6) s = num(digits.substr(4, 2));
  } else {
    return false;
  }
  if (h > 15 || m > 59 || s > 59) return false;  // PostgreSQL's displacement limit
  *seconds_east = (negative ? -1 : 1) * (h * 3600 + m * 60 + s);
  *present = true;
  return true;
}

// "YYYY-MM-DD" with a year of at least four digits (shorter years would be subject to the
// server's two-digit-year rules). The era (" BC") is applied later by ResolveEra().
struct YearMonthDay {
  int64_t year;
  int month;
  int day;
};
bool CalendarDate(Scanner* sc, YearMonthDay* ymd) {
  int64_t y, m, d;
  if (!sc->Digits(4, 9, &y) || !sc->Take('-') || !sc->Digits(2, 2, &m) || !sc->Take('-') ||
      !sc->Digits(2, 2, &d)) {
    return false;
  }
  ymd->year = y;
  ymd->month = static_cast<int>(m);
  ymd->day = static_cast<int>(d);
  return true;
}

// Applies a trailing " BC" (or the redundant " AD") to the year.
void ResolveEra(Scanner* sc, YearMonthDay* ymd) {
  const size_t before = sc->i;
  sc->SkipSpaces();
  if (sc->TakeWordIgnoreCase("BC")) {
    ymd->year = 1 - ymd->year;  // astronomical numbering: 1 BC is year 0
  } else if (!sc->TakeWordIgnoreCase("AD")) {
    sc->i = before;
  }
}

// Year 0 does not exist in either era; the caller passes whether the text said 0.
bool ValidCalendarDate(int64_t astronomical_year, int month, int day, bool was_year_zero) {
  static constexpr int kDays[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                       {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
  if (was_year_zero || month < 1 || month > 12 || day < 1) return false;
  return day <= kDays[IsLeap(astronomical_year) ? 1 : 0][month - 1];
}

enum class Special { kNone, kMinusInfinity, kPlusInfinity };
Special InfinityWord(std::string_view s) {
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return Special::kPlusInfinity;
  }
  if (EqualsIgnoreCase(s, "-infinity")) return Special::kMinusInfinity;
  return Special::kNone;
}

bool ParseDateText(std::string_view text, Datum* out, std::string* error) {
  std::string_view s = TrimSpaces(text);
  switch (InfinityWord(s)) {
    case Special::kPlusInfinity: out->integer = INT32_MAX; return true;
    case Special::kMinusInfinity: out->integer = INT32_MIN; return true;
    case Special::kNone: break;
  }
  Scanner sc{s};
  YearMonthDay ymd;
  if (!CalendarDate(&sc, &ymd)) return Fail(Failure::kSyntax, PgType::kDate, text, error);
  const bool year_zero = ymd.year == 0;
  ResolveEra(&sc, &ymd);
  if (!sc.done()) return Fail(Failure::kSyntax, PgType::kDate, text, error);
  if (!ValidCalendarDate(ymd.year, ymd.month, ymd.day, year_zero)) {
    return Fail(Failure::kRange, PgType::kDate, text, error);
  }
  const int64_t days = DaysFromCivil(ymd.year, ymd.month, ymd.day);
  if (days < kMinDate || days >= kEndDate) {
    return Fail(Failure::kRange, PgType::kDate, text, error);
  }
  out->integer = days;
  return true;
}

// timestamp and timestamptz: "YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH[:MM[:SS]]][ BC]".
bool ParseTimestampText(PgType type, std::string_view text, Datum* out, std::string* error) {
  std::string_view s = TrimSpaces(text);
  switch (InfinityWord(s)) {
    case Special::kPlusInfinity: out->integer = INT64_MAX; return true;
    case Special::kMinusInfinity: out->integer = INT64_MIN; return true;
    case Special::kNone: break;
  }
  Scanner sc{s};
  YearMonthDay ymd;
  if (!CalendarDate(&sc, &ymd)) return Fail(Failure::kSyntax, type, text, error);
  int64_t clock = 0, offset = 0;
  bool has_offset = false;
  const size_t after_date = sc.i;
  if (sc.Take(' ') || sc.Take('T')) {
    sc.SkipSpaces();
    if (sc.i < sc.s.size() && IsDigit(sc.s[sc.i])) {
      if (!ClockUsec(&sc, &clock)) return Fail(Failure::kSyntax, type, text, error);
      sc.SkipSpaces();
      if (!UtcOffset(&sc, &offset, &has_offset)) return Fail(Failure::kSyntax, type, text, error);
    } else {
      sc.i = after_date;  // a date alone, perhaps followed by " BC"
    }
  }
  const bool year_zero = ymd.year == 0;
  ResolveEra(&sc, &ymd);
  if (!sc.done()) return Fail(Failure::kSyntax, type, text, error);
  if (!ValidCalendarDate(ymd.year, ymd.month, ymd.day, year_zero) || ymd.year > 300000 ||
      ymd.year < -5000) {
    return Fail(Failure::kRange, type, text, error);
  }
  if (type == PgType::kTimestamptz && !has_offset) {
    return Fail(Failure::kUnsupported, type, text, error,
                "no UTC offset, so the dump session's TimeZone would be needed");
  }
  int64_t usec = DaysFromCivil(ymd.year, ymd.month, ymd.day) * kUsecPerDay + clock;
  // timestamp without time zone ignores an offset, as timestamp_in does.
  if (type == PgType::kTimestamptz) usec -= offset * kUsecPerSec;
  if (usec < kMinTimestamp || usec >= kEndTimestamp) {
    return Fail(Failure::kRange, type, text, error);
  }
  out->integer = usec;
  return true;
}

bool ParseTimeText(std::string_view text, Datum* out, std::string* error) {
  Scanner sc{TrimSpaces(text)};
  int64_t clock, offset;
  bool has_offset;
  // time_in ignores a UTC offset too.
  if (!ClockUsec(&sc, &clock) || !UtcOffset(&sc, &offset, &has_offset) || !sc.done()) {
    return Fail(Failure::kSyntax, PgType::kTime, text, error);
  }
  out->integer = clock;
  return true;
}

// IntervalStyle postgres: "[-]N year[s] [-]N mon[s] [-]N day[s] [-]H:MM:SS[.ffffff]", each
// part optional and signed on its own, e.g. "-1 days +02:03:00".
bool ParseIntervalText(std::string_view text, Datum* out, std::string* error) {
  Scanner sc{TrimSpaces(text)};
  auto syntax = [&] { return Fail(Failure::kSyntax, PgType::kInterval, text, error); };
  auto range = [&] {
    if (error != nullptr) *error = "interval out of range: " + Quoted(text);
    return false;
  };
  if (sc.done()) return syntax();
  int64_t months = 0, days = 0, time = 0;
  bool seen_time = false, seen_year = false, seen_mon = false, seen_day = false;
  while (!sc.done()) {
    bool negative = false;
    if (sc.Peek('+') || sc.Peek('-')) negative = sc.s[sc.i++] == '-';
    size_t begin = sc.i;
    uint64_t amount = 0;
    while (sc.i < sc.s.size() && IsDigit(sc.s[sc.i])) {
      if (amount > (uint64_t{INT64_MAX} - 9) / 10) return range();
      amount = amount * 10 + static_cast<uint64_t>(sc.s[sc.i++] - '0');
    }
    if (sc.i == begin) return syntax();
    if (sc.Take(':')) {
      int64_t m, s = 0, frac = 0;
      if (seen_time || !sc.Digits(2, 2, &m)) return syntax();
      if (sc.Take(':') && (!sc.Digits(2, 2, &s) || !FractionUsec(&sc, &frac))) return syntax();
      if (m > 59 || s > 59) return range();
      __int128 t = static_cast<__int128>(amount) * 3600 * kUsecPerSec +
                   static_cast<__int128>(m * 60 + s) * kUsecPerSec + frac;
      if (negative) t = -t;
      if (t > INT64_MAX || t < INT64_MIN) return range();
      time = static_cast<int64_t>(t);
      seen_time = true;
    } else {
      sc.SkipSpaces();
      const int64_t value = negative ? -static_cast<int64_t>(amount) : static_cast<int64_t>(amount);
      if (sc.TakeWordIgnoreCase("years") || sc.TakeWordIgnoreCase("year")) {
        if (seen_year) return syntax();
        int64_t year_months;
        if (__builtin_mul_overflow(value, int64_t{12}, &year_months) ||
            __builtin_add_overflow(months, year_months, &months)) {
          return range();
        }
        seen_year = true;
      } else if (sc.TakeWordIgnoreCase("mons") || sc.TakeWordIgnoreCase("mon")) {
        if (seen_mon) return syntax();
        if (__builtin_add_overflow(months, value, &months)) return range();
        seen_mon = true;
      } else if (sc.TakeWordIgnoreCase("days") || sc.TakeWordIgnoreCase("day")) {
        if (seen_day) return syntax();
        days = value;
        seen_day = true;
      } else {
        return syntax();
      }
    }
    if (!sc.done() && !IsSpace(sc.s[sc.i])) return syntax();
    sc.SkipSpaces();
  }
  if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN) {
    return range();
  }
  out->interval = IntervalValue{time, static_cast<int32_t>(days), static_cast<int32_t>(months)};
  return true;
}

// ---- uuid, inet, bytea ---------------------------------------------------------------------

// uuid_in: 32 hex digits, optionally in braces, with a hyphen allowed after any group of four.
bool ParseUuidText(std::string_view text, Datum* out, std::string* error) {
  size_t i = 0, n = text.size();
  const bool braces = n > 0 && text[0] == '{';
  if (braces) ++i;
  for (int b = 0; b < 16; ++b) {
    if (i + 2 > n) return Fail(Failure::kSyntax, PgType::kUuid, text, error);
    int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return Fail(Failure::kSyntax, PgType::kUuid, text, error);
    out->uuid[static_cast<size_t>(b)] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
    if (i < n && text[i] == '-' && b % 2 == 1 && b < 15) ++i;
  }
  if (braces) {
    if (i >= n || text[i] != '}') return Fail(Failure::kSyntax, PgType::kUuid, text, error);
    ++i;
  }
  if (i != n) return Fail(Failure::kSyntax, PgType::kUuid, text, error);
  return true;
}

bool ParseIpv4(std::string_view s, uint8_t* address) {
  Scanner sc{s};
  for (int k = 0; k < 4; ++k) {
    if (k > 0 && !sc.Take('.')) return false;
    size_t begin = sc.i;
    int v = 0;
    while (sc.i < s.size() && IsDigit(s[sc.i])) {
      v = v * 10 + (s[sc.i++] - '0');
      if (v > 255) return false;
    }
    if (sc.i == begin) return false;
    address[k] = static_cast<uint8_t>(v);
  }
  return sc.done();
}

bool ParseIpv6(std::string_view s, uint8_t* address) {
  uint16_t groups[8] = {};
  int count = 0, gap = -1;
  size_t i = 0, n = s.size();
  if (n >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
  } else if (n >= 1 && s[0] == ':') {
    return false;
  }
  while (i < n) {
    // An embedded IPv4 address may end the address: "::ffff:1.2.3.4".
    size_t next_colon = s.find(':', i);
    std::string_view piece =
        s.substr(i, next_colon == std::string_view::npos ? n - i : next_colon - i);
    if (piece.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos || count > 6) return false;
      uint8_t v4[4];
      if (!ParseIpv4(piece, v4)) return false;
      groups[count++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = n;
      break;
    }
    if (piece.empty() || piece.size() > 4 || count == 8) return false;
    uint16_t v = 0;
    for (char c : piece) {
      int h = HexValue(c);
      if (h < 0) return false;
      v = static_cast<uint16_t>(v << 4 | h);
    }
    groups[count++] = v;
    i += piece.size();
    if (i == n) break;
    ++i;  // the ':'
    if (i < n && s[i] == ':') {
      if (gap >= 0) return false;
      gap = count;
      ++i;
    } else if (i == n) {
      return false;  // a single trailing ':'
    }
  }
  if (gap >= 0) {
    if (count == 8) return false;
    int tail = count - gap;
    for (int k = 0; k < tail; ++k) groups[7 - k] = groups[count - 1 - k];
    for (int k = gap; k < 8 - tail; ++k) groups[k] = 0;
  } else if (count != 8) {
    return false;
  }
  for (size_t k = 0; k < 8; ++k) {
    address[2 * k] = static_cast<uint8_t>(groups[k] >> 8);
    address[2 * k + 1] = static_cast<uint8_t>(groups[k]);
  }
  return true;
}

// inet_in/cidr_in for the forms the server prints: a full dotted quad or an IPv6 address,
// optionally "/bits". A ':' anywhere means IPv6, as in network_in().
bool ParseInetText(PgType type, std::string_view text, Datum* out, std::string* error) {
  InetValue& v = out->inet;
  v = InetValue{};
  const size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  const bool ipv6 = text.find(':') != std::string_view::npos;
  v.family = ipv6 ? 3 : 2;
  const int max_bits = ipv6 ? 128 : 32;
  if (!(ipv6 ? ParseIpv6(addr, v.address.data()) : ParseIpv4(addr, v.address.data()))) {
    return Fail(Failure::kSyntax, type, text, error);
  }
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view b = text.substr(slash + 1);
    // IPv6 prefix lengths may not have leading zeros (BIND's getbits); IPv4 ones may.
    if (b.empty() || b.size() > 3 || (ipv6 && b.size() > 1 && b[0] == '0')) {
      return Fail(Failure::kSyntax, type, text, error);
    }
    bits = 0;
    for (char c : b) {
      if (!IsDigit(c)) return Fail(Failure::kSyntax, type, text, error);
      bits = bits * 10 + (c - '0');
    }
    if (bits > max_bits) return Fail(Failure::kSyntax, type, text, error);
  }
  v.bits = static_cast<uint8_t>(bits);
  if (type == PgType::kCidr && !HostBitsClear(v)) {
    if (error != nullptr) {
      *error = "invalid cidr value: " + Quoted(text) + ": bits set to right of mask";
    }
    return false;
  }
  return true;
}

// byteain: "\x" followed by hex pairs (blanks allowed between pairs), or the escape format
// in which only "\\" and "\ooo" are special.
bool ParseByteaText(std::string_view text, DatumBuffer* buffer, Datum* out, std::string* error) {
  std::string& v = buffer->value;
  v.clear();
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    for (size_t i = 2; i < text.size();) {
      char c = text[i];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      int hi = HexValue(c);
      if (hi < 0) {
        return Fail(Failure::kSyntax, PgType::kBytea, text, error, "invalid hexadecimal digit");
      }
      if (i + 1 >= text.size()) {
        return Fail(Failure::kSyntax, PgType::kBytea, text, error,
                    "invalid hexadecimal data: odd number of digits");
      }
      int lo = HexValue(text[i + 1]);
      if (lo < 0) {
        return Fail(Failure::kSyntax, PgType::kBytea, text, error, "invalid hexadecimal digit");
      }
      v.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    }
  } else {
    for (size_t i = 0; i < text.size();) {
      if (text[i] != '\\') {
        v.push_back(text[i++]);
      } else if (i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
                 text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' &&
                 text[i + 3] <= '7') {
        v.push_back(static_cast<char>((text[i + 1] - '0') << 6 | (text[i + 2] - '0') << 3 |
                                      (text[i + 3] - '0')));
        i += 4;
      } else if (i + 1 < text.size() && text[i + 1] == '\\') {
        v.push_back('\\');
        i += 2;
      } else {
        return Fail(Failure::kSyntax, PgType::kBytea, text, error);
      }
    }
  }
  out->bytes = v;
  return true;
}

}  // namespace

bool ParseTextValue(PgType type, std::string_view text, DatumBuffer* buffer, Datum* out,
                    std::string* error) {
  out->type = type;
  out->is_null = false;
  bool ok = false;
  switch (type) {
    case PgType::kInt8: ok = ParseIntegerText(type, text, INT64_MIN, INT64_MAX, out, error); break;
    case PgType::kInt4: ok = ParseIntegerText(type, text, INT32_MIN, INT32_MAX, out, error); break;
    case PgType::kInt2: ok = ParseIntegerText(type, text, INT16_MIN, INT16_MAX, out, error); break;
    case PgType::kOid: ok = ParseOidText(text, out, error); break;
    case PgType::kBool: ok = ParseBoolText(text, out, error); break;
    case PgType::kChar: ok = ParseCharText(text, out); break;
    case PgType::kFloat4:
    case PgType::kFloat8: ok = ParseFloatText(type, text, buffer, out, error); break;
    case PgType::kNumeric: ok = ParseNumericText(text, buffer, out, error); break;
    case PgType::kText:
    case PgType::kVarchar:
    case PgType::kBpchar:
      out->bytes = text;
      ok = true;
      break;
    case PgType::kBytea: ok = ParseByteaText(text, buffer, out, error); break;
    case PgType::kDate: ok = ParseDateText(text, out, error); break;
    case PgType::kTime: ok = ParseTimeText(text, out, error); break;
    case PgType::kTimestamp:
    case PgType::kTimestamptz: ok = ParseTimestampText(type, text, out, error); break;
    case PgType::kInterval: ok = ParseIntervalText(text, out, error); break;
    case PgType::kUuid: ok = ParseUuidText(text, out, error); break;
    case PgType::kInet:
    case PgType::kCidr: ok = ParseInetText(type, text, out, error); break;
  }
  return ok;
}

}  // namespace segstream
