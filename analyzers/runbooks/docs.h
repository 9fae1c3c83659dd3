#pragma once
// Existing docs: every Markdown file (README, docs/, RUNBOOK, OPERATIONS, ...) split into
// sections, with the text ddd generated (inside ddd markers) left out, so procedures a
// human already documented are recognised and not duplicated. Sections about on-call /
// escalation / incidents also become escalation facts ("oncall-note").

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

bool isMarkdown(const std::string& path);
void extractDocs(const FileInput& in, FileFacts& out);

}  // namespace ddd::analyzers::runbooks
