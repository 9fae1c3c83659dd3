#include "bot/change_writing.h"

#include <algorithm>

namespace ddd::bot {

std::vector<git::TreeEdit> treeEdits(const analyzers::ProposedChange& change) {
  std::vector<git::TreeEdit> edits;
  edits.reserve(change.edits.size());
  for (const auto& e : change.edits) {
    git::TreeEdit t;
    t.path = e.path;
    t.content = e.newContent;
    t.mode = 0;  // keep the existing mode (new files get a regular file's)
    edits.push_back(std::move(t));
  }
  return edits;
}

std::vector<std::string> labelsFor(const analyzers::ProposedChange& change, const policies::Decision& decision) {
  std::vector<std::string> labels = {"ddd"};
  if (!change.facts.analyzer.empty()) labels.push_back("ddd:" + change.facts.analyzer);
  if (decision.action == policies::Action::Automerge) labels.push_back("automerge");
  if (decision.action == policies::Action::Review) labels.push_back("ddd:needs-review");
  for (const auto& l : change.facts.labels) labels.push_back(l);
  for (const auto& l : decision.labels) {
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  }
  return labels;
}

git::CommitRequest::Rebase rebaseFor(const nlohmann::json& repoConfig,
                                     const policies::Decision& decision, bool force) {
  using Rebase = git::CommitRequest::Rebase;
  if (force || decision.action == policies::Action::Automerge ||
      (decision.action == policies::Action::Review && decision.mergeOnApproval)) {
    return Rebase::BehindBase;
  }
  if (repoConfig.is_object() && repoConfig.contains("pullRequests") &&
      repoConfig["pullRequests"].is_object() &&
      repoConfig["pullRequests"].value("rebaseWhen", "") == "behind-base") {
    return Rebase::BehindBase;
  }
  return Rebase::Conflicted;
}

}  // namespace ddd::bot
