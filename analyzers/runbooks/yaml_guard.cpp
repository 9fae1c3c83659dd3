#include "analyzers/runbooks/yaml_guard.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace ddd::analyzers::runbooks {
namespace {

// Counts events; a well-formed document has at most a few per input byte.
class EventBudget : public YAML::EventHandler {
 public:
  explicit EventBudget(size_t budget) : left_(budget) {}
  void OnDocumentStart(const YAML::Mark&) override { tick(); }
  void OnDocumentEnd() override { tick(); }
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { tick(); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { tick(); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    tick();
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    tick();
  }
  void OnSequenceEnd() override { tick(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    tick();
  }
  void OnMapEnd() override { tick(); }

 private:
  size_t left_;
  void tick() {
    if (left_-- == 0) {
      throw YamlGuardError(
          "the YAML parser does not finish on this input (a ',' at the top level?)");
    }
  }
};

}  // namespace

std::vector<YAML::Node> loadAllYamlGuarded(std::string_view text) {
  const std::string input(text);
  {
    std::istringstream in(input);
    YAML::Parser parser(in);
    EventBudget budget(input.size() * 4 + 64);
    while (parser.HandleNextDocument(budget)) {
    }
  }
  return YAML::LoadAll(input);
}

}  // namespace ddd::analyzers::runbooks
