// SPDX-License-Identifier: Apache-2.0
//
// Reading JSON documents with errors that carry the JSON path of the problem. Used for replay
// files, persisted state and Flink REST responses.
#pragma once

#include "flinkscaler/job_state.hpp"
#include "flinkscaler/numeric.hpp"
#include "flinkscaler/time.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flinkscaler {

/// A read-only cursor on one JSON value that knows its path ("$.samples[2].timestamp"), so every
/// error says where it is. Errors are thrown as `Error(path + ": " + problem)`; the value must
/// outlive the cursor.
template <typename Error>
class JsonCursor {
public:
    JsonCursor(const nlohmann::json& value, std::string path) : value_(value), path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& problem) const { throw Error(path_ + ": " + problem); }

    const nlohmann::json& value() const { return value_; }
    const std::string& path() const { return path_; }

    const JsonCursor& require_object() const {
        if (!value_.is_object()) fail(std::string("expected an object, got ") + value_.type_name());
        return *this;
    }
    bool has(const char* key) const { return value_.is_object() && value_.contains(key); }
    JsonCursor at(const char* key) const {
        require_object();
        auto it = value_.find(key);
        if (it == value_.end()) JsonCursor(value_, path_ + "." + key).fail("missing");
        return JsonCursor(*it, path_ + "." + key);
    }
    std::optional<JsonCursor> maybe(const char* key) const {
        if (!has(key)) return std::nullopt;
        return at(key);
    }
    std::vector<JsonCursor> elements() const {
        if (!value_.is_array()) fail(std::string("expected an array, got ") + value_.type_name());
        std::vector<JsonCursor> out;
        for (std::size_t i = 0; i < value_.size(); ++i) out.emplace_back(value_[i], path_ + "[" + std::to_string(i) + "]");
        return out;
    }
    std::vector<std::pair<std::string, JsonCursor>> members() const {
        require_object();
        std::vector<std::pair<std::string, JsonCursor>> out;
        for (auto it = value_.begin(); it != value_.end(); ++it) out.emplace_back(it.key(), JsonCursor(*it, path_ + "." + it.key()));
        return out;
    }
    std::string string() const {
        if (!value_.is_string()) fail(std::string("expected a string, got ") + value_.type_name());
        return value_.get<std::string>();
    }
    double number() const {
        try {
            return double_from_json(value_);
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
    }
    int integer() const {
        if (!value_.is_number_integer()) fail(std::string("expected an integer, got ") + value_.dump());
        const auto v = value_.get<std::int64_t>();
        if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail("integer out of range");
        return static_cast<int>(v);
    }
    bool boolean() const {
        if (!value_.is_boolean()) fail(std::string("expected true or false, got ") + value_.dump());
        return value_.get<bool>();
    }
    Instant instant() const {
        if (value_.is_number_integer()) return instant_from_epoch_ms(value_.get<std::int64_t>());
        try {
            return parse_instant(string());
        } catch (const Error&) {
            throw;
        } catch (const std::invalid_argument& e) {
            fail(e.what());
        }
    }
    /// Flink option values are strings; numbers and booleans are accepted and written as Flink would.
    std::string option_value() const {
        if (value_.is_string()) return value_.get<std::string>();
        if (value_.is_boolean()) return value_.get<bool>() ? "true" : "false";
        if (value_.is_number_integer()) return std::to_string(value_.get<std::int64_t>());
        if (value_.is_number()) return java_double_to_string(value_.get<double>());
        fail("expected a string, number or boolean option value");
    }

private:
    const nlohmann::json& value_;
    std::string path_;
};

}  // namespace flinkscaler
