#pragma once
// Health and validation: HTTP health routes declared in JS/TS, Python and Go code
// (health, healthz, ready, live, status, ping), Kubernetes liveness / readiness /
// startup probes, Docker HEALTHCHECK, compose `healthcheck`, smoke-test scripts, Helm
// test hooks, and Ansible validation tasks (uri, wait_for, assert, `validate:`).

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

void extractHealth(const FileInput& in, FileFacts& out);

}  // namespace ddd::analyzers::runbooks
