#pragma once
// Wording shared by the schedule parsers' plain-English descriptions (internal).

#include <bitset>
#include <cstdio>
#include <string>
#include <vector>

namespace ddd::analyzers::runbooks::wording {

inline constexpr const char* kMonthWords[] = {
    "",     "January", "February",  "March",   "April",    "May",     "June",
    "July", "August",  "September", "October", "November", "December"};
inline constexpr const char* kDayWords[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};

template <size_t N>
inline bool isFull(const std::bitset<N>& bits, int min, int max) {
  for (int v = min; v <= max; ++v)
    if (!bits[static_cast<size_t>(v)]) return false;
  return true;
}

template <size_t N>
std::vector<int> values(const std::bitset<N>& bits) {
  std::vector<int> out;
  for (size_t i = 0; i < N; ++i)
    if (bits[i]) out.push_back(static_cast<int>(i));
  return out;
}

// The step s > 1 when the set is exactly {min, min+s, min+2s, ...} up to max, else 0.
template <size_t N>
int stepFromMin(const std::bitset<N>& bits, int min, int max) {
  std::vector<int> v = values(bits);
  if (v.size() < 2 || v[0] != min) return 0;
  int s = v[1] - v[0];
  if (s < 2) return 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] - v[i - 1] != s) return 0;
  return v.back() + s > max ? s : 0;
}

inline std::string joinWords(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

// Runs of three or more become "X to Y": "Monday to Friday", "1, 15 and 20 to 25".
template <size_t N, typename Name>
std::string valuesText(const std::bitset<N>& bits, Name name) {
  std::vector<int> v = values(bits);
  std::vector<std::string> parts;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (j - i >= 2) {
      parts.push_back(name(v[i]) + " to " + name(v[j]));
    } else {
      for (size_t k = i; k <= j; ++k) parts.push_back(name(v[k]));
    }
    i = j + 1;
  }
  return joinWords(parts);
}

inline std::string ordinal(int n) {
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

inline std::string twoDigits(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

inline std::string number(int n) { return std::to_string(n); }
inline std::string dayWord(int d) { return kDayWords[d]; }
inline std::string monthWord(int m) { return kMonthWords[m]; }

}  // namespace ddd::analyzers::runbooks::wording
