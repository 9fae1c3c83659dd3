#include "analyzers/dependencies/managers/npm_lockfile.h"

#include <nlohmann/json.hpp>
#include <set>

#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps {
namespace {

constexpr size_t kMaxNesting = 64;  // v1 `dependencies` nesting followed
constexpr size_t kMaxListed = 4;    // dependency differences named in a reason

const JsonNode* member(const JsonNode* n, std::string_view key) {
  return n && n->kind == JsonNode::Object ? n->get(key) : nullptr;
}
const JsonNode* stringMember(const JsonNode* n, std::string_view key) {
  const JsonNode* m = member(n, key);
  return m && m->kind == JsonNode::String ? m : nullptr;
}

std::string fileNameOf(const std::string& url) {
  const size_t slash = url.rfind('/');
  return slash == std::string::npos ? "" : url.substr(slash + 1);
}

// How two Release::lockMetadata documents differ, for a person: "adds foo@^1.0.0,
// bar ^1.0.0 -> ^2.0.0; engines differ".
std::string describeDifference(const std::string& before, const std::string& after) {
  const auto a = nlohmann::json::parse(before, nullptr, false);
  const auto b = nlohmann::json::parse(after, nullptr, false);
  if (!a.is_object() || !b.is_object()) return "its manifest differs";
  std::vector<std::string> parts;
  std::set<std::string> keys;
  for (const auto& [k, v] : a.items()) keys.insert(k);
  for (const auto& [k, v] : b.items()) keys.insert(k);
  for (const auto& key : keys) {
    const nlohmann::json x = a.value(key, nlohmann::json()), y = b.value(key, nlohmann::json());
    if (x == y) continue;
    const bool depMap =
        key == "dependencies" || key == "optionalDependencies" || key == "peerDependencies";
    if (!depMap || !(x.is_object() || x.is_null()) || !(y.is_object() || y.is_null())) {
      parts.push_back(key + " differ");
      continue;
    }
    std::vector<std::string> changes;
    const nlohmann::json xo = x.is_object() ? x : nlohmann::json::object();
    const nlohmann::json yo = y.is_object() ? y : nlohmann::json::object();
    for (const auto& [name, range] : yo.items()) {
      if (!xo.contains(name)) {
        changes.push_back("adds " + name + "@" +
                          (range.is_string() ? range.get<std::string>() : "?"));
      } else if (xo[name] != range) {
        changes.push_back(name + " " + (xo[name].is_string() ? xo[name].get<std::string>() : "?") +
                          " -> " + (range.is_string() ? range.get<std::string>() : "?"));
      }
    }
    for (const auto& [name, range] : xo.items()) {
      if (!yo.contains(name)) changes.push_back("drops " + name);
    }
    std::string text = key + ": ";
    for (size_t i = 0; i < changes.size() && i < kMaxListed; ++i)
      text += (i ? ", " : "") + changes[i];
    if (changes.size() > kMaxListed)
      text += " and " + std::to_string(changes.size() - kMaxListed) + " more";
    parts.push_back(text);
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// The `packages` key a dependency `name` of the entry at `from` resolves to, as Node
// looks up node_modules folders: the nearest existing "<dir>/node_modules/<name>".
std::string resolveFrom(const JsonNode& packages, std::string from, const std::string& name) {
  while (true) {
    const std::string candidate =
        from.empty() ? "node_modules/" + name : from + "/node_modules/" + name;
    if (packages.get(candidate)) return candidate;
    if (from.empty()) return "";
    const size_t up = from.rfind("/node_modules/");
    from = up == std::string::npos ? "" : from.substr(0, up);
  }
}

constexpr const char* kDependencyGroups[] = {"dependencies", "optionalDependencies",
                                             "peerDependencies"};

class Planner {
 public:
  Planner(const JsonNode& lock, std::string_view text, const NpmLockTarget& t)
      : lock_(lock), text_(text), t_(t), npm_(*findVersioning("npm")) {}

  NpmLockPlan run() {
    const std::string who = t_.name + " " + t_.newVersion;
    if (!t_.newRelease || t_.newRelease->artifactUrl.empty() || t_.newRelease->digest.empty()) {
      return blocked(who + ": the registry gives no tarball and integrity for it");
    }
    if (!t_.oldRelease) {
      return blocked(t_.name + " " + t_.oldVersion + " (locked) is not in the registry's list");
    }
    if (lock_.kind != JsonNode::Object) return blocked("package-lock.json is not a JSON object");
    const JsonNode* packages = member(&lock_, "packages");
    const JsonNode* legacy = member(&lock_, "dependencies");
    if (packages && packages->kind == JsonNode::Object) {
      const JsonNode* root = packages->get("");
      const JsonNode* range = stringMember(member(root, t_.depGroup), t_.name);
      if (!range) {
        return blocked("package-lock.json's root entry does not list " + t_.name + " in " +
                       t_.depGroup);
      }
      if (range->text != t_.oldRange) {
        return blocked("package-lock.json's root entry has " + t_.name + "@" + range->text +
                       " where package.json has " + t_.oldRange +
                       ": the lockfile was already out of date");
      }
      if (t_.newRange != t_.oldRange) edit(*range, t_.newRange);
      const JsonNode* entry = packages->get("node_modules/" + t_.name);
      if (!entry) return blocked("package-lock.json has no entry node_modules/" + t_.name);
      if (!updateEntry(*entry, "packages[\"node_modules/" + t_.name + "\"]")) return blockedPlan();
    }
    if (legacy && legacy->kind == JsonNode::Object) {
      const JsonNode* entry = legacy->get(t_.name);
      if (!entry)
        return blocked("package-lock.json has no entry dependencies[\"" + t_.name + "\"]");
      if (!updateEntry(*entry, "dependencies[\"" + t_.name + "\"]")) return blockedPlan();
    }
    if (plan_.edits.empty() && !(packages || legacy)) {
      return blocked("package-lock.json has neither \"packages\" nor \"dependencies\"");
    }
    // What else npm would change.
    if (t_.oldRelease->lockMetadata != t_.newRelease->lockMetadata) {
      plan_.staleReasons.push_back(
          who + " declares other dependencies than " + t_.oldVersion + " (" +
          describeDifference(t_.oldRelease->lockMetadata, t_.newRelease->lockMetadata) +
          "), so other lockfile entries change too");
    }
    if (packages && packages->kind == JsonNode::Object) {
      checkDependents(*packages);
    } else if (legacy && legacy->kind == JsonNode::Object) {
      std::vector<const JsonNode*> scopes{legacy};
      checkLegacyDependents(*legacy, scopes, "");
    }
    return std::move(plan_);
  }

 private:
  NpmLockPlan blocked(std::string reason) {
    plan_.staleReasons.push_back(std::move(reason) + "; the lockfile was left as it is");
    return blockedPlan();
  }
  NpmLockPlan blockedPlan() {
    plan_.edits.clear();
    plan_.before.clear();
    return std::move(plan_);
  }
  void edit(const JsonNode& node, const std::string& value) {
    plan_.edits.push_back({node.inner, jsonEscape(value)});
    plan_.before.emplace_back(text_.substr(node.inner.offset, node.inner.length));
  }
  bool updateEntry(const JsonNode& entry, const std::string& where) {
    const JsonNode* version = stringMember(&entry, "version");
    const JsonNode* resolved = stringMember(&entry, "resolved");
    const JsonNode* integrity = stringMember(&entry, "integrity");
    auto refuse = [&](const std::string& why) {
      plan_.staleReasons.push_back("package-lock.json " + where + " " + why +
                                   "; the lockfile was left as it is");
      return false;
    };
    if (!version || version->text != t_.oldVersion) {
      return refuse(version ? "is " + version->text + ", not " + t_.oldVersion : "has no version");
    }
    if (!resolved || !integrity) return refuse("has no resolved URL or no integrity");
    if (integrity->text != t_.oldRelease->digest) {
      return refuse("has another integrity than the registry's " + t_.name + " " + t_.oldVersion +
                    " (another registry, or a changed tarball)");
    }
    // The lock keeps the host it was resolved from (a mirror): the same file name there.
    std::string newResolved;
    const std::string oldFile = fileNameOf(t_.oldRelease->artifactUrl);
    const std::string newFile = fileNameOf(t_.newRelease->artifactUrl);
    if (resolved->text == t_.oldRelease->artifactUrl) {
      newResolved = t_.newRelease->artifactUrl;
    } else if (!oldFile.empty() && !newFile.empty() && resolved->text.size() > oldFile.size() &&
               resolved->text.compare(resolved->text.size() - oldFile.size() - 1, std::string::npos,
                                      "/" + oldFile) == 0) {
      newResolved = resolved->text.substr(0, resolved->text.size() - oldFile.size()) + newFile;
    } else {
      return refuse("was resolved from " + resolved->text +
                    ", which is not the registry's tarball of " + t_.oldVersion);
    }
    edit(*version, t_.newVersion);
    edit(*resolved, newResolved);
    edit(*integrity, t_.newRelease->digest);
    return true;
  }
  void requireAccepts(const std::string& dependent, const std::string& range) {
    if (npm_.matches(t_.newVersion, range)) return;
    plan_.staleReasons.push_back((dependent.empty() ? std::string("the root package") : dependent) +
                                 " requires " + t_.name + "@" + range + ", which " + t_.newVersion +
                                 " does not satisfy (npm nests another copy)");
  }
  void checkDependents(const JsonNode& packages) {
    const std::string self = "node_modules/" + t_.name;
    for (size_t i = 0; i < packages.keys.size(); ++i) {
      const std::string& key = packages.keys[i];
      if (key.empty() || key == self) continue;
      for (const char* group : kDependencyGroups) {
        const JsonNode* range = stringMember(member(&packages.values[i], group), t_.name);
        if (range && resolveFrom(packages, key, t_.name) == self) requireAccepts(key, range->text);
      }
    }
  }
  // v1: `requires` maps name -> range; nested `dependencies` shadow outer ones.
  void checkLegacyDependents(const JsonNode& deps, std::vector<const JsonNode*>& scopes,
                             const std::string& path) {
    if (scopes.size() > kMaxNesting) return;
    for (size_t i = 0; i < deps.keys.size(); ++i) {
      const JsonNode& entry = deps.values[i];
      const std::string here = path.empty() ? deps.keys[i] : path + " > " + deps.keys[i];
      const JsonNode* nested = member(&entry, "dependencies");
      const JsonNode* range = stringMember(member(&entry, "requires"), t_.name);
      if (range) {
        // The nearest scope that has the name: the entry's own, then outwards.
        const JsonNode* at = nested && nested->get(t_.name) ? nested : nullptr;
        for (auto s = scopes.rbegin(); !at && s != scopes.rend(); ++s) {
          if ((*s)->get(t_.name)) at = *s;
        }
        if (at == scopes.front()) requireAccepts(here, range->text);
      }
      if (nested && nested->kind == JsonNode::Object) {
        scopes.push_back(nested);
        checkLegacyDependents(*nested, scopes, here);
        scopes.pop_back();
      }
    }
  }

  const JsonNode& lock_;
  std::string_view text_;
  const NpmLockTarget& t_;
  const Versioning& npm_;
  NpmLockPlan plan_;
};

}  // namespace

std::string jsonEscape(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

NpmLockPlan planNpmLockUpdate(const JsonNode& lock, std::string_view text,
                              const NpmLockTarget& target) {
  return Planner(lock, text, target).run();
}

}  // namespace ddd::analyzers::deps
