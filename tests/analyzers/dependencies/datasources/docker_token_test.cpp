// Docker Registry v2 bearer tokens are asked once per (realm, service, scope,
// credentials) and reused until shortly before expires_in: later look-ups of the same
// image send the token at once (no 401 first); a short-lived token is not kept; a revoked
// token is replaced. A registry fake behind RegistryHttp that speaks the token protocol.
#include <gtest/gtest.h>

#include <mutex>

#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::analyzers::deps {
namespace {

// Each test uses hosts of its own: the token cache lives as long as the process.
class TokenRegistry : public RegistryHttp {
 public:
  TokenRegistry(std::string host, long expiresIn) : host_(std::move(host)), expiresIn_(expiresIn) {}
  int tokens = 0, unauthorized = 0;
  std::string valid;  // the token the registry accepts now
  std::vector<std::string> tokenCredentials;

  HttpResponse get(const HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string realm = "https://auth." + host_ + "/token";
    if (r.url.rfind(realm + "?", 0) == 0) {
      EXPECT_FALSE(r.keep) << "a token answer must never be cached";
      EXPECT_NE(r.url.find("scope=repository%3Ateam%2Fapp%3Apull"), std::string::npos) << r.url;
      ++tokens;
      std::string auth;
      for (const auto& [k, v] : r.headers)
        if (k == "Authorization") auth = v;
      tokenCredentials.push_back(auth);
      valid = "tok-" + std::to_string(tokens);
      return {200, {}, R"({"token": ")" + valid + R"(", "expires_in": )" + std::to_string(expiresIn_) + "}", ""};
    }
    std::string auth;
    for (const auto& [k, v] : r.headers)
      if (k == "Authorization") auth = v;
    if (valid.empty() || auth != "Bearer " + valid) {
      ++unauthorized;
      return {401,
              {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"" + host_ +
                                        "\",scope=\"repository:team/app:pull\""}},
              "{}",
              ""};
    }
    const std::string base = "https://" + host_ + "/v2/team/app/";
    if (r.url == base + "tags/list?n=1000") return {200, {}, R"({"tags": ["1.0", "1.1"]})", ""};
    if (r.url == base + "manifests/1.0")
      return {200, {{"Docker-Content-Digest", "sha256:" + std::string(64, 'a')}}, "", ""};
    return {404, {}, "{}", ""};
  }

 private:
  std::string host_;
  long expiresIn_;
  std::mutex mutex_;
};

LookupRequest imageRequest(const std::string& host) {
  LookupRequest req;
  req.packageName = host + "/team/app";
  req.registryUrls = {"https://" + host};
  return req;
}

TEST(DockerTokens, OneTokenForEveryLookUpOfAnImageUntilItExpires) {
  TokenRegistry registry("reg-a.test", 300);
  const Datasource& docker = *findDatasource("docker");
  const LookupRequest req = imageRequest("reg-a.test");
  EXPECT_EQ(docker.getReleases(req, registry).releases.size(), 2u);
  EXPECT_EQ(docker.getDigest(req, "1.0", registry), "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(docker.getDigest(req, "1.0", registry), "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(docker.getReleases(req, registry).releases.size(), 2u);
  EXPECT_EQ(registry.tokens, 1);
  EXPECT_EQ(registry.unauthorized, 1);  // only the very first request was challenged
}

TEST(DockerTokens, AShortLivedTokenIsAskedForEachLookUp) {
  TokenRegistry registry("reg-b.test", 3);
  const Datasource& docker = *findDatasource("docker");
  const LookupRequest req = imageRequest("reg-b.test");
  docker.getReleases(req, registry);
  docker.getDigest(req, "1.0", registry);
  EXPECT_EQ(registry.tokens, 2);
  EXPECT_EQ(registry.unauthorized, 2);
}

TEST(DockerTokens, ARevokedTokenIsReplaced) {
  TokenRegistry registry("reg-c.test", 300);
  const Datasource& docker = *findDatasource("docker");
  const LookupRequest req = imageRequest("reg-c.test");
  docker.getReleases(req, registry);
  registry.valid = "rotated";  // the registry no longer accepts tok-1
  EXPECT_EQ(docker.getReleases(req, registry).releases.size(), 2u);
  EXPECT_EQ(registry.tokens, 2);
  docker.getReleases(req, registry);
  EXPECT_EQ(registry.tokens, 2);  // tok-2 is the cached one now
}

TEST(DockerTokens, OtherCredentialsGetTheirOwnToken) {
  TokenRegistry registry("reg-d.test", 300);
  const Datasource& docker = *findDatasource("docker");
  LookupRequest alice = imageRequest("reg-d.test");
  alice.authHeaders = {{"Authorization", "Basic YWxpY2U6eA=="}};
  LookupRequest bob = alice;
  bob.authHeaders = {{"Authorization", "Basic Ym9iOnk="}};
  docker.getReleases(alice, registry);
  docker.getReleases(bob, registry);
  docker.getReleases(alice, registry);  // tok-1 was superseded by bob's at the registry
  ASSERT_GE(registry.tokenCredentials.size(), 2u);
  EXPECT_EQ(registry.tokenCredentials[0], "Basic YWxpY2U6eA==");
  EXPECT_EQ(registry.tokenCredentials[1], "Basic Ym9iOnk=");
}

}  // namespace
}  // namespace ddd::analyzers::deps
