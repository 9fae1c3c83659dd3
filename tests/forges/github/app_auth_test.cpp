// GitHub App auth: JWTs signed RS256 that verify with the App's public key, with the
// claims GitHub requires; keys GitHub would refuse are refused with messages that never
// quote them; the installation-token cache refreshes before expiry and once on 401.
#include "forges/github/app_auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

namespace ddd::forges {
namespace {

using namespace std::chrono;

struct Pkey {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> p{nullptr, EVP_PKEY_free};
};

Pkey rsaKey(unsigned bits) {
  Pkey k;
  k.p.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  return k;
}

std::string privatePem(EVP_PKEY* key, bool pkcs8 = true) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (pkcs8) {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string base64UrlDecode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '-')
      d = 62;
    else if (c == '_')
      d = 63;
    else
      return "<bad>";
    val = (val << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

bool verifies(EVP_PKEY* key, const std::string& jwt) {
  const size_t dot = jwt.rfind('.');
  const std::string input = jwt.substr(0, dot);
  const std::string sig = base64UrlDecode(jwt.substr(dot + 1));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

TEST(AppAuth, Base64UrlHasNoPaddingAndUrlAlphabet) {
  EXPECT_EQ(base64Url(""), "");
  EXPECT_EQ(base64Url("f"), "Zg");
  EXPECT_EQ(base64Url("fo"), "Zm8");
  EXPECT_EQ(base64Url("foo"), "Zm9v");
  EXPECT_EQ(base64Url(std::string("\xfb\xff", 2)), "-_8");
}

TEST(AppAuth, JwtVerifiesWithThePublicKeyAndCarriesGithubsClaims) {
  auto key = rsaKey(2048);
  for (bool pkcs8 : {true, false}) {
    const AppKey app = AppKey::fromPem(privatePem(key.p.get(), pkcs8), "test.pem");
    const auto now = system_clock::time_point(seconds(1700000000));
    const std::string jwt = app.makeJwt("Iv1.abc123", now);
    ASSERT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2);
    EXPECT_TRUE(verifies(key.p.get(), jwt));
    const auto header = nlohmann::json::parse(base64UrlDecode(jwt.substr(0, jwt.find('.'))));
    EXPECT_EQ(header["alg"], "RS256");
    EXPECT_EQ(header["typ"], "JWT");
    const size_t a = jwt.find('.') + 1;
    const auto claims = nlohmann::json::parse(base64UrlDecode(jwt.substr(a, jwt.rfind('.') - a)));
    EXPECT_EQ(claims["iat"], 1700000000 - 60);
    EXPECT_EQ(claims["exp"], 1700000000 + 540);
    EXPECT_EQ(claims["iss"], "Iv1.abc123");
    // Never more than 10 minutes ahead, whatever is asked.
    const std::string longJwt = app.makeJwt("42", now, hours(2));
    const size_t b = longJwt.find('.') + 1;
    EXPECT_EQ(
        nlohmann::json::parse(base64UrlDecode(longJwt.substr(b, longJwt.rfind('.') - b)))["exp"],
        1700000000 + 600);
  }
}

TEST(AppAuth, ATamperedJwtDoesNotVerify) {
  auto key = rsaKey(2048);
  const AppKey app = AppKey::fromPem(privatePem(key.p.get()), "k");
  std::string jwt = app.makeJwt("1", system_clock::now());
  jwt[jwt.find('.') + 3] ^= 1;
  EXPECT_FALSE(verifies(key.p.get(), jwt));
  auto other = rsaKey(2048);
  EXPECT_FALSE(verifies(other.p.get(), app.makeJwt("1", system_clock::now())));
}

TEST(AppAuth, RefusesKeysGithubWouldNotIssueWithoutQuotingThem) {
  const std::string garbage =
      "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END RSA PRIVATE KEY-----\n";
  try {
    AppKey::fromPem(garbage, "/etc/ddd/app.pem");
    FAIL();
  } catch (const AuthError& e) {
    EXPECT_NE(std::string(e.what()).find("/etc/ddd/app.pem"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("TOPSECRET"), std::string::npos);
  }
  auto small = rsaKey(1024);
  EXPECT_THROW(AppKey::fromPem(privatePem(small.p.get()), "small.pem"), AuthError);
  Pkey ec;
  ec.p.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_THROW(AppKey::fromPem(privatePem(ec.p.get()), "ec.pem"), AuthError);
  EXPECT_THROW(AppKey::fromFile("/nonexistent/app.pem"), AuthError);
}

TEST(InstallationTokens, CachedUntilShortlyBeforeExpiry) {
  auto now = system_clock::time_point(seconds(1000000));
  int n = 0;
  InstallationTokenCache cache(
      [&](int64_t id) {
        ++n;
        // No assumption about length: GitHub's tokens grew before.
        return InstallationToken{
            "ghs_" + std::to_string(id) + "_" + std::string(200, 'x') + std::to_string(n),
            now + hours(1)};
      },
      [&] { return now; });
  const std::string first = cache.token(7);
  EXPECT_EQ(cache.token(7), first);
  now += minutes(54);
  EXPECT_EQ(cache.token(7), first);
  now += minutes(2);  // within the 5-minute margin
  const std::string second = cache.token(7);
  EXPECT_NE(second, first);
  EXPECT_EQ(cache.fetches(), 2u);
  cache.token(8);
  EXPECT_EQ(cache.fetches(), 3u);
}

TEST(InstallationTokens, RefreshOnceAfterUnauthorized) {
  auto now = system_clock::time_point(seconds(0));
  int n = 0;
  InstallationTokenCache cache(
      [&](int64_t) {
        return InstallationToken{std::string("t").append(std::to_string(++n)), now + hours(1)};
      },
      [&] { return now; });
  const std::string rejected = cache.token(1);
  const std::string fresh = cache.refreshAfterUnauthorized(1, rejected);
  EXPECT_NE(fresh, rejected);
  // A second worker that saw the same 401 gets the refreshed token, no new fetch.
  EXPECT_EQ(cache.refreshAfterUnauthorized(1, rejected), fresh);
  EXPECT_EQ(cache.fetches(), 2u);
}

TEST(InstallationTokens, AFailingFetchIsReportedAndNotCached) {
  auto now = system_clock::time_point(seconds(0));
  bool fail = true;
  InstallationTokenCache cache(
      [&](int64_t) -> InstallationToken {
        if (fail) throw AuthError("POST /app/installations/1/access_tokens answered 404");
        return {"ok", now + hours(1)};
      },
      [&] { return now; });
  EXPECT_THROW(cache.token(1), AuthError);
  fail = false;
  EXPECT_EQ(cache.token(1), "ok");
}

}  // namespace
}  // namespace ddd::forges
