#include "analyzers/dependencies/managers/pep508.h"

#include <cctype>

namespace ddd::analyzers::deps::detail {

Pep508Requirement parsePep508(std::string_view s) {
  Pep508Requirement r;
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  const size_t nameStart = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                          s[i] == '_' || s[i] == '.')) {
    ++i;
  }
  if (i == nameStart || !std::isalnum(static_cast<unsigned char>(s[nameStart]))) return r;
  r.name = s.substr(nameStart, i - nameStart);
  while (i < s.size() && space(s[i])) ++i;
  if (i < s.size() && s[i] == '[') {
    const size_t close = s.find(']', i);
    if (close == std::string_view::npos) return r;
    i = close + 1;
    while (i < s.size() && space(s[i])) ++i;
  }
  r.valid = true;
  if (i < s.size() && s[i] == '@') {
    r.url = true;
    return r;
  }
  size_t end = s.find(';', i);
  if (end == std::string_view::npos) end = s.size();
  if (i < end && s[i] == '(') {
    // The older parenthesised form: "name (>=1.0)".
    const size_t close = s.find(')', i);
    if (close == std::string_view::npos || close > end) {
      r.valid = false;
      return r;
    }
    ++i;
    end = close;
  }
  while (i < end && space(s[i])) ++i;
  while (end > i && space(s[end - 1])) --end;
  r.specOffset = i;
  r.specLength = end - i;
  return r;
}

std::string normalizePypiName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace ddd::analyzers::deps::detail
