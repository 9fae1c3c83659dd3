#include "analyzers/runbooks/markdown.h"

#include <cctype>
#include <map>
#include <set>

namespace ddd::analyzers::runbooks {
namespace {

struct Line {
  size_t begin = 0;  // byte offset of the line
  size_t end = 0;    // before '\n' (and before a '\r' preceding it)
  size_t next = 0;   // offset of the next line
};

std::vector<Line> lines(std::string_view t) {
  std::vector<Line> out;
  size_t pos = 0;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    Line l;
    l.begin = pos;
    l.next = nl == std::string_view::npos ? t.size() : nl + 1;
    l.end = nl == std::string_view::npos ? t.size() : nl;
    if (l.end > l.begin && t[l.end - 1] == '\r') --l.end;
    out.push_back(l);
    pos = l.next;
  }
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool validId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::vector<MarkdownSection> splitSections(std::string_view text) {
  std::vector<MarkdownSection> out;
  MarkdownSection current;  // the text before the first heading
  bool inFence = false;
  char fenceChar = 0;
  uint32_t number = 0;
  for (const Line& l : lines(text)) {
    ++number;
    const std::string_view raw = text.substr(l.begin, l.end - l.begin);
    // Up to three spaces of indentation, as CommonMark allows.
    size_t indent = 0;
    while (indent < raw.size() && indent < 4 && raw[indent] == ' ') ++indent;
    const std::string_view s = raw.substr(indent);
    if (indent < 4 && s.size() >= 3 && (s[0] == '`' || s[0] == '~') && s[1] == s[0] && s[2] == s[0]) {
      if (!inFence) {
        inFence = true;
        fenceChar = s[0];
      } else if (s[0] == fenceChar) {
        inFence = false;
      }
      continue;
    }
    if (inFence || indent >= 4 || s.empty() || s[0] != '#') continue;
    int level = 0;
    while (level < static_cast<int>(s.size()) && s[level] == '#') ++level;
    if (level > 6) continue;
    if (level < static_cast<int>(s.size()) && s[level] != ' ' && s[level] != '\t') continue;
    std::string_view h = trimmed(s.substr(level));
    while (!h.empty() && h.back() == '#') h.remove_suffix(1);  // closing sequence
    h = trimmed(h);
    current.bodyEnd = l.begin;
    if (current.level != 0 || current.bodyEnd > current.bodyBegin) out.push_back(current);
    current = MarkdownSection{};
    current.line = number;
    current.level = level;
    current.heading = std::string(h);
    current.bodyBegin = l.next;
  }
  current.bodyEnd = text.size();
  if (current.bodyBegin > current.bodyEnd) current.bodyBegin = current.bodyEnd;
  if (current.level != 0 || current.bodyEnd > current.bodyBegin) out.push_back(current);
  return out;
}

std::string beginMarker(const std::string& id) { return "<!-- ddd:begin " + id + " -->"; }
std::string endMarker(const std::string& id) { return "<!-- ddd:end " + id + " -->"; }

MarkerParse parseMarkers(std::string_view text) {
  MarkerParse parse;
  std::optional<MarkerRegion> open;
  std::set<std::string> seen;
  uint32_t number = 0;
  auto error = [&](uint32_t line, const std::string& what) {
    if (parse.errors.size() < 20) parse.errors.push_back("line " + std::to_string(line) + ": " + what);
  };
  for (const Line& l : lines(text)) {
    ++number;
    const std::string_view s = trimmed(text.substr(l.begin, l.end - l.begin));
    // Prose that names the markers is not one: only HTML comments are looked at.
    const bool mentions = s.find("<!--") != std::string_view::npos &&
                          (s.find("ddd:begin") != std::string_view::npos ||
                           s.find("ddd:end") != std::string_view::npos);
    if (!mentions) continue;
    // The whole line must be exactly one marker.
    std::string_view body = s;
    bool isBegin = false;
    std::string id;
    const bool wellFormed = [&] {
      if (body.substr(0, 4) != "<!--" || body.size() < 7 || body.substr(body.size() - 3) != "-->") return false;
      body = trimmed(body.substr(4, body.size() - 7));
      if (body.substr(0, 10) == "ddd:begin ") isBegin = true;
      else if (body.substr(0, 8) != "ddd:end ") return false;
      id = std::string(trimmed(body.substr(isBegin ? 10 : 8)));
      return validId(id);
    }();
    if (!wellFormed) {
      error(number, "malformed ddd marker '" + std::string(s.substr(0, 80)) +
                        "' (expected <!-- ddd:begin ID --> or <!-- ddd:end ID -->)");
      continue;
    }
    if (isBegin) {
      if (open) {
        error(number, "ddd:begin " + id + " inside the region " + open->id + " opened at line " +
                          std::to_string(open->beginLine));
        continue;
      }
      if (!seen.insert(id).second) error(number, "ddd:begin " + id + " appears twice");
      open = MarkerRegion{};
      open->id = id;
      open->beginLine = number;
      open->contentBegin = l.next;
    } else {
      if (!open) {
        error(number, "ddd:end " + id + " without a ddd:begin");
        continue;
      }
      if (open->id != id) {
        error(number, "ddd:end " + id + " closes the region " + open->id + " opened at line " +
                          std::to_string(open->beginLine));
        open.reset();
        continue;
      }
      open->endLine = number;
      open->contentEnd = l.begin;
      parse.regions.push_back(*open);
      open.reset();
    }
  }
  if (open) error(open->beginLine, "ddd:begin " + open->id + " has no ddd:end");
  return parse;
}

std::string withoutRegions(std::string_view text) {
  const MarkerParse parse = parseMarkers(text);
  std::string out(text);
  if (!parse.ok()) return out;
  for (const MarkerRegion& r : parse.regions) {
    for (size_t i = r.contentBegin; i < r.contentEnd; ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
  }
  return out;
}

MergeResult mergeRegions(const std::optional<std::string>& existing, const std::string& fresh,
                         const std::vector<std::pair<std::string, std::string>>& regions) {
  MergeResult result;
  if (!existing) {
    result.content = fresh;
    return result;
  }
  const MarkerParse parse = parseMarkers(*existing);
  if (!parse.ok()) {
    result.errors = parse.errors;
    return result;
  }
  std::map<std::string, const std::string*> wanted;
  for (const auto& r : regions) wanted.emplace(r.first, &r.second);
  std::string out;
  out.reserve(existing->size() + 1024);
  size_t copied = 0;
  std::set<std::string> present;
  for (const MarkerRegion& r : parse.regions) {
    present.insert(r.id);
    auto it = wanted.find(r.id);
    if (it == wanted.end()) continue;
    out.append(*existing, copied, r.contentBegin - copied);
    out += *it->second;
    copied = r.contentEnd;
  }
  out.append(*existing, copied, std::string::npos);
  for (const auto& r : regions) {
    if (present.count(r.first) != 0) continue;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += '\n';
    out += beginMarker(r.first);
    out += '\n';
    out += r.second;
    out += endMarker(r.first);
    out += '\n';
  }
  result.content = std::move(out);
  return result;
}

}  // namespace ddd::analyzers::runbooks
