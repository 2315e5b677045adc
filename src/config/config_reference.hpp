// SPDX-License-Identifier: Apache-2.0
//
// What the key tables (config_keys.hpp) generate: the Markdown reference tables that
// docs/configuration.md holds between `<!-- BEGIN GENERATED ... -->` markers, and the JSON Schema
// committed as schema/config/flinkscaler-config.schema.json. `flinkscaler check-config
// --reference` and `--json-schema` print them; tests/config/generated_test.py fails when the
// committed copies drift.
#pragma once

#include <string>

namespace flinkscaler::config {

/// Every reference table, each between its BEGIN and END marker lines, blocks separated by a
/// blank line.
std::string config_reference_markdown();

/// The JSON Schema (draft 2020-12) of the config file, pretty-printed with a final newline.
std::string config_json_schema();

}  // namespace flinkscaler::config
