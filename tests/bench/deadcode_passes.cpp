// bench_deadcode_passes: runs one dead-code pass on a commit of a git repository and
// prints its candidates, one per line ("path:line: kind name (confidence) [removal]"),
// then the pass statistics on stderr. Used by deadcode_vs_vulture.sh; no timing inside
// (the script measures the whole process, as it does for vulture).
//
//   bench_deadcode_passes python|go REPO [COMMIT]     (COMMIT defaults to HEAD)

#include <cstdio>
#include <exception>
#include <string>

#include "analyzers/deadcode/language.h"
#include "analyzers/source_tree.h"
#include "git/repository.h"

int main(int argc, char** argv) {
  using namespace ddd::analyzers;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s python|go REPO [COMMIT]\n", argv[0]);
    return 2;
  }
  try {
    const std::string language = argv[1];
    ddd::git::Repository repo = ddd::git::Repository::open(argv[2]);
    const ddd::git::Oid commit = repo.resolveCommit(argc > 3 ? argv[3] : "HEAD");
    GitSourceTree tree(argv[2], commit, ScanLimits{});
    deadcode::DeadcodeOptions options;
    deadcode::PassResult result;
    if (language == "python") {
      result = deadcode::analyzePython(tree, options);
    } else if (language == "go") {
      result = deadcode::analyzeGo(tree, options);
    } else {
      std::fprintf(stderr, "unknown language '%s' (python, go)\n", language.c_str());
      return 2;
    }
    static const char* const kinds[] = {"unused-file",   "unused-export",     "export-used-only-locally",
                                        "unused-symbol", "unused-dependency", "unlisted-dependency"};
    for (const deadcode::Candidate& c : result.candidates) {
      std::printf("%s:%u: %s %s %s (%.2f)%s\n", c.path.c_str(), c.line,
                  kinds[static_cast<int>(c.kind)], c.symbolKind.c_str(), c.name.c_str(),
                  c.confidence, c.removal ? " [removal]" : "");
      for (const std::string& d : c.doubts) std::printf("    doubt: %s\n", d.c_str());
    }
    std::fprintf(stderr, "files %llu, parse errors %llu, generated %llu, skipped %llu, entries %zu, candidates %zu\n",
                 static_cast<unsigned long long>(result.stats.files),
                 static_cast<unsigned long long>(result.stats.parseErrors),
                 static_cast<unsigned long long>(result.stats.skippedGenerated),
                 static_cast<unsigned long long>(result.stats.skippedHuge), result.stats.entries.size(),
                 result.candidates.size());
    for (const std::string& w : result.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
  }
  return 0;
}
