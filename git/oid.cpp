#include "git/oid.h"

#include "git/error.h"

namespace ddd::git {

Oid Oid::fromHex(const std::string& hex) {
  bool valid = hex.size() == GIT_OID_HEXSZ;
  for (char c : hex) {
    if (!valid) break;
    valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  if (!valid) {
    throw GitError("not an object id: '" + hex + "' (expected " + std::to_string(GIT_OID_HEXSZ) +
                   " hex digits)");
  }
  git_oid raw;
  check(git_oid_fromstrn(&raw, hex.data(), hex.size()), "parsing object id '" + hex + "'");
  return Oid(raw);
}

std::string Oid::hex() const {
  std::string out(GIT_OID_HEXSZ, '\0');
  git_oid_fmt(out.data(), &raw_);
  return out;
}

bool Oid::isZero() const { return git_oid_is_zero(&raw_) != 0; }

}  // namespace ddd::git
