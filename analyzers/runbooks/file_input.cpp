#include "analyzers/runbooks/file_input.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace ddd::analyzers::runbooks {

const char* toString(FactKind k) {
  switch (k) {
    case FactKind::Trigger: return "trigger";
    case FactKind::Health: return "health";
    case FactKind::Escalation: return "escalation";
    case FactKind::Signal: return "signal";
  }
  return "?";
}

namespace text {

void forEachLine(std::string_view t, const std::function<void(uint32_t, std::string_view)>& fn) {
  uint32_t number = 0;
  size_t pos = 0;
  while (pos < t.size()) {
    size_t end = t.find('\n', pos);
    if (end == std::string_view::npos) end = t.size();
    std::string_view line = t.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(++number, line);
    pos = end + 1;
  }
}

void forEachLineMatching(std::string_view t, const re2::RE2& prefilter,
                         const std::function<void(uint32_t, std::string_view)>& fn) {
  re2::StringPiece input(t.data(), t.size());
  uint32_t line = 1;
  size_t counted = 0;  // newlines counted up to here
  while (!input.empty()) {
    re2::StringPiece match;
    if (!prefilter.Match(input, 0, input.size(), re2::RE2::UNANCHORED, &match, 1)) return;
    const size_t at = static_cast<size_t>(match.data() - t.data());
    line += static_cast<uint32_t>(std::count(t.begin() + counted, t.begin() + at, '\n'));
    counted = at;
    size_t begin = t.rfind('\n', at == 0 ? 0 : at - 1);
    begin = (begin == std::string_view::npos || (at == 0)) ? 0 : begin + 1;
    if (at > 0 && t[at - 1] == '\n') begin = at;
    size_t end = t.find('\n', at);
    if (end == std::string_view::npos) end = t.size();
    std::string_view l = t.substr(begin, end - begin);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    fn(line, l);
    if (end >= t.size()) return;
    // Continue after this line.
    ++line;
    counted = end + 1;
    input = re2::StringPiece(t.data() + end + 1, t.size() - end - 1);
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string baseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string dirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string extension(std::string_view path) {
  const std::string base = baseName(path);
  const size_t dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return {};
  return lower(std::string_view(base).substr(dot));
}

bool contains(std::string_view h, std::string_view n) { return h.find(n) != std::string_view::npos; }

bool containsIgnoreCase(std::string_view h, std::string_view n) {
  if (n.empty()) return true;
  auto it = std::search(h.begin(), h.end(), n.begin(), n.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != h.end();
}

std::string firstStringLiteral(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    const char q = line[i];
    if (q != '"' && q != '\'' && q != '`') continue;
    size_t j = i + 1;
    while (j < line.size() && line[j] != q) {
      if (line[j] == '\\') ++j;
      ++j;
    }
    if (j >= line.size()) return {};
    return std::string(line.substr(i + 1, j - i - 1));
  }
  return {};
}

std::string clip(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::string validUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size() && c != 0xC0 && c != 0xC1 && c <= 0xF4;
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

}  // namespace text

namespace yaml {

uint32_t lineOf(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.line < 0 ? 0 : static_cast<uint32_t>(m.line) + 1;
}

std::string scalar(const YAML::Node& n, const char* key) {
  try {
    if (!n.IsMap()) return {};
    const YAML::Node v = n[key];
    if (v && v.IsScalar()) return v.Scalar();
  } catch (const YAML::Exception&) {
  }
  return {};
}

std::string joined(const YAML::Node& n) {
  if (!n) return {};
  if (n.IsScalar()) return n.Scalar();
  std::string out;
  if (n.IsSequence()) {
    for (const auto& item : n) {
      if (!item.IsScalar()) continue;
      if (!out.empty()) out += ' ';
      out += item.Scalar();
    }
  }
  return out;
}

namespace {
void walk(const YAML::Node& node,
          const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn,
          int depth, size_t& budget) {
  // A depth cap and a node budget: aliases can make a small file a huge tree.
  if (depth > 64 || budget == 0) return;
  --budget;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;
      fn(kv.first.Scalar(), kv.second, node);
      walk(kv.second, fn, depth + 1, budget);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) walk(item, fn, depth + 1, budget);
  }
}
}  // namespace

void forEachEntry(const YAML::Node& root,
                  const std::function<void(const std::string&, const YAML::Node&,
                                           const YAML::Node&)>& fn) {
  size_t budget = 200000;
  walk(root, fn, 0, budget);
}

}  // namespace yaml

}  // namespace ddd::analyzers::runbooks
