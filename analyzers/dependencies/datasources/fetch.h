#pragma once
// Details shared by the datasources: one GET with the credentials that belong to its
// host, and the mapping of HTTP statuses to "not found" or a RegistryError that names
// the registry (redacted) and the package.

#include <optional>
#include <string>

#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::analyzers::deps::detail {

// GET `url`; 2xx -> the response, 404/410 -> nullopt, anything else -> RegistryError
// "<what>: <redacted url> answered <status> ...". Adds `accept` and the request's
// auth headers.
std::optional<HttpResponse> fetch(RegistryHttp& http, const LookupRequest& request,
                                  const std::string& url, const std::string& what,
                                  const std::string& accept = "application/json",
                                  bool head = false);

// The same GET with the 2xx body handed to `reader` as a stream (read off the connection
// as it arrives when the client can; from the collected body otherwise). The returned
// response's body is empty then. `reader` is called only for a 2xx answer.
std::optional<HttpResponse> fetchStreamed(RegistryHttp& http, const LookupRequest& request,
                                          const std::string& url, const std::string& what,
                                          const std::function<void(std::istream&)>& reader,
                                          const std::string& accept = "application/json");

// Tries each base URL of the request with `lookup` until one returns a value;
// collects why each failed into one RegistryError ("not found in <url>; <url>: 503").
template <typename Lookup>
ReleaseInfo firstRegistry(const LookupRequest& request, const std::string& datasource,
                          Lookup&& lookup);

std::string urlEncodeComponent(std::string_view s);

}  // namespace ddd::analyzers::deps::detail

#include "analyzers/dependencies/datasources/fetch_inl.h"
