// SPDX-License-Identifier: Apache-2.0
#include "flinkscaler/text.hpp"

#include <algorithm>
#include <vector>

namespace flinkscaler {

namespace {

/// Drops the characters matching `drop` from both ends.
template <typename Predicate>
std::string_view trim_while(std::string_view text, Predicate drop) {
    while (!text.empty() && drop(text.front())) text.remove_prefix(1);
    while (!text.empty() && drop(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view java_trim(std::string_view text) {
    return trim_while(text, [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

bool is_java_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || (c >= '\x1c' && c <= '\x1f');
}

std::string_view java_strip(std::string_view text) { return trim_while(text, is_java_whitespace); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates,
                                              std::size_t max_distance) {
    std::optional<std::string_view> best;
    std::size_t best_distance = max_distance;
    const std::string lowered = to_lower(word);
    for (const auto candidate : candidates) {
        const auto d = edit_distance(lowered, to_lower(candidate));
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

}  // namespace flinkscaler
