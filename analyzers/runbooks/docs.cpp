#include "analyzers/runbooks/docs.h"

#include "analyzers/runbooks/markdown.h"

namespace ddd::analyzers::runbooks {

bool isMarkdown(const std::string& path) {
  const std::string ext = text::extension(path);
  return ext == ".md" || ext == ".markdown";
}

void extractDocs(const FileInput& in, FileFacts& out) {
  if (!isMarkdown(in.path)) return;
  const std::string human = withoutRegions(in.text);
  for (const MarkdownSection& s : splitSections(human)) {
    DocSection d;
    d.source = {in.path, s.line};
    d.heading = s.heading;
    d.level = s.level;
    d.text = text::clip(std::string_view(human).substr(s.bodyBegin, s.bodyEnd - s.bodyBegin), 16384);
    if (text::trim(d.text).empty() && d.heading.empty()) continue;
    const std::string low = text::lower(d.heading);
    for (const char* word : {"on-call", "oncall", "on call", "escalat", "pager", "incident",
                             "emergency", "contacts"}) {
      if (low.find(word) == std::string::npos) continue;
      Fact f;
      f.source = d.source;
      f.kind = FactKind::Escalation;
      f.type = "oncall-note";
      f.subject = d.heading;
      std::string first;
      text::forEachLine(d.text, [&](uint32_t, std::string_view l) {
        if (first.empty() && !text::trim(l).empty()) first = std::string(text::trim(l));
      });
      f.value = text::clip(first, 200);
      out.facts.push_back(std::move(f));
      break;
    }
    out.docs.push_back(std::move(d));
  }
}

}  // namespace ddd::analyzers::runbooks
