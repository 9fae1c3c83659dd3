#pragma once
// Escalation and failure paths: error exits and their messages (Python fail_json, raise,
// sys.exit(n>0), logger.error/critical/exception; Go panic, log.Fatal; JS/TS
// process.exit(n>0), logger.error; shell `exit n>0`), Alertmanager routes and receivers,
// and CODEOWNERS entries. On-call notes come from the docs extractor (docs.h).

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

void extractEscalation(const FileInput& in, FileFacts& out);

}  // namespace ddd::analyzers::runbooks
