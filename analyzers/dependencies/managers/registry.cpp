// The table of managers (one line per manifest format) and span-based rewriting.
#include <algorithm>

#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {

const Manager& npmManager();
const Manager& pipRequirementsManager();
const Manager& goModManager();
const Manager& dockerfileManager();
const Manager& githubActionsManager();
const Manager& cargoManager();
const Manager& pyprojectManager();
const Manager& helmManager();

const std::vector<const Manager*>& managers() {
  static const std::vector<const Manager*> table = {
      &npmManager(),   &pipRequirementsManager(), &pyprojectManager(),     &goModManager(),
      &cargoManager(), &dockerfileManager(),      &githubActionsManager(), &helmManager()};
  return table;
}

const Manager* findManager(std::string_view name) {
  for (const auto* m : managers()) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

std::string applySpanEdits(std::string_view content, std::vector<SpanReplacement> edits) {
  std::sort(edits.begin(), edits.end(), [](const SpanReplacement& a, const SpanReplacement& b) {
    return a.span.offset < b.span.offset;
  });
  std::string out;
  out.reserve(content.size());
  uint64_t at = 0;
  for (const auto& e : edits) {
    if (e.span.end() > content.size()) {
      throw std::invalid_argument(
          "span " + std::to_string(e.span.offset) + "+" + std::to_string(e.span.length) +
          " is past the end of the content (" + std::to_string(content.size()) + " bytes)");
    }
    if (e.span.offset < at) {
      throw std::invalid_argument("spans overlap at byte " + std::to_string(e.span.offset));
    }
    out.append(content.substr(at, e.span.offset - at));
    out.append(e.text);
    at = e.span.end();
  }
  out.append(content.substr(at));
  return out;
}

}  // namespace ddd::analyzers::deps
