// SPDX-License-Identifier: Apache-2.0
//
// A generic encoder of the Prometheus text exposition format 0.0.4: families with # HELP and
// # TYPE, samples with escaped label values, numbers as the reference client library prints
// them. It knows nothing of flinkscaler (the families are declared in metric_families.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flinkscaler::service::prometheus {

enum class MetricType { Counter, Gauge, Histogram };
/// "counter", "gauge" or "histogram", as the # TYPE line spells it.
std::string_view to_string(MetricType type);

/// (label name, label value) in the order they are printed.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

/// Shortest text that reads back as the same double (Go's strconv 'g' -1, which the reference
/// client library prints); infinities as "+Inf"/"-Inf", NaN as "NaN".
std::string format_value(double value);

/// One family being rendered: its # HELP and # TYPE lines, then its samples in the order given.
class FamilyText {
public:
    /// `name` is the full metric name; `help` is escaped here.
    FamilyText(std::string name, MetricType type, std::string_view help);

    /// A sample of series `name() + suffix` (suffix: "_bucket", "_sum", ... or empty) with a
    /// value already formatted.
    void sample(std::string_view suffix, const Labels& labels, std::string_view value);
    void sample(const Labels& labels, double value) { sample("", labels, format_value(value)); }
    void sample(const Labels& labels, std::uint64_t value) { sample("", labels, std::to_string(value)); }

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }

private:
    std::string name_;
    std::string text_;
};

/// The families sorted by name and concatenated, so the order of the output never depends on
/// the order in which they were rendered.
std::string exposition(std::vector<FamilyText> families);

}  // namespace flinkscaler::service::prometheus
