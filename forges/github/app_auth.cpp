#include "forges/github/app_auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ddd::forges {

struct AppKey::Key {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey{nullptr, EVP_PKEY_free};
};

std::string base64Url(std::string_view bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
    out += k[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += k[(n >> 6) & 63];
  }
  return out;
}

AppKey AppKey::fromPem(const std::string& pem, const std::string& source) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) throw AuthError("cannot read the GitHub App key " + source + ": out of memory");
  auto key = std::make_shared<Key>();
  key->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key->pkey) {
    throw AuthError("the GitHub App key " + source +
                    " is not a PEM private key (download a new one from the App's settings page "
                    "and point DDD_GITHUB_PRIVATE_KEY_FILE at it)");
  }
  if (EVP_PKEY_get_base_id(key->pkey.get()) != EVP_PKEY_RSA) {
    throw AuthError("the GitHub App key " + source + " is not an RSA key; GitHub signs with RS256");
  }
  if (EVP_PKEY_get_bits(key->pkey.get()) < 2048) {
    throw AuthError("the GitHub App key " + source + " has " +
                    std::to_string(EVP_PKEY_get_bits(key->pkey.get())) +
                    " bits; GitHub App keys have at least 2048");
  }
  return AppKey(std::move(key));
}

AppKey AppKey::fromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw AuthError("cannot read the GitHub App key file " + path +
                    ": check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 64 * 1024)
    throw AuthError("the GitHub App key file " + path + " is too large to be a key");
  return fromPem(text.str(), path);
}

std::string AppKey::makeJwt(const std::string& issuer, std::chrono::system_clock::time_point now,
                            std::chrono::seconds lifetime) const {
  using namespace std::chrono;
  if (lifetime > seconds(600)) lifetime = seconds(600);
  const int64_t t = duration_cast<seconds>(now.time_since_epoch()).count();
  const std::string header = base64Url(R"({"alg":"RS256","typ":"JWT"})");
  const nlohmann::json claims = {{"iat", t - 60}, {"exp", t + lifetime.count()}, {"iss", issuer}};
  const std::string signingInput = header + "." + base64Url(claims.dump());

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(signingInput.data()),
                     signingInput.size()) != 1) {
    throw AuthError("signing the GitHub App JWT failed (OpenSSL)");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(signingInput.data()),
                     signingInput.size()) != 1) {
    throw AuthError("signing the GitHub App JWT failed (OpenSSL)");
  }
  sig.resize(len);
  return signingInput + "." + base64Url(sig);
}

InstallationTokenCache::InstallationTokenCache(Fetch fetch, Clock clock,
                                               std::chrono::seconds margin)
    : fetch_(std::move(fetch)), clock_(std::move(clock)), margin_(margin) {}

std::string InstallationTokenCache::token(int64_t installationId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_.find(installationId);
  if (it != tokens_.end() && clock_() + margin_ < it->second.expiresAt) return it->second.token;
  InstallationToken fresh = fetch_(installationId);
  ++fetches_;
  tokens_[installationId] = fresh;
  return fresh.token;
}

std::string InstallationTokenCache::refreshAfterUnauthorized(int64_t installationId,
                                                             const std::string& rejected) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_.find(installationId);
  if (it != tokens_.end() && it->second.token != rejected) return it->second.token;
  InstallationToken fresh = fetch_(installationId);
  ++fetches_;
  tokens_[installationId] = fresh;
  return fresh.token;
}

uint64_t InstallationTokenCache::fetches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fetches_;
}

}  // namespace ddd::forges
