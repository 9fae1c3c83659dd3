#pragma once
namespace ddd::analyzers { void registerDeadcodeAnalyzer(); }
