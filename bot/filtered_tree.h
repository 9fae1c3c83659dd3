#pragma once
// FilteredSourceTree: a SourceTree minus the files matching the repository config's
// top-level `ignorePaths` globs, so no analyzer sees them. Reads, counters and limits
// are the wrapped tree's. Immutable after construction; as thread-safe as the tree.

#include <memory>
#include <vector>

#include "analyzers/source_tree.h"

namespace ddd::bot {

class FilteredSourceTree : public analyzers::SourceTree {
 public:
  // `ignoreGlobs` use the config's glob syntax (analyzers/config/README.md); throws
  // std::runtime_error naming a bad glob.
  FilteredSourceTree(std::shared_ptr<const analyzers::SourceTree> inner,
                     const std::vector<std::string>& ignoreGlobs);

  const std::vector<analyzers::SourceFile>& files() const override { return files_; }
  std::optional<std::string> read(const analyzers::SourceFile& f) const override {
    return inner_->read(f);
  }
  git::ScanCounters& counters() const override { return inner_->counters(); }
  const analyzers::ScanLimits& limits() const override { return inner_->limits(); }
  // How many files the globs left out.
  uint64_t ignored() const { return ignored_; }

 private:
  std::shared_ptr<const analyzers::SourceTree> inner_;
  std::vector<analyzers::SourceFile> files_;
  uint64_t ignored_ = 0;
};

}  // namespace ddd::bot
