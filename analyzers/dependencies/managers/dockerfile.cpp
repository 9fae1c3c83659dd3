// The Dockerfile manager: `FROM [--platform=...] image[:tag][@digest] [AS name]`, with
// line continuations, multi-stage builds (a FROM naming an earlier stage is skipped)
// and ARG defaults (`ARG TAG=3.11-slim` ... `FROM python:${TAG}`: the span is the
// default's). `image:tag@sha256:...` keeps the digest in currentDigest/digestSpan and
// the tag as the value (both move together); an image pinned by digest alone is listed
// as "digest-pinned", never updated (no tag says which release it is); the analyzer
// reports whether `latest` names that digest today.
#include <map>
#include <set>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

bool iequalsPrefix(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || s[word.size()] == ' ' || s[word.size()] == '\t';
}

struct ArgDefault {
  std::string value;
  Span span;
};

class DockerfileManager : public Manager {
 public:
  std::string_view name() const override { return "dockerfile"; }
  bool handles(std::string_view path) const override {
    const auto base = detail::baseName(path);
    return base == "Dockerfile" || base == "Containerfile" || base.rfind("Dockerfile.", 0) == 0 ||
           (base.size() > 11 && base.substr(base.size() - 11) == ".Dockerfile");
  }
  ExtractResult extract(std::string_view path, std::string_view content) const override {
    if (content.find('\0') != std::string_view::npos)
      throw ManifestError(std::string(path) + ": not a text file");
    ExtractResult out;
    std::map<std::string, ArgDefault> args;
    std::set<std::string> stages;
    for (const auto& line : detail::splitLines(content)) {
      std::string_view t = line.text;
      size_t lead = 0;
      while (lead < t.size() && (t[lead] == ' ' || t[lead] == '\t')) ++lead;
      t.remove_prefix(lead);
      const uint64_t base = line.offset + lead;
      if (iequalsPrefix(t, "ARG")) {
        std::string_view rest = t.substr(3);
        size_t i = 0;
        while (i < rest.size() && rest[i] == ' ') ++i;
        const size_t eq = rest.find('=', i);
        if (eq == std::string_view::npos) continue;
        std::string name(rest.substr(i, eq - i));
        std::string_view value = rest.substr(eq + 1);
        size_t vEnd = value.find_first_of(" \t");
        if (vEnd != std::string_view::npos) value = value.substr(0, vEnd);
        uint64_t vOff = base + 3 + eq + 1;
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
          value = value.substr(1, value.size() - 2);
          ++vOff;
        }
        args[name] = {std::string(value), {vOff, value.size()}};
        continue;
      }
      if (!iequalsPrefix(t, "FROM")) continue;
      std::vector<std::pair<std::string_view, uint64_t>> w;
      size_t i = 4;
      while (i < t.size()) {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
        const size_t s = i;
        while (i < t.size() && t[i] != ' ' && t[i] != '\t') ++i;
        if (i > s) w.emplace_back(t.substr(s, i - s), base + s);
      }
      while (!w.empty() && w.front().first.rfind("--", 0) == 0) w.erase(w.begin());
      if (w.empty()) continue;
      if (w.size() >= 3 && (w[1].first == "AS" || w[1].first == "as" || w[1].first == "As")) {
        stages.insert(std::string(w[2].first));
      }
      std::string_view ref = w[0].first;
      uint64_t refOff = w[0].second;
      Dependency d;
      d.manager = "dockerfile";
      d.datasource = "docker";
      d.versioning = "docker";
      d.depType = "image";
      d.line = line.number;
      // A whole reference from an ARG default.
      if (ref.size() > 3 && ref[0] == '$') {
        std::string var(ref.substr(ref[1] == '{' ? 2 : 1));
        if (!var.empty() && var.back() == '}') var.pop_back();
        auto it = args.find(var);
        if (it == args.end()) {
          d.name = std::string(ref);
          d.skipReason = "variable";
          out.deps.push_back(std::move(d));
          continue;
        }
        ref = it->second.value;
        refOff = it->second.span.offset;
      }
      if (stages.count(std::string(ref)) && !(w.size() >= 3 && ref == w[2].first)) {
        continue;  // an earlier stage
      }
      const size_t at = ref.find('@');
      const std::string_view noDigest = ref.substr(0, at);
      const size_t slash = noDigest.rfind('/');
      const size_t colon = noDigest.rfind(':');
      const bool hasTag =
          colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash);
      d.name = std::string(hasTag ? noDigest.substr(0, colon) : noDigest);
      d.packageName = d.name;
      if (d.name == "scratch") continue;
      if (at != std::string_view::npos) {
        d.currentDigest = std::string(ref.substr(at + 1));
        d.digestSpan = Span{refOff + at + 1, d.currentDigest.size()};
        if (!hasTag) d.skipReason = "digest-pinned";
      }
      if (hasTag) {
        std::string_view tag = noDigest.substr(colon + 1);
        uint64_t tagOff = refOff + colon + 1;
        if (tag.size() > 3 && tag[0] == '$') {
          std::string var(tag.substr(tag[1] == '{' ? 2 : 1));
          if (!var.empty() && var.back() == '}') var.pop_back();
          auto it = args.find(var);
          if (it == args.end()) {
            d.skipReason = "variable";
          } else {
            tag = it->second.value;
            tagOff = it->second.span.offset;
          }
        }
        d.currentValue = std::string(tag);
        d.valueSpan = {tagOff, tag.size()};
      } else if (d.skipReason.empty()) {
        d.skipReason = "unversioned";
      }
      if (d.name.find('$') != std::string::npos) d.skipReason = "variable";
      out.deps.push_back(std::move(d));
    }
    return out;
  }
  std::optional<std::string> remove(std::string_view, const Dependency&) const override {
    return std::nullopt;
  }
};

}  // namespace

const Manager& dockerfileManager() {
  static const DockerfileManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
