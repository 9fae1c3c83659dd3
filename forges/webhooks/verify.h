#pragma once
// Webhook authenticity: GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the raw body with
// the webhook secret, "sha256=<hex>") and GitLab's X-Gitlab-Token (the secret itself).
// Both compare in constant time. Pure; thread-safe.

#include <string>
#include <string_view>

namespace ddd::forges {

// Equal length and bytes, taking the same time whatever the first difference.
bool constantTimeEquals(std::string_view a, std::string_view b);
// Lower-case hex of SHA-256(data) (dedupe keys, cache keys).
std::string sha256Hex(std::string_view data);
// "sha256=" + lower-case hex of HMAC-SHA256(secret, body).
std::string githubSignature(std::string_view secret, std::string_view body);
// False for an empty secret, a missing or malformed header, or a wrong signature.
bool verifyGithubSignature(std::string_view secret, std::string_view body, std::string_view header);
// False for an empty secret or a different token.
bool verifyGitlabToken(std::string_view secret, std::string_view header);

}  // namespace ddd::forges
