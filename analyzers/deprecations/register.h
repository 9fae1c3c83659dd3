#pragma once
namespace ddd::analyzers { void registerDeprecationsAnalyzer(); }
