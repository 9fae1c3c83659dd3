#pragma once
// Adds the runbooks analyzer to the registry (analyzers/analyzer.h); idempotent.
namespace ddd::analyzers { void registerRunbooksAnalyzer(); }
