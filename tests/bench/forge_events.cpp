// What a worker spends reading a webhook job before it asks the forge anything: the
// stored job parsed, the event normalised and the comment's /ddd commands found — for a
// GitLab Note Hook (stored wrapped with its X-Gitlab-Event-UUID) and a GitHub
// issue_comment, each against the bare parse of the same delivery body in the same run
// (the baseline its ratio is taken against):
//   BM_GitlabNoteJob / BM_GitlabNoteParseOnly      note_merge_request (GitLab's example)
//   BM_GithubCommentJob / BM_GithubCommentParseOnly issue_comment.created (GitHub's example)
//   BM_GitlabWrap                                   the receiver's wrapping of one delivery
// and what the receiver spends on a delivery before it stores the job, for the same
// issue_comment body and GitHub's keys, against nlohmann's own parser doing the same filtering:
//   BM_ReceiverFilteredParse     forges::parseFilteredJson (one pass, the receiver's)
//   BM_ReceiverCallbackParse     nlohmann::json::parse with the same filtering callback
//   BM_ReceiverSignature         the X-Hub-Signature-256 check of the body
//   BM_ReceiverDocumentText / BM_ReceiverDocumentDump  the parse plus the stored job's
//                                text, built in the pass vs serialised from the document
//   BM_ReceiverDocumentText / BM_ReceiverDocumentTextUnionKeys  GitHub's keys (what the
//                                receiver keeps of a GitHub delivery) vs both forges' keys
//   BM_ReceiverDeliveryWork / BM_ReceiverDeliveryWorkNlohmann  signature + filtered parse +
//                                normalise + queue key + job text, this parser vs nlohmann's
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bot/commands.h"
#include "bot/data_dir.h"
#include "bot/server/webhook_server.h"
#include "forges/webhooks/events.h"
#include "forges/webhooks/filtered_json.h"
#include "forges/webhooks/verify.h"

namespace {

// The vendored fixtures of the source tree (the data directory of a development build).
std::string fixture(const std::string& relative) {
  std::ifstream in(ddd::bot::findDataDir() / "tests" / "fixtures" / "shared" / relative);
  if (!in) throw std::runtime_error("no fixture " + relative + " under the data directory");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string gitlabNote() {
  auto p = nlohmann::json::parse(fixture("gitlab/webhooks/note_merge_request.json"));
  p["object_attributes"]["note"] = "Thanks!\n/ddd rerun deprecations";
  return p.dump();
}

std::string githubComment() {
  const auto all = nlohmann::json::parse(fixture("github/webhooks/examples.json"));
  for (const auto& g : all) {
    if (g["name"] != "issue_comment") continue;
    for (auto ex : g["examples"]) {
      if (ex.value("action", "") != "created") continue;
      ex["comment"]["body"] = "Thanks!\n/ddd rerun deprecations";
      return ex.dump();
    }
  }
  return "{}";
}

void BM_GitlabNoteJob(benchmark::State& state) {
  const std::string job =
      ddd::bot::gitlabJobPayload("13792a34-cac6-4fda-95a8-c58e00a3954e", gitlabNote());
  for (auto _ : state) {
    auto stored = nlohmann::json::parse(job);
    const auto e =
        ddd::forges::normalizeGitlab("note", stored["payload"], stored.value("eventUuid", ""));
    const auto commands = ddd::bot::parseCommands(e.commentBody);
    if (commands.size() != 1) state.SkipWithError("the command was not found");
    benchmark::DoNotOptimize(commands);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * job.size()));
}

void BM_GitlabNoteParseOnly(benchmark::State& state) {
  const std::string body = gitlabNote();
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_GithubCommentJob(benchmark::State& state) {
  // As the receiver stores it: the event's document.
  const std::string job =
      ddd::forges::parseFilteredJson(githubComment(), ddd::forges::eventKeys())->dump();
  for (auto _ : state) {
    const auto payload = nlohmann::json::parse(job);
    const auto e = ddd::forges::normalizeGithub("issue_comment", payload, "");
    const auto commands = ddd::bot::parseCommands(e.commentBody);
    if (commands.size() != 1) state.SkipWithError("the command was not found");
    benchmark::DoNotOptimize(commands);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * job.size()));
}

void BM_GithubCommentParseOnly(benchmark::State& state) {
  const std::string body = githubComment();
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_GitlabWrap(benchmark::State& state) {
  const std::string body = gitlabNote();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ddd::bot::gitlabJobPayload("13792a34-cac6-4fda-95a8-c58e00a3954e", body));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_ReceiverFilteredParse(benchmark::State& state) {
  const std::string body = githubComment();
  for (auto _ : state) {
    auto doc = ddd::forges::parseFilteredJson(body, ddd::forges::githubEventKeys());
    if (!doc) state.SkipWithError("not parsed");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// The parse plus the job's text, built during the pass, with the kept keys `keys`.
void documentText(benchmark::State& state, const ddd::forges::KeptKeys& keys) {
  const std::string body = githubComment();
  std::string text;
  for (auto _ : state) {
    auto doc = ddd::forges::parseFilteredJson(body, keys, &text);
    if (!doc) state.SkipWithError("not parsed");
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// What the receiver does (GitHub's keys), against serialising the parsed document
// afterwards (BM_ReceiverDocumentDump, what it did before) and against keeping both
// forges' keys (what it kept before it chose by forge).
void BM_ReceiverDocumentText(benchmark::State& state) {
  documentText(state, ddd::forges::githubEventKeys());
}
void BM_ReceiverDocumentTextUnionKeys(benchmark::State& state) {
  documentText(state, ddd::forges::eventKeys());
}

void BM_ReceiverDocumentDump(benchmark::State& state) {
  const std::string body = githubComment();
  for (auto _ : state) {
    auto doc = ddd::forges::parseFilteredJson(body, ddd::forges::githubEventKeys());
    if (!doc) state.SkipWithError("not parsed");
    std::string text = doc->dump();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_ReceiverCallbackParse(benchmark::State& state) {
  const std::string body = githubComment();
  for (auto _ : state) {
    auto doc = ddd::forges::parseFilteredJsonReference(body, ddd::forges::githubEventKeys());
    if (!doc) state.SkipWithError("not parsed");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_ReceiverSignature(benchmark::State& state) {
  const std::string body = githubComment();
  const std::string header = ddd::forges::githubSignature("bench-secret", body);
  for (auto _ : state) {
    if (!ddd::forges::verifyGithubSignature("bench-secret", body, header))
      state.SkipWithError("signature mismatch");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// All of what the receiver does with one verified-to-be-signed delivery before it stores
// the job: the signature check, the filtered parse with the job's text, the normalised
// event and its queue key, the dedupe key (no delivery id: the body's hash is not taken
// here, the receiver has one). `parse(body, text)` gives the document and the job's text.
// The baseline does the same with nlohmann's parser: the whole body parsed into a
// document, normalised from it, the kept members dumped.
template <typename Parse>
void deliveryWork(benchmark::State& state, Parse parse) {
  const std::string body = githubComment();
  const std::string header = ddd::forges::githubSignature("bench-secret", body);
  std::string text;
  for (auto _ : state) {
    if (!ddd::forges::verifyGithubSignature("bench-secret", body, header))
      state.SkipWithError("signature mismatch");
    auto doc = parse(body, text);
    if (!doc) state.SkipWithError("not parsed");
    const auto e = ddd::forges::normalizeGithub("issue_comment", *doc,
                                                "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    std::string key = ddd::forges::queueKey(e);
    benchmark::DoNotOptimize(text);
    benchmark::DoNotOptimize(key);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_ReceiverDeliveryWork(benchmark::State& state) {
  deliveryWork(state, [](const std::string& body, std::string& text) {
    return ddd::forges::parseFilteredJson(body, ddd::forges::githubEventKeys(), &text);
  });
}

void BM_ReceiverDeliveryWorkNlohmann(benchmark::State& state) {
  deliveryWork(state, [](const std::string& body, std::string& text) {
    auto doc = ddd::forges::parseFilteredJsonReference(body, ddd::forges::githubEventKeys());
    if (doc) text = doc->dump();
    return doc;
  });
}

BENCHMARK(BM_ReceiverFilteredParse);
BENCHMARK(BM_ReceiverDeliveryWork);
BENCHMARK(BM_ReceiverDeliveryWorkNlohmann);
BENCHMARK(BM_ReceiverCallbackParse);
BENCHMARK(BM_ReceiverSignature);
BENCHMARK(BM_ReceiverDocumentText);
BENCHMARK(BM_ReceiverDocumentTextUnionKeys);
BENCHMARK(BM_ReceiverDocumentDump);
BENCHMARK(BM_GitlabNoteJob);
BENCHMARK(BM_GitlabNoteParseOnly);
BENCHMARK(BM_GithubCommentJob);
BENCHMARK(BM_GithubCommentParseOnly);
BENCHMARK(BM_GitlabWrap);

}  // namespace

BENCHMARK_MAIN();
