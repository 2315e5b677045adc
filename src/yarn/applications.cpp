// SPDX-License-Identifier: Apache-2.0
#include "yarn/applications.hpp"

#include "http/json_body.hpp"
#include "http/text.hpp"
#include "flinkscaler/json_cursor.hpp"
#include "flinkscaler/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <string_view>

namespace flinkscaler::yarn {

namespace {

using nlohmann::json;
using Node = JsonCursor<YarnError>;

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && to_lower(a) == to_lower(b);
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

/// Tags as YARN keeps them: trimmed, lower-cased, no empty entries.
std::vector<std::string> normalized_tags(const std::vector<std::string>& tags) {
    std::vector<std::string> out;
    for (const auto& tag : tags) {
        const auto trimmed = trim(tag);
        if (!trimmed.empty()) out.push_back(to_lower(trimmed));
    }
    return out;
}

std::vector<std::string> split_tags(std::string_view text) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto comma = text.find(',', start);
        parts.emplace_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return normalized_tags(parts);
}


/// An optional member: absent when missing or null.
std::optional<Node> present(const Node& node, const char* key) {
    node.require_object();
    auto it = node.value().find(key);
    if (it == node.value().end() || it->is_null()) return std::nullopt;
    return node.at(key);
}

std::string optional_string(const Node& node, const char* key) {
    const auto member = present(node, key);
    return member ? member->string() : std::string();
}

std::int64_t optional_epoch_ms(const Node& node, const char* key) {
    const auto member = present(node, key);
    if (!member) return 0;
    const json& v = member->value();
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            member->fail("integer out of range");
        return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    member->fail("expected an integer, got " + v.dump());
}

Application parse_application(const Node& node) {
    node.require_object();
    Application app;
    app.id = node.at("id").string();
    app.name = optional_string(node, "name");
    app.user = optional_string(node, "user");
    app.queue = optional_string(node, "queue");
    app.state = optional_string(node, "state");
    app.type = optional_string(node, "applicationType");
    app.tags = split_tags(optional_string(node, "applicationTags"));
    app.tracking_url = optional_string(node, "trackingUrl");
    app.am_rpc_address = optional_string(node, "amRPCAddress");
    app.started_time_ms = optional_epoch_ms(node, "startedTime");
    return app;
}

}  // namespace

std::string applications_query(const ApplicationFilter& filter) {
    std::string query = "/ws/v1/cluster/apps?states=RUNNING";
    if (!filter.type.empty()) query += "&applicationTypes=" + http::percent_encode(filter.type);
    if (!filter.user.empty()) query += "&user=" + http::percent_encode(filter.user);
    const auto tags = normalized_tags(filter.tags);
    if (!tags.empty()) {
        query += "&applicationTags=";
        for (std::size_t i = 0; i < tags.size(); ++i) query += (i == 0 ? "" : ",") + http::percent_encode(tags[i]);
    }
    return query;
}

std::vector<Application> parse_applications(const std::string& body) {
    const json document = http::parse_json_body<YarnError>(body);
    const Node apps = Node(document, "$").at("apps");
    if (apps.value().is_null()) return {};  // {"apps": null}
    const auto app = present(apps, "app");
    if (!app) return {};  // {"apps": {}}
    std::vector<Application> out;
    if (app->value().is_object()) {
        out.push_back(parse_application(*app));  // "app" as a single object (old JSON mapping)
    } else if (app->value().is_array()) {
        for (const auto& element : app->elements()) out.push_back(parse_application(element));
    } else {
        app->fail(std::string("expected an array or an object, got ") + app->value().type_name());
    }
    return out;
}

namespace {

// The Fair Scheduler reports full queue paths ("root.streaming"), the Capacity Scheduler leaf names
// ("streaming"); a configured queue matches either spelling of the same queue.
bool queue_matches(const std::string& wanted, const std::string& queue) {
    if (queue == wanted || queue == "root." + wanted || wanted == "root." + queue) return true;
    const auto leaf = wanted.rfind('.');
    return queue.find('.') == std::string::npos && leaf != std::string::npos && wanted.substr(leaf + 1) == queue;
}

}  // namespace

bool matches(const ApplicationFilter& filter, const Application& app) {
    if (app.state != "RUNNING") return false;
    if (!filter.type.empty() && !equal_ignoring_case(filter.type, app.type)) return false;
    if (!filter.queue.empty() && !queue_matches(filter.queue, app.queue)) return false;
    if (!filter.user.empty() && app.user != filter.user) return false;
    const auto wanted = normalized_tags(filter.tags);
    if (wanted.empty()) return true;
    return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& tag) {
        return std::any_of(app.tags.begin(), app.tags.end(), [&](const std::string& have) { return equal_ignoring_case(tag, have); });
    });
}

}  // namespace flinkscaler::yarn
