#include "policies/codeowners.h"

#include <re2/re2.h>

#include <algorithm>

namespace ddd::policies {

struct Codeowners::Entry {
  std::string pattern;
  std::vector<std::string> owners;
  std::unique_ptr<RE2> regex;
};

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits on unescaped blanks; "\ " and "\#" keep the character.
std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool any = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      cur += '\\';
      cur += line[++i];
      any = true;
    } else if (c == ' ' || c == '\t') {
      if (any) out.push_back(std::move(cur));
      cur.clear();
      any = false;
    } else if (c == '#' && !any) {
      break;  // a comment after the owners
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push_back(std::move(cur));
  return out;
}

// The gitignore-style pattern as an anchored RE2 expression over repository paths;
// "" when the pattern can't be read.
std::string patternToRegex(std::string p) {
  bool dirOnly = false;
  if (p.size() > 1 && p.back() == '/') {
    dirOnly = true;
    p.pop_back();
  }
  bool anchored = false;
  if (!p.empty() && p.front() == '/') {
    anchored = true;
    p.erase(0, 1);
  }
  if (p.find('/') != std::string::npos) anchored = true;
  if (p.empty()) return "";
  const size_t lastSlash = p.rfind('/');
  const bool lastHasWildcard =
      p.find_first_of("*?", lastSlash == std::string::npos ? 0 : lastSlash) != std::string::npos;

  std::string body;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        const bool slashAfter = i + 2 < p.size() && p[i + 2] == '/';
        const bool atSegmentStart = i == 0 || p[i - 1] == '/';
        if (atSegmentStart && slashAfter) {
          body += "(?:.*/)?";
          i += 2;
        } else {
          body += ".*";
          ++i;
        }
      } else {
        body += "[^/]*";
      }
    } else if (c == '?') {
      body += "[^/]";
    } else if (c == '\\' && i + 1 < p.size()) {
      body += RE2::QuoteMeta(std::string(1, p[++i]));
    } else {
      body += RE2::QuoteMeta(std::string(1, c));
    }
  }
  std::string out = anchored ? "" : "(?:.*/)?";
  out += body;
  if (dirOnly) {
    out += "/.*";
  } else if (!lastHasWildcard || (p.size() >= 2 && p.compare(p.size() - 2, 2, "**") == 0)) {
    out += "(?:/.*)?";  // a directory owns everything below it
  }
  return out;
}

}  // namespace

Codeowners Codeowners::parse(std::string_view text, std::string path) {
  Codeowners out;
  out.path_ = std::move(path);
  std::vector<std::string> sectionOwners;
  size_t lineNo = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(start, end - start));
    ++lineNo;
    start = end + 1;
    if (line.empty() || line.front() == '#') {
      if (end == text.size()) break;
      continue;
    }
    // GitLab sections: "[Name]", "^[Name]", "[Name][2]", optionally followed by owners.
    if (line.front() == '[' || (line.size() > 1 && line[0] == '^' && line[1] == '[')) {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        out.warnings_.push_back(out.path_ + ":" + std::to_string(lineNo) +
                                ": unterminated section header; line skipped");
        continue;
      }
      std::string_view rest = line.substr(close + 1);
      if (!rest.empty() && rest.front() == '[') {
        size_t c2 = rest.find(']');
        rest = c2 == std::string_view::npos ? std::string_view() : rest.substr(c2 + 1);
      }
      sectionOwners = fields(rest);
      continue;
    }
    auto parts = fields(line);
    if (parts.empty()) continue;
    auto entry = std::make_shared<Entry>();
    entry->pattern = parts[0];
    entry->owners.assign(parts.begin() + 1, parts.end());
    if (entry->owners.empty()) entry->owners = sectionOwners;
    const std::string re = patternToRegex(entry->pattern);
    if (re.empty()) {
      out.warnings_.push_back(out.path_ + ":" + std::to_string(lineNo) + ": pattern \"" +
                              entry->pattern + "\" can't be read; line skipped");
      continue;
    }
    entry->regex = std::make_unique<RE2>("^" + re + "$", RE2::Quiet);
    if (!entry->regex->ok()) {
      out.warnings_.push_back(out.path_ + ":" + std::to_string(lineNo) + ": pattern \"" +
                              entry->pattern + "\" can't be read; line skipped");
      continue;
    }
    out.entries_.push_back(std::move(entry));
    if (end == text.size()) break;
  }
  return out;
}

std::vector<std::string> Codeowners::ownersOf(std::string_view path) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (RE2::FullMatch(path, *(*it)->regex)) return (*it)->owners;
  }
  return {};
}

std::vector<std::string> Codeowners::ownersOf(const std::vector<std::string>& paths) const {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    for (auto& o : ownersOf(p)) {
      if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(std::move(o));
    }
  }
  return out;
}

std::string codeownersLocation(const std::vector<std::string>& paths) {
  for (const char* candidate :
       {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"}) {
    if (std::find(paths.begin(), paths.end(), candidate) != paths.end()) return candidate;
  }
  return "";
}

}  // namespace ddd::policies
