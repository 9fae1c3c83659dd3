// `/ddd` commands: only at the start of a line, outside code and quotes.
#include "bot/commands.h"

#include <gtest/gtest.h>

namespace ddd::bot {
namespace {

struct Case {
  const char* body;
  std::vector<std::string> names;  // commands found, in order
};

TEST(Commands, FoundOnlyWhereTheyCount) {
  const std::vector<Case> cases = {
      {"/ddd rerun", {"rerun"}},
      {"/ddd rerun dependencies deprecations", {"rerun"}},
      {"/ddd", {"help"}},
      {"/ddd help", {"help"}},
      {"/ddd ignore lodash", {"ignore"}},
      {"/ddd ignore lodash major", {"ignore"}},
      {"/ddd ignore", {"ignore"}},
      {"/ddd frobnicate", {"unknown"}},
      {"Thanks!\n/ddd rerun\nCheers", {"rerun"}},
      {"   /ddd rerun", {"rerun"}},  // up to three spaces
      {"    /ddd rerun", {}},        // indented code
      {"\t/ddd rerun", {}},          // indented code
      {"> /ddd rerun", {}},          // a quote
      {">> /ddd rerun", {}},         // a nested quote
      {"```\n/ddd rerun\n```", {}},  // a fenced block
      {"~~~sh\n/ddd rerun\n~~~\n/ddd help", {"help"}},
      {"````\n```\n/ddd rerun\n````\n/ddd rerun", {"rerun"}},
      {"please /ddd rerun", {}},  // not at the start
      {"/dddrerun", {}},          // not the command word
      {"/DDD rerun", {}},         // case matters
      {"`/ddd rerun`", {}},       // inline code
      {"/ddd rerun\r\n/ddd help\r\n", {"rerun", "help"}},
      {"", {}},
      {"/ddd rerun\n/ddd rerun", {"rerun", "rerun"}},
      {"text\n\n```\nunclosed\n/ddd rerun", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    std::vector<std::string> names;
    for (const auto& cmd : parseCommands(c.body)) names.push_back(cmd.name);
    EXPECT_EQ(names, c.names);
  }
}

// The one decision the receiver (store or not) and the worker (run or not) share.
TEST(Commands, ACommentsCommandsOrWhyItHasNone) {
  forges::ForgeEvent e;
  e.action = "created";
  e.number = 7;
  e.commentBody = "Thanks!\n/ddd rerun dependencies";
  auto c = commandsIn(e);
  ASSERT_EQ(c.commands.size(), 1u);
  EXPECT_EQ(c.commands[0].name, "rerun");
  EXPECT_EQ(c.none, nullptr);
  const auto why = [](forges::ForgeEvent f) {
    const auto r = commandsIn(f);
    EXPECT_TRUE(r.commands.empty());
    return std::string(r.none ? r.none : "(none given)");
  };
  auto edited = e;
  edited.action = "edited";
  EXPECT_EQ(why(edited), "an edited comment is never a command");
  auto bot = e;
  bot.senderIsBot = true;
  EXPECT_EQ(why(bot), "a bot's comment is never a command");
  auto onCommit = e;
  onCommit.number = 0;
  EXPECT_EQ(why(onCommit), "not on an issue or a merge request");
  auto plain = e;
  plain.commentBody = "LGTM\n> /ddd rerun";
  EXPECT_EQ(why(plain), "no /ddd command in the comment");
}

TEST(Commands, ArgumentsAndProblems) {
  auto c = parseCommands("/ddd rerun dependencies deprecations")[0];
  EXPECT_EQ(c.args, (std::vector<std::string>{"dependencies", "deprecations"}));
  auto i = parseCommands("/ddd ignore lodash 5.0.0")[0];
  EXPECT_EQ(i.args, (std::vector<std::string>{"lodash", "5.0.0"}));
  EXPECT_TRUE(i.problem.empty());
  EXPECT_NE(parseCommands("/ddd ignore")[0].problem.find("needs a dependency"), std::string::npos);
  EXPECT_NE(parseCommands("/ddd frobnicate")[0].problem.find("`/ddd frobnicate` is not a command"),
            std::string::npos);
  EXPECT_NE(commandHelp().find("/ddd rerun"), std::string::npos);
}

// What `/ddd ignore` records: a name alone ignores every update; update types and versions
// add up across commands; a rule that ignores everything stays so; unignore is parsed.
TEST(Commands, IgnoreRulesAddUp) {
  auto cmd = [](const std::string& text) { return parseCommands(text).at(0); };
  auto r = ignoreRule(cmd("/ddd ignore react major"), "jane", nullptr);
  EXPECT_EQ(r, (nlohmann::json{{"name", "react"}, {"source", "@jane"}, {"updateTypes", {"major"}}}));
  EXPECT_EQ(describeIgnoreRule(r), "major updates of `react`");
  r = ignoreRule(cmd("/ddd ignore react 19.0.0"), "joe", r);
  EXPECT_EQ(r["updateTypes"], nlohmann::json({"major"}));
  EXPECT_EQ(r["versions"], nlohmann::json({"19.0.0"}));
  EXPECT_EQ(r["source"], "@joe");
  EXPECT_EQ(describeIgnoreRule(r), "major updates and version 19.0.0 of `react`");
  r = ignoreRule(cmd("/ddd ignore react major"), "joe", r);  // no duplicate
  EXPECT_EQ(r["updateTypes"].size(), 1u);
  const auto all = ignoreRule(cmd("/ddd ignore react"), "jane", r);
  EXPECT_EQ(all, (nlohmann::json{{"name", "react"}, {"source", "@jane"}}));
  EXPECT_EQ(describeIgnoreRule(all), "updates of `react`");
  EXPECT_EQ(ignoreRule(cmd("/ddd ignore react minor"), "joe", all), all);  // stays "all"
  const auto un = cmd("/ddd unignore react");
  EXPECT_EQ(un.name, "unignore");
  EXPECT_TRUE(un.problem.empty());
  EXPECT_FALSE(cmd("/ddd unignore").problem.empty());
  EXPECT_NE(commandHelp().find("/ddd unignore"), std::string::npos);
}

TEST(Commands, WhoMayCommand) {
  for (const char* p : {"admin", "maintain", "write"}) EXPECT_TRUE(githubMayCommand(p)) << p;
  for (const char* p : {"triage", "read", "none", ""}) EXPECT_FALSE(githubMayCommand(p)) << p;
  EXPECT_TRUE(gitlabMayCommand(30));
  EXPECT_TRUE(gitlabMayCommand(50));
  EXPECT_FALSE(gitlabMayCommand(20));
}

}  // namespace
}  // namespace ddd::bot
