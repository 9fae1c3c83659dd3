#pragma once
// Template definitions of fetch.h.
#include "analyzers/dependencies/datasources/registry_settings.h"

namespace ddd::analyzers::deps::detail {

template <typename Lookup>
ReleaseInfo firstRegistry(const LookupRequest& request, const std::string& datasource,
                          Lookup&& lookup) {
  if (request.registryUrls.empty()) {
    throw RegistryError("no " + datasource + " registry is configured for " + request.packageName +
                        ": " + RegistrySettings::howToConfigure(datasource));
  }
  std::string tried;
  for (const auto& base : request.registryUrls) {
    try {
      std::optional<ReleaseInfo> info = lookup(base);
      if (info) {
        info->datasource = datasource;
        info->packageName = request.packageName;
        info->registryUrl = base;
        return std::move(*info);
      }
      tried += (tried.empty() ? "" : "; ") + std::string("not found in ") + redactUrl(base);
    } catch (const RegistryError& e) {
      tried += (tried.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  throw RegistryError(datasource + " package " + request.packageName + ": " + tried);
}

}  // namespace ddd::analyzers::deps::detail
