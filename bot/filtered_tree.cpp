#include "bot/filtered_tree.h"

#include "analyzers/deprecations/glob.h"

namespace ddd::bot {

FilteredSourceTree::FilteredSourceTree(std::shared_ptr<const analyzers::SourceTree> inner,
                                       const std::vector<std::string>& ignoreGlobs)
    : inner_(std::move(inner)) {
  const analyzers::deprecations::GlobSet ignore(ignoreGlobs);
  files_.reserve(inner_->files().size());
  for (const auto& f : inner_->files()) {
    if (!ignore.empty() && ignore.matches(f.path)) {
      ++ignored_;
    } else {
      files_.push_back(f);
    }
  }
}

}  // namespace ddd::bot
