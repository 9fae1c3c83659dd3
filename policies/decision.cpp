#include "policies/decision.h"

#include <string_view>

namespace ddd::policies {
namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view baseName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

const char* toString(Action a) {
  switch (a) {
    case Action::Automerge:
      return "automerge";
    case Action::Review:
      return "review";
    case Action::Draft:
      return "draft";
    case Action::Skip:
      return "skip";
  }
  return "review";
}

bool isProtectedPath(const std::string& path, std::string* why) {
  auto name = baseName(path);
  const char* reason = nullptr;
  if (startsWith(path, ".github/workflows/") || path == ".gitlab-ci.yml" ||
      startsWith(path, ".gitlab/ci/") || name == "action.yml" || name == "action.yaml") {
    reason = "CI changes always need review";
  } else if (name == "CODEOWNERS") {
    reason = "changes to code ownership always need review";
  }
  if (reason && why) *why = reason;
  return reason != nullptr;
}

std::optional<Action> actionFromString(const std::string& s) {
  for (Action a : {Action::Automerge, Action::Review, Action::Draft, Action::Skip}) {
    if (s == toString(a)) return a;
  }
  return std::nullopt;
}

}  // namespace ddd::policies
