// SPDX-License-Identifier: Apache-2.0
//
// Shell-style globs on whole names, as `jobs:` entries and YARN application filters select jobs
// by name: `*` (any text), `?` (one UTF-8 character) and `[...]` classes (`[!...]` or `[^...]`
// negate; a `]` first in a class is literal; an unclosed `[` is an ordinary character).
#pragma once

#include <string>

namespace flinkscaler::config {

/// Glob match with `*`, `?` and `[...]` (`[!...]` negates), on whole strings.
bool glob_match(const std::string& pattern, const std::string& text);

/// Why a pattern is probably a mistake in a config file (an unclosed '['), or "".
std::string glob_problem(const std::string& pattern);

}  // namespace flinkscaler::config
