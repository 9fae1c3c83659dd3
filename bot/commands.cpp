#include "bot/commands.h"

#include <algorithm>

namespace ddd::bot {
namespace {

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

std::vector<Command> parseCommands(std::string_view body) {
  std::vector<Command> out;
  std::string fence;  // the fence that opened the current code block, "" outside
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const std::string_view rest = line.substr(indent);
    const bool tab = !line.empty() && line[0] == '\t';
    // Fences: ``` or ~~~ (three or more), closing with the same character.
    if (indent <= 3 && (rest.rfind("```", 0) == 0 || rest.rfind("~~~", 0) == 0)) {
      const char c = rest[0];
      size_t n = 0;
      while (n < rest.size() && rest[n] == c) ++n;
      if (fence.empty()) {
        fence = std::string(n, c);
      } else if (rest.substr(0, fence.size()) == fence && c == fence[0]) {
        fence.clear();
      }
      if (end == body.size()) break;
      continue;
    }
    if (!fence.empty() || indent > 3 || tab || rest.rfind(">", 0) == 0) {
      if (end == body.size()) break;
      continue;
    }
    if (rest.rfind("/ddd", 0) == 0 && (rest.size() == 4 || rest[4] == ' ' || rest[4] == '\t')) {
      auto w = words(rest.substr(4));
      Command c;
      c.line = std::string(rest);
      if (w.empty() || w[0] == "help") {
        c.name = "help";
      } else if (w[0] == "rerun") {
        c.name = "rerun";
        c.args.assign(w.begin() + 1, w.end());
      } else if (w[0] == "ignore") {
        c.name = "ignore";
        c.args.assign(w.begin() + 1, w.end());
        if (c.args.empty()) c.problem = "`/ddd ignore` needs a dependency name";
        if (c.args.size() > 2)
          c.problem = "`/ddd ignore` takes a dependency and optionally major, minor or a version";
      } else if (w[0] == "unignore") {
        c.name = "unignore";
        c.args.assign(w.begin() + 1, w.end());
        if (c.args.size() != 1) c.problem = "`/ddd unignore` takes one dependency name";
      } else {
        c.name = "unknown";
        c.args = w;
        c.problem = "`/ddd " + w[0] + "` is not a command";
      }
      out.push_back(std::move(c));
    }
    if (end == body.size()) break;
  }
  return out;
}

CommentCommands commandsIn(const forges::ForgeEvent& comment) {
  CommentCommands out;
  if (comment.action != "created") {
    out.none = "an edited comment is never a command";
  } else if (comment.senderIsBot) {
    out.none = "a bot's comment is never a command";
  } else if (comment.number == 0) {
    out.none = "not on an issue or a merge request";
  } else {
    out.commands = parseCommands(comment.commentBody);
    if (out.commands.empty()) out.none = "no /ddd command in the comment";
  }
  return out;
}

nlohmann::json ignoreRule(const Command& c, const std::string& sender,
                          const nlohmann::json& existing) {
  nlohmann::json rule = {{"name", c.args.at(0)}, {"source", "@" + sender}};
  if (c.args.size() < 2) return rule;  // every update
  // A narrower rule adds to the one recorded, unless that one already ignores everything.
  if (existing.is_object() && existing.value("name", "") == c.args[0] &&
      !existing.contains("updateTypes") && !existing.contains("versions")) {
    return existing;
  }
  const bool type = c.args[1] == "major" || c.args[1] == "minor" || c.args[1] == "patch";
  const char* key = type ? "updateTypes" : "versions";
  for (const char* k : {"updateTypes", "versions"}) {
    if (existing.is_object() && existing.contains(k) && existing[k].is_array()) rule[k] = existing[k];
  }
  if (!rule.contains(key)) rule[key] = nlohmann::json::array();
  if (std::find(rule[key].begin(), rule[key].end(), c.args[1]) == rule[key].end()) {
    rule[key].push_back(c.args[1]);
  }
  return rule;
}

std::string describeIgnoreRule(const nlohmann::json& rule) {
  std::string what;
  auto list = [&rule](const char* key, const char* suffix) {
    std::string out;
    if (!rule.contains(key)) return out;
    for (const auto& v : rule[key]) {
      out += (out.empty() ? "" : ", ") + v.get<std::string>();
    }
    return out.empty() ? out : out + suffix;
  };
  const std::string types = list("updateTypes", " updates");
  const std::string versions = list("versions", "");
  if (types.empty() && versions.empty()) return "updates of `" + rule.value("name", "") + "`";
  what = types;
  if (!versions.empty()) what += (what.empty() ? "version " : " and version ") + versions;
  return what + " of `" + rule.value("name", "") + "`";
}

bool githubMayCommand(std::string_view permission) {
  return permission == "admin" || permission == "maintain" || permission == "write";
}

bool gitlabMayCommand(int accessLevel) { return accessLevel >= 30; }

std::string commandHelp() {
  return "ddd understands these commands, each at the start of its own line:\n\n"
         "- `/ddd rerun` — run every analyzer again (on a ddd pull request: recompute this "
         "change)\n"
         "- `/ddd rerun dependencies deprecations` — run only the named analyzers\n"
         "- `/ddd ignore <dependency>` — stop proposing updates of a dependency\n"
         "- `/ddd ignore <dependency> major` (or `minor`, `patch`, or a version) — stop "
         "proposing those updates (several such commands add up)\n"
         "- `/ddd unignore <dependency>` — forget what `/ddd ignore` said about it\n"
         "- `/ddd help` — this list\n\n"
         "Only people who can write to the repository (GitHub: write, maintain, admin; GitLab: "
         "Developer or "
         "more) can give commands.";
}

}  // namespace ddd::bot
