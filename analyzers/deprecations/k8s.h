#pragma once
// Finding Kubernetes object references in YAML text for `k8s-api` rules: every
// `apiVersion:` key whose mapping has a sibling `kind:` key (same indentation, same
// mapping, before or after it, same `---` document). That covers top-level objects and
// nested references such as `scaleTargetRef: {apiVersion, kind, name}` in block style;
// flow-style mappings (`{apiVersion: apps/v1, kind: Deployment}`) are recognised when
// they sit on one line. A line scanner, not a YAML parser: linear in the text, no
// allocation besides the output, never reads past the end. Thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deprecations {

struct K8sApiRef {
  std::size_t valueBegin = 0;  // the apiVersion value's bytes, quotes excluded
  std::size_t valueEnd = 0;
  std::string_view apiVersion;  // views into the scanned text
  std::string_view kind;
};

// Replaces `out` with the references in `yaml`, in text order. Keys in comments and
// apiVersion keys without a sibling kind are ignored.
void findK8sApiRefs(std::string_view yaml, std::vector<K8sApiRef>& out);

}  // namespace ddd::analyzers::deprecations
