#pragma once
// GitHub App authentication: the App's JSON Web Token (RS256 over the App's PEM private
// key with OpenSSL's EVP API; `iat` 60 s in the past against clock skew, `exp` at most
// 10 minutes ahead as GitHub allows, `iss` the client id or the app id) and a cache of
// installation access tokens (from POST /app/installations/{id}/access_tokens), kept
// until shortly before their `expires_at` and refreshed once when GitHub answers 401.
// Nothing here assumes a token's length or format. Secrets never reach an error message.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace ddd::forges {

class AuthError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The App's signing key. Thread-safe (signing takes no shared state).
class AppKey {
 public:
  // Parses a PEM private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"); `source`
  // names it in errors ("/etc/ddd/app.pem"). Throws AuthError for anything that is not an
  // RSA key of at least 2048 bits; the message never quotes the key.
  static AppKey fromPem(const std::string& pem, const std::string& source);
  static AppKey fromFile(const std::string& path);

  // A JWT for the App: header {"alg":"RS256","typ":"JWT"}, claims {iat: now-60,
  // exp: now+lifetime (capped at 600 s), iss: issuer}.
  std::string makeJwt(const std::string& issuer, std::chrono::system_clock::time_point now,
                      std::chrono::seconds lifetime = std::chrono::seconds(540)) const;

  struct Key;  // detail

 private:
  explicit AppKey(std::shared_ptr<const Key> key) : key_(std::move(key)) {}
  std::shared_ptr<const Key> key_;
};

// base64url without padding (RFC 7515 §2).
std::string base64Url(std::string_view bytes);

struct InstallationToken {
  std::string token;
  std::chrono::system_clock::time_point expiresAt;
};

// Installation tokens per installation id. `fetch` does the POST (with the App JWT) and
// returns the token and its expiry; it may throw. Thread-safe: concurrent callers for
// one installation wait for one fetch.
class InstallationTokenCache {
 public:
  using Fetch = std::function<InstallationToken(int64_t installationId)>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // Tokens are refreshed `margin` before they expire (GitHub gives an hour).
  InstallationTokenCache(Fetch fetch, Clock clock,
                         std::chrono::seconds margin = std::chrono::seconds(300));

  // A token valid for at least `margin` more.
  std::string token(int64_t installationId);
  // After a 401 with `rejected`: drops it and fetches a new one, once — a second call
  // with the same rejected token returns the already refreshed one.
  std::string refreshAfterUnauthorized(int64_t installationId, const std::string& rejected);

  uint64_t fetches() const;  // how many times fetch ran (tests, metrics)

 private:
  Fetch fetch_;
  Clock clock_;
  std::chrono::seconds margin_;
  mutable std::mutex mutex_;
  std::map<int64_t, InstallationToken> tokens_;
  uint64_t fetches_ = 0;
};

}  // namespace ddd::forges
