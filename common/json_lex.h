#pragma once
// Lexical pieces of JSON as nlohmann::json's lexer reads them, shared by the one-pass
// readers that check a whole text but build only part of it (forges/webhooks/
// filtered_json.cpp: webhook bodies, whole in memory; analyzers/dependencies/datasources/
// npm_packument.cpp: npm packuments, streamed in pieces). Header-only: no layer links
// another for it.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ddd::jsonlex {

inline bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

inline int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The escapes besides \u that JSON allows after a backslash.
inline bool isSimpleEscape(char e) {
  return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
         e == 't';
}

// What a simple escape stands for.
inline char simpleEscapeValue(char e) {
  switch (e) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return e;  // " \ /
  }
}

// The first byte in [p, end) that ends a run of plain string text: a quote, a backslash,
// a control character or a byte >= 0x80 (end when there is none).
inline const char* skipPlain(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too.
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote),
                                                      _mm_cmpeq_epi8(w, slash)),
                                         _mm_cmpgt_epi8(space, w));
    const int mask = _mm_movemask_epi8(special);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#else
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    const uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
    // A byte is flagged when it is zero after the XOR (quote / backslash), below 0x20,
    // or has its high bit set.
    const uint64_t special =
        ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | (w - kOnes * 0x20) | w;
    if (special & kHigh) break;
    p += 8;
  }
#endif
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
    ++p;
  }
  return p;
}

// A UTF-8 lead byte >= 0x80 as RFC 3629 defines it: the number of continuation bytes it
// needs (0: not a lead byte) and the range the first of them must be in (the others are
// 0x80-0xBF).
inline int utf8Continuations(unsigned char lead, unsigned char& lo, unsigned char& hi) {
  lo = 0x80;
  hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) return 1;
  if (lead == 0xE0) {
    lo = 0xA0;
    return 2;
  }
  if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) return 2;
  if (lead == 0xED) {
    hi = 0x9F;
    return 2;
  }
  if (lead == 0xF0) {
    lo = 0x90;
    return 3;
  }
  if (lead >= 0xF1 && lead <= 0xF3) return 3;
  if (lead == 0xF4) {
    hi = 0x8F;
    return 3;
  }
  return 0;
}

// A code point (a \u escape, surrogates combined) appended as UTF-8, as nlohmann does.
inline void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Whether nlohmann accepts a number token already checked against the JSON grammar
// (`isFloat`: it has a fraction or an exponent): it refuses only values whose double is
// not finite (an integer too large for 64 bits is read as a double).
inline bool numberIsFinite(std::string_view token, bool isFloat) {
  if (!isFloat) {
    const size_t digits = token.size() - (token[0] == '-' ? 1 : 0);
    if (digits < 300) return true;  // fewer than 300 digits can't overflow a double
  } else if (token.size() <= 24) {
    // A short float overflows only with a large exponent.
    const size_t e = token.find_first_of("eE");
    if (e == std::string_view::npos || token.size() - e <= 3) return true;  // |exp| < 100
  }
  const std::string text(token);
  return std::isfinite(std::strtod(text.c_str(), nullptr));
}

}  // namespace ddd::jsonlex
