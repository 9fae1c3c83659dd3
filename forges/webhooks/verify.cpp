#include "forges/webhooks/verify.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ddd::forges {

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string githubSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

bool verifyGithubSignature(std::string_view secret, std::string_view body,
                           std::string_view header) {
  if (secret.empty() || header.size() != 71 || header.substr(0, 7) != "sha256=") return false;
  std::string lower(header);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return constantTimeEquals(githubSignature(secret, body), lower);
}

bool verifyGitlabToken(std::string_view secret, std::string_view header) {
  return !secret.empty() && constantTimeEquals(secret, header);
}

}  // namespace ddd::forges
