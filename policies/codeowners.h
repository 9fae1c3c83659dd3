#pragma once
// CODEOWNERS (GitHub and GitLab syntax): who owns which paths, for the "@codeowners"
// reviewer of a policy rule. Patterns follow gitignore rules as the forges apply them
// (last matching line wins; GitLab `[Section]` headers are read as plain separators,
// with owners that follow the header name used as the section's default owners).
// Immutable after parsing; thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::policies {

class Codeowners {
 public:
  Codeowners() = default;  // nobody owns anything
  // Never throws: a line it cannot read is skipped and listed in warnings().
  static Codeowners parse(std::string_view text, std::string path = "CODEOWNERS");

  // The owners of one repository-relative path ("@user", "@org/team", "a@b.c"), from
  // the last matching line; empty when no line matches or that line lists nobody.
  std::vector<std::string> ownersOf(std::string_view path) const;
  // The union of the owners of every path, in first-seen order.
  std::vector<std::string> ownersOf(const std::vector<std::string>& paths) const;

  const std::string& path() const { return path_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry;
  std::string path_;
  std::vector<std::shared_ptr<const Entry>> entries_;
  std::vector<std::string> warnings_;
};

// The CODEOWNERS file a forge reads: the first of .github/CODEOWNERS, CODEOWNERS,
// docs/CODEOWNERS, .gitlab/CODEOWNERS that exists among `paths`; "" when none.
std::string codeownersLocation(const std::vector<std::string>& paths);

}  // namespace ddd::policies
