#include "forges/webhooks/verify.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <memory>

namespace ddd::forges {

namespace {

// HMAC-SHA256 with the key set up once: OpenSSL 3's one-shot HMAC() looks the algorithm
// up in its provider store and hashes the key on every call, a noticeable part of what a
// receiver spends per delivery. Each thread keeps a context keyed with the last secret it
// saw and duplicates it per message.
class HmacSha256 {
 public:
  bool sign(std::string_view secret, std::string_view body, unsigned char* mac, size_t& len) {
    if (!keyed_ || secret != secret_) {
      if (!rekey(secret)) return false;
    }
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_dup(keyed_.get()),
                                                                  EVP_MAC_CTX_free);
    return ctx &&
           EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(body.data()),
                          body.size()) == 1 &&
           EVP_MAC_final(ctx.get(), mac, &len, EVP_MAX_MD_SIZE) == 1;
  }

 private:
  bool rekey(std::string_view secret) {
    keyed_.reset();
    std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                          EVP_MAC_free);
    if (!mac) return false;
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                  EVP_MAC_CTX_free);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                             secret.size(), params) != 1)
      return false;
    keyed_.reset(ctx.release());
    secret_.assign(secret);
    return true;
  }

  struct Free {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  };
  std::unique_ptr<EVP_MAC_CTX, Free> keyed_;
  std::string secret_;
};

std::string hexLower(const unsigned char* bytes, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hexLower(md, sizeof md);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string githubSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t len = 0;
  thread_local HmacSha256 hmac;
  if (!hmac.sign(secret, body, mac, len)) return "";  // never equal to a signature header
  return "sha256=" + hexLower(mac, len);
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
