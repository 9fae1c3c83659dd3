// The table of datasources: adding a registry kind is one file plus one line here.
#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::analyzers::deps {

const Datasource& npmDatasource();
const Datasource& pypiDatasource();
const Datasource& goDatasource();
const Datasource& cratesDatasource();
const Datasource& githubTagsDatasource();
const Datasource& dockerDatasource();
const Datasource& helmDatasource();

const std::vector<const Datasource*>& datasources() {
  static const std::vector<const Datasource*> table = {
      &npmDatasource(),        &pypiDatasource(),   &goDatasource(),   &cratesDatasource(),
      &githubTagsDatasource(), &dockerDatasource(), &helmDatasource(),
  };
  return table;
}

const Datasource* findDatasource(std::string_view name) {
  for (const auto* d : datasources()) {
    if (d->name() == name) return d;
  }
  return nullptr;
}

}  // namespace ddd::analyzers::deps
