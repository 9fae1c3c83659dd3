#include "analyzers/config/json_schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace ddd::analyzers {

using json = nlohmann::json;

namespace detail {

// ---------------------------------------------------------------------------------
// URI references (RFC 3986), just enough to resolve `$id` and `$ref` against a base.

struct UriParts {
  std::string scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

UriParts parseUri(std::string_view s) {
  UriParts u;
  if (auto hash = s.find('#'); hash != std::string_view::npos) {
    u.fragment = std::string(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    u.query = std::string(s.substr(q + 1));
    s = s.substr(0, q);
  }
  // A scheme is letters/digits/+-. before the first ':' that comes before any '/'.
  auto colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      s.substr(0, colon).find('/') == std::string_view::npos) {
    bool scheme = std::isalpha(static_cast<unsigned char>(s[0])) != 0;
    for (char c : s.substr(0, colon)) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
        scheme = false;
    }
    if (scheme) {
      u.scheme = std::string(s.substr(0, colon));
      s = s.substr(colon + 1);
    }
  }
  if (s.substr(0, 2) == "//") {
    s = s.substr(2);
    auto slash = s.find('/');
    u.authority = std::string(s.substr(0, slash));
    s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  }
  u.path = std::string(s);
  return u;
}

std::string removeDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      auto last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      auto next = in.find('/', in[0] == '/' ? 1 : 0);
      out.append(in.substr(0, next));
      in = next == std::string_view::npos ? std::string_view() : in.substr(next);
    }
  }
  return out;
}

std::string toString(const UriParts& u) {
  std::string s;
  if (!u.scheme.empty()) s += u.scheme + ":";
  if (u.authority) s += "//" + *u.authority;
  s += u.path;
  if (u.query) s += "?" + *u.query;
  if (u.fragment) s += "#" + *u.fragment;
  return s;
}

// `ref` resolved against the absolute URI `base` (RFC 3986 section 5.2).
std::string resolveUri(const std::string& base, const std::string& ref) {
  UriParts r = parseUri(ref);
  if (!r.scheme.empty()) {
    r.path = removeDotSegments(r.path);
    return toString(r);
  }
  UriParts b = parseUri(base);
  UriParts t;
  t.scheme = b.scheme;
  t.fragment = r.fragment;
  if (r.authority) {
    t.authority = r.authority;
    t.path = removeDotSegments(r.path);
    t.query = r.query;
  } else {
    t.authority = b.authority;
    if (r.path.empty()) {
      t.path = b.path;
      t.query = r.query ? r.query : b.query;
    } else {
      if (r.path[0] == '/') {
        t.path = removeDotSegments(r.path);
      } else {
        std::string merged;
        if (b.authority && b.path.empty()) {
          merged = "/" + r.path;
        } else {
          auto slash = b.path.rfind('/');
          merged =
              (slash == std::string::npos ? std::string() : b.path.substr(0, slash + 1)) + r.path;
        }
        t.path = removeDotSegments(merged);
      }
      t.query = r.query;
    }
  }
  return toString(t);
}

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// (URI without fragment, decoded fragment without '#').
std::pair<std::string, std::string> splitFragment(const std::string& uri) {
  auto hash = uri.find('#');
  if (hash == std::string::npos) return {uri, {}};
  return {uri.substr(0, hash), percentDecode(std::string_view(uri).substr(hash + 1))};
}

// ---------------------------------------------------------------------------------
// Numbers and strings.

bool isIntegerTyped(const json& j) { return j.is_number_integer(); }  // int or unsigned

bool isIntegralFloat(double d) { return std::isfinite(d) && std::floor(d) == d; }

// Compares two numbers exactly where both are integers, else as long double.
int compareNumbers(const json& a, const json& b) {
  if (isIntegerTyped(a) && isIntegerTyped(b)) {
    auto wide = [](const json& j) -> __int128 {
      return j.is_number_unsigned() ? static_cast<__int128>(j.get<uint64_t>())
                                    : static_cast<__int128>(j.get<int64_t>());
    };
    __int128 x = wide(a), y = wide(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  long double x = a.get<long double>(), y = b.get<long double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool isMultipleOf(const json& value, const json& divisor) {
  if (isIntegerTyped(value) && isIntegerTyped(divisor)) {
    auto wide = [](const json& j) -> __int128 {
      return j.is_number_unsigned() ? static_cast<__int128>(j.get<uint64_t>())
                                    : static_cast<__int128>(j.get<int64_t>());
    };
    __int128 d = wide(divisor);
    return d != 0 && wide(value) % d == 0;
  }
  const long double x = value.get<long double>();
  const long double d = divisor.get<long double>();
  const long double q = x / d;
  if (!std::isfinite(static_cast<double>(q))) {
    // The quotient overflows: an integral value is still a multiple of d when 1/d is
    // an integer (1e308 is a multiple of 0.5); otherwise say "not a multiple".
    const long double inverse = 1.0L / d;
    return isIntegralFloat(static_cast<double>(x)) && std::floor(inverse) == inverse;
  }
  if (std::fabs(q) >= 9007199254740992.0L) return true;  // 2^53: every double is integral
  // Decimal fractions are inexact in binary (0.0075 / 0.0001 = 75.00000000000001):
  // accept a quotient within a few ulps of an integer.
  const long double tolerance = 8 * DBL_EPSILON * std::max<long double>(1.0L, std::fabs(q));
  return std::fabs(q - std::nearbyint(q)) <= tolerance;
}

size_t codePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string describeValue(const json& v, size_t limit = 60) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (codePoints(s) > limit) {
    size_t cut = 0, count = 0;
    while (cut < s.size() && count < limit) {
      ++cut;
      while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
      ++count;
    }
    s = s.substr(0, cut) + "...";
  }
  return s;
}

std::string count(uint64_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// ---------------------------------------------------------------------------------
// ECMA-262 patterns to RE2. See README "pattern": \uXXXX and \u{X} escapes, \cX, and
// ECMA's Unicode \s / \S are rewritten; everything else is passed through (RE2 rejects
// lookaround and backreferences, which compile() reports).

// ECMA's long General_Category names (and `Script=` / `gc=` forms) to the short names
// RE2 knows; script names (Greek, Latin, ...) are the same in both.
std::string unicodePropertyForRe2(std::string_view name) {
  if (auto eq = name.find('='); eq != std::string_view::npos) name = name.substr(eq + 1);
  static const std::pair<std::string_view, std::string_view> kCategories[] = {
      {"Letter", "L"},
      {"Cased_Letter", "L"},
      {"Uppercase_Letter", "Lu"},
      {"Lowercase_Letter", "Ll"},
      {"Titlecase_Letter", "Lt"},
      {"Modifier_Letter", "Lm"},
      {"Other_Letter", "Lo"},
      {"Mark", "M"},
      {"Combining_Mark", "M"},
      {"Nonspacing_Mark", "Mn"},
      {"Spacing_Mark", "Mc"},
      {"Enclosing_Mark", "Me"},
      {"Number", "N"},
      {"Decimal_Number", "Nd"},
      {"digit", "Nd"},
      {"Letter_Number", "Nl"},
      {"Other_Number", "No"},
      {"Punctuation", "P"},
      {"punct", "P"},
      {"Connector_Punctuation", "Pc"},
      {"Dash_Punctuation", "Pd"},
      {"Open_Punctuation", "Ps"},
      {"Close_Punctuation", "Pe"},
      {"Initial_Punctuation", "Pi"},
      {"Final_Punctuation", "Pf"},
      {"Other_Punctuation", "Po"},
      {"Symbol", "S"},
      {"Math_Symbol", "Sm"},
      {"Currency_Symbol", "Sc"},
      {"Modifier_Symbol", "Sk"},
      {"Other_Symbol", "So"},
      {"Separator", "Z"},
      {"Space_Separator", "Zs"},
      {"Line_Separator", "Zl"},
      {"Paragraph_Separator", "Zp"},
      {"Other", "C"},
      {"Control", "Cc"},
      {"cntrl", "Cc"},
      {"Format", "Cf"},
      {"Surrogate", "Cs"},
      {"Private_Use", "Co"},
  };
  for (const auto& [ecma, re2] : kCategories) {
    if (name == ecma) return std::string(re2);
  }
  return std::string(name);
}

constexpr std::string_view kEcmaSpaceChars =
    "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}\\x{FEFF}";

std::string ecmaToRe2(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 16);
  bool inClass = false;
  auto isHex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      if (e == 'u' && i + 6 <= p.size() && isHex(p[i + 2]) && isHex(p[i + 3]) && isHex(p[i + 4]) &&
          isHex(p[i + 5])) {
        unsigned cp = std::stoul(std::string(p.substr(i + 2, 4)), nullptr, 16);
        size_t used = 6;
        // A surrogate pair written as two escapes is one code point.
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= p.size() && p[i + 6] == '\\' &&
            p[i + 7] == 'u' && isHex(p[i + 8]) && isHex(p[i + 9]) && isHex(p[i + 10]) &&
            isHex(p[i + 11])) {
          unsigned low = std::stoul(std::string(p.substr(i + 8, 4)), nullptr, 16);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            used = 12;
          }
        }
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\x{%X}", cp);
        out += buf;
        i += used - 1;
        continue;
      }
      if (e == 'u' && i + 2 < p.size() && p[i + 2] == '{') {
        auto close = p.find('}', i + 3);
        if (close != std::string_view::npos) {
          out += "\\x{";
          out.append(p.substr(i + 3, close - i - 3));
          out += '}';
          i = close;
          continue;
        }
      }
      if ((e == 'p' || e == 'P') && i + 2 < p.size() && p[i + 2] == '{') {
        auto close = p.find('}', i + 3);
        if (close != std::string_view::npos) {
          out += '\\';
          out += e;
          out += '{';
          out += unicodePropertyForRe2(p.substr(i + 3, close - i - 3));
          out += '}';
          i = close;
          continue;
        }
      }
      if (e == 'c' && i + 2 < p.size() && std::isalpha(static_cast<unsigned char>(p[i + 2]))) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\x{%X}", static_cast<unsigned>(p[i + 2]) % 32);
        out += buf;
        i += 2;
        continue;
      }
      if (e == 's') {
        if (inClass) {
          out += kEcmaSpaceChars;
        } else {
          out += '[';
          out += kEcmaSpaceChars;
          out += ']';
        }
        ++i;
        continue;
      }
      if (e == 'S' && !inClass) {
        out += "[^";
        out += kEcmaSpaceChars;
        out += ']';
        ++i;
        continue;
      }
      out += c;
      out += e;
      ++i;
      continue;
    }
    if (c == '[' && !inClass) {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal in RE2 but ends an empty class in ECMA;
      // both are rare enough to pass through.
      continue;
    }
    if (c == ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Formats (only when JsonSchemaOptions::assertFormats).

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int toInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool isDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!allDigits(s.substr(0, 4)) || !allDigits(s.substr(5, 2)) || !allDigits(s.substr(8, 2)))
    return false;
  int year = toInt(s.substr(0, 4)), month = toInt(s.substr(5, 2)), day = toInt(s.substr(8, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

// RFC 3339 full-time: hh:mm:ss[.frac](Z|+hh:mm|-hh:mm), leap second only at 23:59 UTC.
bool isTime(std::string_view s) {
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!allDigits(s.substr(0, 2)) || !allDigits(s.substr(3, 2)) || !allDigits(s.substr(6, 2)))
    return false;
  int hour = toInt(s.substr(0, 2)), minute = toInt(s.substr(3, 2)), second = toInt(s.substr(6, 2));
  size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int offsetMinutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != s.size()) return false;
  } else if (s[i] == '+' || s[i] == '-') {
    auto off = s.substr(i + 1);
    if (off.size() != 5 || off[2] != ':' || !allDigits(off.substr(0, 2)) ||
        !allDigits(off.substr(3, 2)))
      return false;
    int oh = toInt(off.substr(0, 2)), om = toInt(off.substr(3, 2));
    if (oh > 23 || om > 59) return false;
    offsetMinutes = (oh * 60 + om) * (s[i] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (second == 60) {
    int utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool isDateTime(std::string_view s) {
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't')) return false;
  return isDate(s.substr(0, 10)) && isTime(s.substr(11));
}

bool isIpv4(std::string_view s) {
  int parts = 0;
  while (true) {
    auto dot = s.find('.');
    auto part = s.substr(0, dot);
    if (!allDigits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0') ||
        toInt(part) > 255)
      return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s = s.substr(dot + 1);
  }
  return parts == 4;
}

bool isIpv6(std::string_view s) {
  if (s.empty()) return false;
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (s.size() == 2) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    auto next = s.find(':', i);
    auto group = s.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
    if (group.find('.') != std::string_view::npos) {  // trailing embedded IPv4
      if (next != std::string_view::npos || !isIpv4(group)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      return false;
    }
    ++groups;
    if (next == std::string_view::npos) break;
    if (next + 1 == s.size()) return false;  // trailing single ':'
    if (s[next + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i = next + 2;
      if (i == s.size()) break;
    } else {
      i = next + 1;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

bool isHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  while (true) {
    auto dot = s.find('.');
    auto label = s.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    s = s.substr(dot + 1);
  }
}

// RFC 5321 mailbox: dot-atom or quoted local part, @, a hostname or an address literal.
bool isEmail(std::string_view s) {
  auto at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  auto local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    // quoted string: printable ASCII, backslash escapes
  } else {
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
      return false;
    for (char c : local) {
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) == std::string_view::npos) {
        return false;
      }
    }
  }
  if (domain.front() == '[' && domain.back() == ']') {
    auto literal = domain.substr(1, domain.size() - 2);
    if (literal.substr(0, 5) == "IPv6:") return isIpv6(literal.substr(5));
    return isIpv4(literal);
  }
  return isHostname(domain);
}

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// RFC 3986 absolute URI: a scheme, then only allowed characters and valid %-escapes;
// an authority's port must be digits and an IP literal must be bracketed IPv6.
bool isUri(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      !std::isalpha(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  }
  constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  int hashes = 0;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        return false;
      }
      i += 2;
    } else if (c == '#') {
      if (++hashes > 1) return false;
    } else if (!std::isalnum(c) && kAllowed.find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  auto rest = s.substr(colon + 1);
  if (rest.substr(0, 2) == "//") {
    auto authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      if (authority.substr(0, at).find_first_of("[]@") != std::string_view::npos) return false;
      authority = authority.substr(at + 1);
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
      auto close = authority.find(']');
      if (close == std::string_view::npos) return false;
      host = authority.substr(1, close - 1);
      if (!isIpv6(host) && !(host.size() > 1 && (host[0] == 'v' || host[0] == 'V'))) return false;
      auto after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return false;
        port = after.substr(1);
      }
    } else {
      if (authority.find_first_of("[]") != std::string_view::npos) return false;
      if (auto pc = authority.rfind(':'); pc != std::string_view::npos)
        port = authority.substr(pc + 1);
    }
    if (!port.empty() && !allDigits(port)) return false;
  }
  auto hash = s.find('#');
  auto beforeFragment = s.substr(0, hash);
  // '[' and ']' are only allowed around an IP literal in the authority.
  auto authorityEnd =
      rest.substr(0, 2) == "//" ? colon + 1 + rest.find_first_of("/?#", 2) : colon + 1;
  if (authorityEnd < beforeFragment.size() &&
      beforeFragment.substr(authorityEnd).find_first_of("[]") != std::string_view::npos) {
    return false;
  }
  return true;
}

bool checkFormat(const std::string& format, const std::string& s) {
  if (format == "date-time") return isDateTime(s);
  if (format == "date") return isDate(s);
  if (format == "time") return isTime(s);
  if (format == "email") return isEmail(s);
  if (format == "ipv4") return isIpv4(s);
  if (format == "ipv6") return isIpv6(s);
  if (format == "uuid") return isUuid(s);
  if (format == "uri") return isUri(s);
  return true;  // other formats stay annotations
}

// ---------------------------------------------------------------------------------
// The compiled form.

enum TypeBits : uint8_t {
  kNull = 1,
  kBoolean = 2,
  kObject = 4,
  kArray = 8,
  kNumber = 16,
  kString = 32,
  kInteger = 64,
};

struct Regex {
  std::string source;  // as written in the schema
  std::shared_ptr<const RE2> re;
};

struct Node {
  enum class Kind : uint8_t { AcceptAll, RejectAll, Schema } kind = Kind::Schema;
  bool floatsCanBeIntegers = true;  // draft 6 and later: 1.0 is an integer

  uint8_t types = 0;  // 0: no `type` keyword
  std::optional<std::vector<json>> enumValues;
  std::optional<json> constValue;

  int ref = -1;  // node of the `$ref` target

  // objects
  std::vector<std::pair<std::string, int>> properties;  // sorted by name
  std::vector<std::pair<Regex, int>> patternProperties;
  int additionalProperties = -1;
  int propertyNames = -1;
  std::vector<std::string> required;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependentRequired;
  std::vector<std::pair<std::string, int>> dependentSchemas;
  std::optional<uint64_t> minProperties, maxProperties;

  // arrays
  std::vector<int> prefixItems;        // tuple items (items-as-array / prefixItems)
  int restItems = -1;                  // items after the prefix (items / additionalItems)
  bool restItemsIsAdditional = false;  // for messages: which keyword rejected
  int contains = -1;
  std::optional<uint64_t> minContains, maxContains;
  std::optional<uint64_t> minItems, maxItems;
  bool uniqueItems = false;

  // numbers
  std::optional<json> minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf;

  // strings
  std::optional<uint64_t> minLength, maxLength;
  std::optional<Regex> pattern;
  std::string format;

  // applicators
  std::vector<int> allOf, anyOf, oneOf;
  int notSchema = -1;
  int ifSchema = -1, thenSchema = -1, elseSchema = -1;

  bool hasObjectKeywords = false, hasArrayKeywords = false, hasNumberKeywords = false,
       hasStringKeywords = false;
};

}  // namespace detail

struct JsonSchema::Compiled {
  std::string name;
  std::vector<detail::Node> nodes;
  int root = 0;
  bool assertFormats = false;
  size_t maxInstanceDepth = 128;
};

namespace detail {

// ---------------------------------------------------------------------------------
// Compiler: indexes every schema resource, `$id` and anchor, then compiles nodes on
// demand from the root, following `$ref`s (a node is registered before its children
// are compiled, so recursive schemas terminate).

bool isAtLeast(SchemaDraft d, SchemaDraft min) {
  return static_cast<int>(d) >= static_cast<int>(min);
}

std::optional<SchemaDraft> draftFromUri(const std::string& uri) {
  if (uri.find("draft-04") != std::string::npos) return SchemaDraft::Draft4;
  if (uri.find("draft-06") != std::string::npos) return SchemaDraft::Draft6;
  if (uri.find("draft-07") != std::string::npos) return SchemaDraft::Draft7;
  if (uri.find("2019-09") != std::string::npos) return SchemaDraft::Draft2019_09;
  if (uri.find("2020-12") != std::string::npos) return SchemaDraft::Draft2020_12;
  return std::nullopt;
}

std::string escapePointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class Compiler {
 public:
  Compiler(std::string name, const JsonSchemaOptions& options)
      : name_(std::move(name)), options_(options) {}

  std::shared_ptr<JsonSchema::Compiled> run(const json& schema) {
    const std::string rootBase = "ddd-schema:///root.json";
    indexDocument(schema, rootBase, "");
    for (const auto& [uri, doc] : options_.documents)
      indexDocument(doc, splitFragment(uri).first, uri);
    auto compiled = std::make_shared<JsonSchema::Compiled>();
    compiled->name = name_;
    compiled->assertFormats = options_.assertFormats;
    compiled->maxInstanceDepth = options_.maxInstanceDepth;
    compiled->root = compileNode(schema);
    // Nodes are built from a work list rather than recursively, so neither deep
    // schemas nor long $ref chains grow the stack here.
    while (!pending_.empty()) {
      auto [index, s] = pending_.back();
      pending_.pop_back();
      Scope scope = scopeOf(s, Scope{"ddd-schema:///root.json", options_.defaultDraft, "#"});
      Node node = build(*s, scope);
      nodes_[index] = std::move(node);
    }
    compiled->nodes = std::move(nodes_);
    return compiled;
  }

 private:
  struct Scope {
    std::string base;  // absolute URI without fragment
    SchemaDraft draft;
    std::string location;  // for messages: "#/properties/a" (or "<doc uri>#/...")
  };

  [[noreturn]] void fail(const std::string& location, const std::string& what) const {
    throw SchemaCompileError(name_ + ": " + (location.empty() ? "#" : location) + ": " + what);
  }

  void indexDocument(const json& doc, const std::string& base, const std::string& docName) {
    SchemaDraft draft = options_.defaultDraft;
    if (doc.is_object()) {
      if (auto it = doc.find("$schema"); it != doc.end() && it->is_string()) {
        draft = draftFromUri(it->get<std::string>()).value_or(draft);
      }
    }
    resources_[base] = {&doc, Scope{base, draft, docName + "#"}};
    index(doc, base, draft, docName + "#", true);
  }

  void index(const json& s, std::string base, SchemaDraft draft, const std::string& where,
             bool documentRoot, size_t depth = 0) {
    if (depth > kMaxSchemaDepth)
      fail(where, "schema nested more than " + std::to_string(kMaxSchemaDepth) + " levels deep");
    if (!s.is_object()) {
      scopes_.emplace(&s, Scope{base, draft, where});
      return;
    }
    const char* idKeyword = draft == SchemaDraft::Draft4 ? "id" : "$id";
    auto id = s.find(idKeyword);
    const bool hasId = id != s.end() && id->is_string();
    if (hasId || documentRoot) {
      if (auto it = s.find("$schema"); it != s.end() && it->is_string()) {
        draft = draftFromUri(it->get<std::string>()).value_or(draft);
      }
    }
    // Before 2019-09, `$ref` makes every sibling keyword (`$id` too) be ignored.
    const bool refOverrides = !isAtLeast(draft, SchemaDraft::Draft2019_09) && s.contains("$ref");
    if (hasId && !refOverrides) {
      auto [uri, fragment] = splitFragment(resolveUri(base, id->get<std::string>()));
      if (!fragment.empty() && !isAtLeast(draft, SchemaDraft::Draft2019_09)) {
        anchors_[uri + "#" + fragment] = &s;  // draft 6/7 "$id": "#name" is an anchor
      }
      if (uri != base || fragment.empty()) {
        base = uri;
        resources_[uri] = {&s, Scope{base, draft, where}};
      }
    }
    if (isAtLeast(draft, SchemaDraft::Draft2019_09)) {
      for (const char* keyword : {"$anchor", "$dynamicAnchor"}) {
        if (auto a = s.find(keyword); a != s.end() && a->is_string()) {
          anchors_[base + "#" + a->get<std::string>()] = &s;
        }
      }
    }
    scopes_.emplace(&s, Scope{base, draft, where});

    auto child = [&](const json& sub, const std::string& path) {
      index(sub, base, draft, where + "/" + path, false, depth + 1);
    };
    for (const char* keyword :
         {"additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if",
          "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}) {
      if (auto it = s.find(keyword); it != s.end() && (it->is_object() || it->is_boolean()))
        child(*it, keyword);
    }
    for (const char* keyword : {"properties", "patternProperties", "definitions", "$defs",
                                "dependentSchemas", "dependencies"}) {
      if (auto it = s.find(keyword); it != s.end() && it->is_object()) {
        for (auto& [key, sub] : it->items()) {
          if (sub.is_object() || sub.is_boolean()) {
            child(sub, std::string(keyword) + "/" + escapePointerToken(key));
          }
        }
      }
    }
    for (const char* keyword : {"items", "prefixItems", "allOf", "anyOf", "oneOf"}) {
      auto it = s.find(keyword);
      if (it == s.end()) continue;
      if (it->is_array()) {
        for (size_t i = 0; i < it->size(); ++i)
          child((*it)[i], std::string(keyword) + "/" + std::to_string(i));
      } else if (it->is_object() || it->is_boolean()) {
        child(*it, keyword);
      }
    }
  }

  // The schema a `$ref` (resolved against `base`) points to, and the scope it sits in.
  std::pair<const json*, Scope> resolveRef(const std::string& ref, const Scope& from) {
    const std::string absolute = resolveUri(from.base, ref);
    auto [uri, fragment] = splitFragment(absolute);
    auto resource = resources_.find(uri);
    if (resource == resources_.end()) {
      fail(from.location,
           "$ref '" + ref + "' points to " + uri +
               ", which is not part of this schema (remote references are not fetched; "
               "pass the document in JsonSchemaOptions::documents)");
    }
    const json* target = resource->second.first;
    if (fragment.empty()) return {target, scopeOf(target, resource->second.second)};
    if (fragment[0] != '/') {
      auto anchor = anchors_.find(uri + "#" + fragment);
      if (anchor == anchors_.end())
        fail(from.location, "$ref '" + ref + "': no anchor '" + fragment + "' in " + uri);
      return {anchor->second, scopeOf(anchor->second, resource->second.second)};
    }
    std::string_view pointer(fragment);
    std::string location = resource->second.second.location;
    while (!pointer.empty()) {
      pointer.remove_prefix(1);
      auto slash = pointer.find('/');
      std::string token;
      for (size_t i = 0; i < std::min(slash, pointer.size()); ++i) {
        if (pointer[i] == '~' && i + 1 < pointer.size() &&
            (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
          token += pointer[i + 1] == '0' ? '~' : '/';
          ++i;
        } else {
          token += pointer[i];
        }
      }
      pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
      if (target->is_object()) {
        auto it = target->find(token);
        if (it == target->end())
          fail(from.location, "$ref '" + ref + "': nothing at '" + fragment + "'");
        target = &*it;
      } else if (target->is_array() && !token.empty() &&
                 std::all_of(token.begin(), token.end(),
                             [](char c) { return c >= '0' && c <= '9'; }) &&
                 (token.size() == 1 || token[0] != '0') && std::stoull(token) < target->size()) {
        target = &(*target)[std::stoull(token)];
      } else {
        fail(from.location, "$ref '" + ref + "': nothing at '" + fragment + "'");
      }
      location += "/" + escapePointerToken(token);
    }
    Scope fallback = resource->second.second;
    fallback.location = location;
    return {target, scopeOf(target, fallback)};
  }

  Scope scopeOf(const json* s, const Scope& fallback) const {
    auto it = scopes_.find(s);
    return it == scopes_.end() ? fallback : it->second;
  }

  // The node index for schema `s`; a new one is queued for building.
  int compileNode(const json& s) {
    if (auto it = compiled_.find(&s); it != compiled_.end()) return it->second;
    const int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    compiled_.emplace(&s, index);
    pending_.emplace_back(index, &s);
    return index;
  }

  int compileChild(const json& s, const Scope& parent, const std::string& path) {
    if (!s.is_object() && !s.is_boolean())
      fail(parent.location + "/" + path, "a schema must be an object or a boolean");
    if (scopes_.find(&s) == scopes_.end()) {
      scopes_.emplace(&s, Scope{parent.base, parent.draft, parent.location + "/" + path});
    }
    return compileNode(s);
  }

  uint64_t nonNegative(const json& v, const Scope& scope, const char* keyword) const {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
      return static_cast<uint64_t>(v.get<int64_t>());
    if (v.is_number_float() && v.get<double>() >= 0 && isIntegralFloat(v.get<double>()) &&
        v.get<double>() < 1.8e19) {
      return static_cast<uint64_t>(v.get<double>());
    }
    fail(scope.location + "/" + keyword, std::string(keyword) + " must be a non-negative integer");
  }

  Regex regex(const std::string& source, const Scope& scope, const std::string& where) const {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    auto re = std::make_shared<const RE2>(ecmaToRe2(source), options);
    if (!re->ok()) {
      fail(scope.location + "/" + where, "pattern '" + source +
                                             "' can't be compiled: " + re->error() +
                                             " (RE2 syntax: no lookaround or backreferences)");
    }
    return Regex{source, std::move(re)};
  }

  std::vector<int> schemaArray(const json& v, const Scope& scope, const char* keyword,
                               bool allowEmpty = false) {
    if (!v.is_array() || (!allowEmpty && v.empty())) {
      fail(scope.location + "/" + keyword,
           std::string(keyword) + " must be a non-empty array of schemas");
    }
    std::vector<int> out;
    for (size_t i = 0; i < v.size(); ++i)
      out.push_back(compileChild(v[i], scope, std::string(keyword) + "/" + std::to_string(i)));
    return out;
  }

  std::vector<std::string> stringArray(const json& v, const Scope& scope,
                                       const std::string& where) const {
    if (!v.is_array()) fail(scope.location + "/" + where, "must be an array of strings");
    std::vector<std::string> out;
    for (const auto& e : v) {
      if (!e.is_string()) fail(scope.location + "/" + where, "must be an array of strings");
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  Node build(const json& s, const Scope& scope) {
    Node n;
    n.floatsCanBeIntegers = scope.draft != SchemaDraft::Draft4;
    if (s.is_boolean()) {
      n.kind = s.get<bool>() ? Node::Kind::AcceptAll : Node::Kind::RejectAll;
      return n;
    }
    if (!s.is_object()) fail(scope.location, "a schema must be an object or a boolean");
    const SchemaDraft draft = scope.draft;
    const bool modern = isAtLeast(draft, SchemaDraft::Draft2019_09);

    if (modern) {
      for (const char* keyword :
           {"unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef"}) {
        if (s.contains(keyword)) {
          fail(scope.location, std::string("keyword '") + keyword +
                                   "' is not supported by ddd's JSON Schema validator (see "
                                   "analyzers/config/README.md)");
        }
      }
    }

    if (auto it = s.find("$ref"); it != s.end()) {
      if (!it->is_string()) fail(scope.location + "/$ref", "$ref must be a string");
      auto [target, targetScope] = resolveRef(it->get<std::string>(), scope);
      if (scopes_.find(target) == scopes_.end()) scopes_.emplace(target, targetScope);
      n.ref = compileNode(*target);
      if (!modern) return n;  // siblings of $ref are ignored before 2019-09
    }

    if (auto it = s.find("type"); it != s.end()) {
      auto bit = [&](const json& t) -> uint8_t {
        static const std::pair<const char*, uint8_t> kNames[] = {
            {"null", kNull},     {"boolean", kBoolean}, {"object", kObject},  {"array", kArray},
            {"number", kNumber}, {"string", kString},   {"integer", kInteger}};
        if (t.is_string()) {
          for (const auto& [name, b] : kNames) {
            if (t.get<std::string>() == name) return b;
          }
        }
        fail(scope.location + "/type",
             "unknown type " + t.dump() +
                 " (use null, boolean, object, array, number, string or integer)");
      };
      if (it->is_array()) {
        for (const auto& t : *it) n.types |= bit(t);
        if (it->empty()) fail(scope.location + "/type", "type must not be an empty array");
      } else {
        n.types = bit(*it);
      }
    }
    if (auto it = s.find("enum"); it != s.end()) {
      if (!it->is_array()) fail(scope.location + "/enum", "enum must be an array");
      n.enumValues = it->get<std::vector<json>>();
    }
    if (auto it = s.find("const"); it != s.end() && draft != SchemaDraft::Draft4)
      n.constValue = *it;

    // objects
    if (auto it = s.find("properties"); it != s.end()) {
      if (!it->is_object()) fail(scope.location + "/properties", "properties must be an object");
      for (auto& [key, sub] : it->items()) {
        n.properties.emplace_back(
            key, compileChild(sub, scope, "properties/" + escapePointerToken(key)));
      }
      std::sort(n.properties.begin(), n.properties.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (auto it = s.find("patternProperties"); it != s.end()) {
      if (!it->is_object())
        fail(scope.location + "/patternProperties", "patternProperties must be an object");
      for (auto& [key, sub] : it->items()) {
        const std::string where = "patternProperties/" + escapePointerToken(key);
        n.patternProperties.emplace_back(regex(key, scope, where), compileChild(sub, scope, where));
      }
    }
    if (auto it = s.find("additionalProperties"); it != s.end()) {
      n.additionalProperties = compileChild(*it, scope, "additionalProperties");
    }
    if (auto it = s.find("propertyNames"); it != s.end() && draft != SchemaDraft::Draft4) {
      n.propertyNames = compileChild(*it, scope, "propertyNames");
    }
    if (auto it = s.find("required"); it != s.end())
      n.required = stringArray(*it, scope, "required");
    if (auto it = s.find("dependentRequired"); it != s.end() && modern) {
      if (!it->is_object())
        fail(scope.location + "/dependentRequired", "dependentRequired must be an object");
      for (auto& [key, names] : it->items()) {
        n.dependentRequired.emplace_back(
            key, stringArray(names, scope, "dependentRequired/" + escapePointerToken(key)));
      }
    }
    if (auto it = s.find("dependentSchemas"); it != s.end() && modern) {
      if (!it->is_object())
        fail(scope.location + "/dependentSchemas", "dependentSchemas must be an object");
      for (auto& [key, sub] : it->items()) {
        n.dependentSchemas.emplace_back(
            key, compileChild(sub, scope, "dependentSchemas/" + escapePointerToken(key)));
      }
    }
    if (auto it = s.find("dependencies"); it != s.end()) {  // kept in 2019-09+ for compatibility
      if (!it->is_object())
        fail(scope.location + "/dependencies", "dependencies must be an object");
      for (auto& [key, value] : it->items()) {
        const std::string where = "dependencies/" + escapePointerToken(key);
        if (value.is_array()) {
          n.dependentRequired.emplace_back(key, stringArray(value, scope, where));
        } else {
          n.dependentSchemas.emplace_back(key, compileChild(value, scope, where));
        }
      }
    }
    if (auto it = s.find("minProperties"); it != s.end())
      n.minProperties = nonNegative(*it, scope, "minProperties");
    if (auto it = s.find("maxProperties"); it != s.end())
      n.maxProperties = nonNegative(*it, scope, "maxProperties");
    n.hasObjectKeywords = !n.properties.empty() || !n.patternProperties.empty() ||
                          n.additionalProperties >= 0 || n.propertyNames >= 0 ||
                          !n.required.empty() || !n.dependentRequired.empty() ||
                          !n.dependentSchemas.empty() || n.minProperties || n.maxProperties;

    // arrays
    const bool prefixKeyword = draft == SchemaDraft::Draft2020_12;
    if (auto it = s.find("prefixItems"); it != s.end() && prefixKeyword) {
      n.prefixItems = schemaArray(*it, scope, "prefixItems");
    }
    if (auto it = s.find("items"); it != s.end()) {
      if (it->is_array() && !(prefixKeyword && s.contains("prefixItems"))) {
        n.prefixItems = schemaArray(*it, scope, "items", true);
        if (auto extra = s.find("additionalItems"); extra != s.end()) {
          n.restItems = compileChild(*extra, scope, "additionalItems");
          n.restItemsIsAdditional = true;
        }
      } else if (!it->is_array()) {
        n.restItems = compileChild(*it, scope, "items");
      }
    }
    if (auto it = s.find("contains"); it != s.end() && draft != SchemaDraft::Draft4) {
      n.contains = compileChild(*it, scope, "contains");
      if (modern) {
        if (auto m = s.find("minContains"); m != s.end())
          n.minContains = nonNegative(*m, scope, "minContains");
        if (auto m = s.find("maxContains"); m != s.end())
          n.maxContains = nonNegative(*m, scope, "maxContains");
      }
    }
    if (auto it = s.find("minItems"); it != s.end())
      n.minItems = nonNegative(*it, scope, "minItems");
    if (auto it = s.find("maxItems"); it != s.end())
      n.maxItems = nonNegative(*it, scope, "maxItems");
    if (auto it = s.find("uniqueItems"); it != s.end()) {
      if (!it->is_boolean()) fail(scope.location + "/uniqueItems", "uniqueItems must be a boolean");
      n.uniqueItems = it->get<bool>();
    }
    n.hasArrayKeywords = !n.prefixItems.empty() || n.restItems >= 0 || n.contains >= 0 ||
                         n.minItems || n.maxItems || n.uniqueItems;

    // numbers
    auto number = [&](const char* keyword) -> std::optional<json> {
      auto it = s.find(keyword);
      if (it == s.end()) return std::nullopt;
      if (!it->is_number())
        fail(scope.location + "/" + keyword, std::string(keyword) + " must be a number");
      return *it;
    };
    n.minimum = number("minimum");
    n.maximum = number("maximum");
    // draft-04: exclusiveMinimum/Maximum are booleans that make minimum/maximum exclusive;
    // draft-06 on: they are numbers of their own. Accept either form in any draft.
    for (auto [keyword, bound, exclusive] :
         {std::tuple{"exclusiveMinimum", &n.minimum, &n.exclusiveMinimum},
          std::tuple{"exclusiveMaximum", &n.maximum, &n.exclusiveMaximum}}) {
      auto it = s.find(keyword);
      if (it == s.end()) continue;
      if (it->is_boolean()) {
        if (it->get<bool>() && bound->has_value()) {
          *exclusive = **bound;
          bound->reset();
        }
      } else {
        *exclusive = number(keyword);
      }
    }
    n.multipleOf = number("multipleOf");
    if (n.multipleOf && n.multipleOf->get<double>() <= 0) {
      fail(scope.location + "/multipleOf", "multipleOf must be greater than 0");
    }
    n.hasNumberKeywords =
        n.minimum || n.maximum || n.exclusiveMinimum || n.exclusiveMaximum || n.multipleOf;

    // strings
    if (auto it = s.find("minLength"); it != s.end())
      n.minLength = nonNegative(*it, scope, "minLength");
    if (auto it = s.find("maxLength"); it != s.end())
      n.maxLength = nonNegative(*it, scope, "maxLength");
    if (auto it = s.find("pattern"); it != s.end()) {
      if (!it->is_string()) fail(scope.location + "/pattern", "pattern must be a string");
      n.pattern = regex(it->get<std::string>(), scope, "pattern");
    }
    if (auto it = s.find("format"); it != s.end() && it->is_string())
      n.format = it->get<std::string>();
    n.hasStringKeywords = n.minLength || n.maxLength || n.pattern || !n.format.empty();

    // applicators
    if (auto it = s.find("allOf"); it != s.end()) n.allOf = schemaArray(*it, scope, "allOf");
    if (auto it = s.find("anyOf"); it != s.end()) n.anyOf = schemaArray(*it, scope, "anyOf");
    if (auto it = s.find("oneOf"); it != s.end()) n.oneOf = schemaArray(*it, scope, "oneOf");
    if (auto it = s.find("not"); it != s.end()) n.notSchema = compileChild(*it, scope, "not");
    if (isAtLeast(draft, SchemaDraft::Draft7)) {
      if (auto it = s.find("if"); it != s.end()) {
        n.ifSchema = compileChild(*it, scope, "if");
        if (auto t = s.find("then"); t != s.end()) n.thenSchema = compileChild(*t, scope, "then");
        if (auto e = s.find("else"); e != s.end()) n.elseSchema = compileChild(*e, scope, "else");
      }
    }
    return n;
  }

  static constexpr size_t kMaxSchemaDepth = 200;

  std::string name_;
  const JsonSchemaOptions& options_;
  std::vector<std::pair<int, const json*>> pending_;  // nodes to build
  std::unordered_map<std::string, std::pair<const json*, Scope>> resources_;
  std::unordered_map<std::string, const json*> anchors_;
  std::unordered_map<const json*, Scope> scopes_;
  std::unordered_map<const json*, int> compiled_;
  std::vector<Node> nodes_;
};

// ---------------------------------------------------------------------------------
// Validation. In collecting mode every violation is recorded; in verdict mode (inside
// anyOf / oneOf / not / if / contains, and isValid) evaluation stops at the first.

const char* typeWithArticle(uint8_t bit) {
  switch (bit) {
    case kNull:
      return "null";
    case kBoolean:
      return "a boolean";
    case kObject:
      return "an object";
    case kArray:
      return "an array";
    case kNumber:
      return "a number";
    case kString:
      return "a string";
    case kInteger:
      return "an integer";
  }
  return "?";
}

const char* instanceType(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    default:
      return "a value";
  }
}

class Validator {
 public:
  Validator(const JsonSchema::Compiled& c, std::vector<SchemaError>* errors)
      : c_(c), errors_(errors), collecting_(errors != nullptr) {}

  bool validate(const json& instance) { return node(c_.root, instance); }

 private:
  struct Segment {
    const std::string* key;  // null: array index
    size_t index;
  };

  // Scoped push of one path segment.
  struct Step {
    Step(Validator& v, const std::string& key) : v(v) { v.path_.push_back({&key, 0}); }
    Step(Validator& v, size_t index) : v(v) { v.path_.push_back({nullptr, index}); }
    ~Step() { v.path_.pop_back(); }
    Validator& v;
  };

  // Runs `fn` in verdict mode and returns its verdict.
  template <typename Fn>
  bool quietly(Fn&& fn) {
    const bool saved = collecting_;
    collecting_ = false;
    const bool ok = fn();
    collecting_ = saved;
    return ok;
  }

  std::string pointer() const {
    std::string p;
    for (const auto& s : path_) {
      p += '/';
      if (s.key) {
        p += escapePointerToken(*s.key);
      } else {
        p += std::to_string(s.index);
      }
    }
    return p;
  }

  // Failure reports build their message only when it is collected, out of line, so
  // neither verdict mode nor the recursive validation frames pay for the strings.
  template <typename Message>
  [[gnu::noinline]] bool failWith(const char* keyword, const Message& message) {
    if (collecting_) errors_->push_back(SchemaError{pointer(), keyword, message()});
    return false;
  }
  template <typename Message>
  [[gnu::noinline]] bool abortWith(const char* keyword, const Message& message) {
    return abort(keyword, aborted_ || !errors_ ? std::string() : message());
  }

  bool fail(const char* keyword, std::string message) {
    if (collecting_) errors_->push_back(SchemaError{pointer(), keyword, std::move(message)});
    return false;
  }

  // Limits that stop evaluation as a whole; reported once, even in verdict mode.
  bool abort(const char* keyword, std::string message) {
    if (!aborted_ && errors_)
      errors_->push_back(SchemaError{pointer(), keyword, std::move(message)});
    aborted_ = true;
    return false;
  }

  bool node(int index, const json& inst) {
    if (aborted_) return false;
    const Node& n = c_.nodes[index];
    if (n.kind == Node::Kind::AcceptAll) return true;
    if (n.kind == Node::Kind::RejectAll)
      return failWith("false", [&] { return std::string("no value is allowed here"); });
    if (++evaluationDepth_ > kMaxEvaluationDepth) {
      --evaluationDepth_;
      return abortWith("$ref", [&] {
        return "schema evaluation nested more than " + std::to_string(kMaxEvaluationDepth) +
               " levels deep (a recursive $ref that never consumes the instance?)";
      });
    }
    const bool ok = evaluate(n, inst);
    --evaluationDepth_;
    return ok;
  }

#define DDD_CHECK(expr)               \
  do {                                \
    if (!(expr)) {                    \
      ok = false;                     \
      if (!collecting_) return false; \
    }                                 \
  } while (0)

  bool evaluate(const Node& n, const json& inst) {
    bool ok = true;
    if (n.ref >= 0) {
      // The same $ref applied to the same instance value while already applying it
      // can only loop forever.
      for (const auto& [refNode, refInstance] : refStack_) {
        if (refNode == n.ref && refInstance == &inst) {
          return abortWith("$ref", [&] {
            return std::string(
                "infinite $ref recursion in the schema (the same reference is applied to the "
                "same value again)");
          });
        }
      }
      refStack_.emplace_back(n.ref, &inst);
      const bool refOk = node(n.ref, inst);
      refStack_.pop_back();
      DDD_CHECK(refOk);
    }
    if (n.types) DDD_CHECK(checkType(n, inst));
    if (n.constValue && !(inst == *n.constValue)) {
      DDD_CHECK(failWith("const", [&] { return "must be " + describeValue(*n.constValue); }));
    }
    if (n.enumValues) {
      bool found = false;
      for (const auto& v : *n.enumValues) {
        if (inst == v) {
          found = true;
          break;
        }
      }
      if (!found) {
        DDD_CHECK(failWith("enum", [&] {
          std::string list;
          for (size_t i = 0; i < n.enumValues->size(); ++i) {
            if (i == 12) {
              list += ", ...";
              break;
            }
            list += (i ? ", " : "") + describeValue((*n.enumValues)[i], 40);
          }
          return "must be one of: " + list;
        }));
      }
    }
    if (inst.is_object() || inst.is_array()) {
      if (path_.size() >= c_.maxInstanceDepth) {
        return abortWith("maxDepth", [&] {
          return "nested more than " + std::to_string(c_.maxInstanceDepth) +
                 " levels deep; not validated further";
        });
      }
      if (inst.is_object() && n.hasObjectKeywords) DDD_CHECK(checkObject(n, inst));
      if (inst.is_array() && n.hasArrayKeywords) DDD_CHECK(checkArray(n, inst));
    } else if (inst.is_number() && n.hasNumberKeywords) {
      DDD_CHECK(checkNumber(n, inst));
    } else if (inst.is_string() && n.hasStringKeywords) {
      DDD_CHECK(checkString(n, inst));
    }

    for (int sub : n.allOf) DDD_CHECK(node(sub, inst));
    if (!n.anyOf.empty()) {
      bool any = false;
      for (int sub : n.anyOf) {
        if (quietly([&] { return node(sub, inst); })) {
          any = true;
          break;
        }
      }
      if (!any && !aborted_)
        DDD_CHECK(failWith("anyOf", [&] {
          return std::string("must match at least one of the schemas in anyOf");
        }));
    }
    if (!n.oneOf.empty()) {
      std::vector<size_t> matched;
      for (size_t i = 0; i < n.oneOf.size() && matched.size() < 2; ++i) {
        if (quietly([&] { return node(n.oneOf[i], inst); })) matched.push_back(i);
      }
      if (matched.empty() && !aborted_) {
        DDD_CHECK(failWith("oneOf", [&] {
          return std::string("must match exactly one of the schemas in oneOf (matches none)");
        }));
      } else if (matched.size() > 1) {
        DDD_CHECK(failWith("oneOf", [&] {
          return std::string("must match exactly one of the schemas in oneOf (matches " +
                             std::to_string(matched[0]) + " and " + std::to_string(matched[1]) +
                             ")");
        }));
      }
    }
    if (n.notSchema >= 0 && quietly([&] { return node(n.notSchema, inst); })) {
      DDD_CHECK(failWith("not", [&] { return std::string("must not match the schema in not"); }));
    }
    if (n.ifSchema >= 0) {
      if (quietly([&] { return node(n.ifSchema, inst); })) {
        if (n.thenSchema >= 0) DDD_CHECK(node(n.thenSchema, inst));
      } else if (n.elseSchema >= 0 && !aborted_) {
        DDD_CHECK(node(n.elseSchema, inst));
      }
    }
    return ok && !aborted_;
  }

  bool checkType(const Node& n, const json& inst) {
    uint8_t bit = 0;
    switch (inst.type()) {
      case json::value_t::null:
        bit = kNull;
        break;
      case json::value_t::boolean:
        bit = kBoolean;
        break;
      case json::value_t::object:
        bit = kObject;
        break;
      case json::value_t::array:
        bit = kArray;
        break;
      case json::value_t::string:
        bit = kString;
        break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
        bit = kNumber | kInteger;
        break;
      case json::value_t::number_float:
        bit = kNumber;
        // draft-04 calls 1.0 a number, not an integer; a float beyond the 64-bit range
        // can only come from an integer literal too big to store exactly (a bignum).
        if (isIntegralFloat(inst.get<double>()) &&
            (n.floatsCanBeIntegers || std::fabs(inst.get<double>()) >= 9223372036854775808.0)) {
          bit |= kInteger;
        }
        break;
      default:
        break;
    }
    if (n.types & bit) return true;
    return failWith("type", [&] {
      std::string wanted;
      int count = 0;
      for (uint8_t b = 1; b <= kInteger && b != 0; b = static_cast<uint8_t>(b << 1)) {
        if (n.types & b) {
          if (count++) wanted += " or ";
          wanted += typeWithArticle(b);
        }
      }
      return "must be " + wanted + ", not " + instanceType(inst);
    });
  }

  bool checkObject(const Node& n, const json& inst) {
    bool ok = true;
    for (const auto& name : n.required) {
      if (!inst.contains(name))
        DDD_CHECK(failWith("required", [&] { return "missing required property '" + name + "'"; }));
    }
    for (const auto& entry : n.dependentRequired) {
      const auto& name = entry.first;  // not a structured binding: clang 14 can't capture those
      const auto& names = entry.second;
      if (!inst.contains(name)) continue;
      for (const auto& other : names) {
        if (!inst.contains(other)) {
          DDD_CHECK(failWith("dependentRequired", [&] {
            return "property '" + other + "' is required when '" + name + "' is present";
          }));
        }
      }
    }
    if (n.minProperties && inst.size() < *n.minProperties) {
      DDD_CHECK(failWith("minProperties", [&] {
        return "must have at least " + count(*n.minProperties, "property", "properties");
      }));
    }
    if (n.maxProperties && inst.size() > *n.maxProperties) {
      DDD_CHECK(failWith("maxProperties", [&] {
        return "must have at most " + count(*n.maxProperties, "property", "properties");
      }));
    }
    for (auto it = inst.begin(); it != inst.end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      bool described = false;
      auto prop = std::lower_bound(n.properties.begin(), n.properties.end(), key,
                                   [](const auto& p, const std::string& k) { return p.first < k; });
      if (prop != n.properties.end() && prop->first == key) {
        described = true;
        Step step(*this, key);
        DDD_CHECK(property(prop->second, key, value, "properties"));
      }
      for (const auto& [re, sub] : n.patternProperties) {
        if (RE2::PartialMatch(key, *re.re)) {
          described = true;
          Step step(*this, key);
          DDD_CHECK(property(sub, key, value, "patternProperties"));
        }
      }
      if (!described && n.additionalProperties >= 0) {
        Step step(*this, key);
        const Node& extra = c_.nodes[n.additionalProperties];
        if (extra.kind == Node::Kind::RejectAll) {
          DDD_CHECK(
              failWith("additionalProperties", [&] { return unknownPropertyMessage(n, key); }));
        } else {
          DDD_CHECK(node(n.additionalProperties, value));
        }
      }
      if (n.propertyNames >= 0) {
        Step step(*this, key);
        const json name(key);
        if (!quietly([&] { return node(n.propertyNames, name); }) && !aborted_) {
          DDD_CHECK(failWith("propertyNames", [&] {
            return "property name '" + describeValue(name) + "' is not allowed";
          }));
        }
      }
    }
    for (const auto& [name, sub] : n.dependentSchemas) {
      if (inst.contains(name)) DDD_CHECK(node(sub, inst));
    }
    return ok;
  }

  // A member described by `properties` / `patternProperties`; a `false` schema there
  // forbids the member, which deserves a clearer word than "no value is allowed".
  bool property(int sub, const std::string& key, const json& value, const char* keyword) {
    if (c_.nodes[sub].kind == Node::Kind::RejectAll) {
      return failWith(keyword, [&] { return "property '" + key + "' is not allowed here"; });
    }
    return node(sub, value);
  }

  static std::string unknownPropertyMessage(const Node& n, const std::string& key) {
    std::string message = "unknown property '" + key + "'";
    if (n.properties.empty() || !n.patternProperties.empty()) return message;
    const std::string* best = nullptr;
    size_t bestDistance = 0;
    for (const auto& [name, sub] : n.properties) {
      size_t d = editDistance(key, name);
      if (!best || d < bestDistance) {
        best = &name;
        bestDistance = d;
      }
    }
    if (best && bestDistance <= std::max<size_t>(2, best->size() / 3))
      return message + " (did you mean '" + *best + "'?)";
    std::string allowed;
    for (size_t i = 0; i < n.properties.size(); ++i)
      allowed += (i ? ", " : "") + n.properties[i].first;
    return message + " (allowed: " + allowed + ")";
  }

  bool checkArray(const Node& n, const json& inst) {
    bool ok = true;
    const size_t size = inst.size();
    if (n.minItems && size < *n.minItems) {
      DDD_CHECK(failWith(
          "minItems", [&] { return "must have at least " + count(*n.minItems, "item", "items"); }));
    }
    if (n.maxItems && size > *n.maxItems) {
      DDD_CHECK(failWith(
          "maxItems", [&] { return "must have at most " + count(*n.maxItems, "item", "items"); }));
    }
    for (size_t i = 0; i < size; ++i) {
      int sub = i < n.prefixItems.size() ? n.prefixItems[i] : n.restItems;
      if (sub < 0) break;
      Step step(*this, i);
      if (i >= n.prefixItems.size() && c_.nodes[sub].kind == Node::Kind::RejectAll) {
        DDD_CHECK(failWith(n.restItemsIsAdditional ? "additionalItems" : "items", [&] {
          return "not allowed: at most " + count(n.prefixItems.size(), "item", "items");
        }));
        break;
      }
      DDD_CHECK(node(sub, inst[i]));
    }
    if (n.uniqueItems) {
      for (size_t i = 1; i < size; ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (inst[i] == inst[j]) {
            Step step(*this, i);
            DDD_CHECK(failWith("uniqueItems", [&] {
              return "repeats item " + std::to_string(j) + " (items must be unique)";
            }));
            i = size;
            break;
          }
        }
      }
    }
    if (n.contains >= 0) {
      const uint64_t min = n.minContains.value_or(1);
      uint64_t matches = 0;
      for (size_t i = 0; i < size; ++i) {
        Step step(*this, i);
        if (quietly([&] { return node(n.contains, inst[i]); })) {
          ++matches;
          if (!n.maxContains && matches >= min) break;
        }
        if (aborted_) return false;
      }
      if (matches < min) {
        DDD_CHECK(failWith(n.minContains ? "minContains" : "contains", [&] {
          return "must contain at least " + count(min, "item", "items") +
                 " matching the schema in contains";
        }));
      }
      if (n.maxContains && matches > *n.maxContains) {
        DDD_CHECK(failWith("maxContains", [&] {
          return "must contain at most " + count(*n.maxContains, "item", "items") +
                 " matching the schema in contains";
        }));
      }
    }
    return ok;
  }

  bool checkNumber(const Node& n, const json& inst) {
    bool ok = true;
    if (n.minimum && compareNumbers(inst, *n.minimum) < 0) {
      DDD_CHECK(failWith("minimum", [&] { return "must be >= " + n.minimum->dump(); }));
    }
    if (n.maximum && compareNumbers(inst, *n.maximum) > 0) {
      DDD_CHECK(failWith("maximum", [&] { return "must be <= " + n.maximum->dump(); }));
    }
    if (n.exclusiveMinimum && compareNumbers(inst, *n.exclusiveMinimum) <= 0) {
      DDD_CHECK(
          failWith("exclusiveMinimum", [&] { return "must be > " + n.exclusiveMinimum->dump(); }));
    }
    if (n.exclusiveMaximum && compareNumbers(inst, *n.exclusiveMaximum) >= 0) {
      DDD_CHECK(
          failWith("exclusiveMaximum", [&] { return "must be < " + n.exclusiveMaximum->dump(); }));
    }
    if (n.multipleOf && !isMultipleOf(inst, *n.multipleOf)) {
      DDD_CHECK(
          failWith("multipleOf", [&] { return "must be a multiple of " + n.multipleOf->dump(); }));
    }
    return ok;
  }

  bool checkString(const Node& n, const json& inst) {
    bool ok = true;
    const auto& s = inst.get_ref<const std::string&>();
    if (n.minLength || n.maxLength) {
      const size_t length = codePoints(s);
      if (n.minLength && length < *n.minLength) {
        DDD_CHECK(failWith("minLength", [&] {
          return "must be at least " + count(*n.minLength, "character", "characters") + " long";
        }));
      }
      if (n.maxLength && length > *n.maxLength) {
        DDD_CHECK(failWith("maxLength", [&] {
          return "must be at most " + count(*n.maxLength, "character", "characters") + " long";
        }));
      }
    }
    if (n.pattern && !RE2::PartialMatch(s, *n.pattern->re)) {
      DDD_CHECK(failWith("pattern", [&] { return "must match the pattern " + n.pattern->source; }));
    }
    if (c_.assertFormats && !n.format.empty() && !checkFormat(n.format, s)) {
      DDD_CHECK(failWith("format", [&] { return "must be a valid " + n.format; }));
    }
    return ok;
  }

#undef DDD_CHECK

  static constexpr size_t kMaxEvaluationDepth = 1000;

  const JsonSchema::Compiled& c_;
  std::vector<SchemaError>* errors_;
  bool collecting_;
  bool aborted_ = false;
  size_t evaluationDepth_ = 0;
  std::vector<Segment> path_;
  std::vector<std::pair<int, const json*>> refStack_;
};

}  // namespace detail

JsonSchema JsonSchema::compile(const json& schema, std::string name) {
  return compile(schema, std::move(name), JsonSchemaOptions{});
}

JsonSchema JsonSchema::compile(const json& schema, std::string name,
                               const JsonSchemaOptions& options) {
  detail::Compiler compiler(std::move(name), options);
  return JsonSchema(compiler.run(schema));
}

std::vector<SchemaError> JsonSchema::validate(const json& instance) const {
  std::vector<SchemaError> errors;
  detail::Validator validator(*compiled_, &errors);
  validator.validate(instance);
  return errors;
}

bool JsonSchema::isValid(const json& instance) const {
  detail::Validator validator(*compiled_, nullptr);
  return validator.validate(instance);
}

const std::string& JsonSchema::name() const { return compiled_->name; }

}  // namespace ddd::analyzers
