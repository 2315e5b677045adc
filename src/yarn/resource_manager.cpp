// SPDX-License-Identifier: Apache-2.0
#include "yarn/resource_manager.hpp"

#include "http/text.hpp"
#include "yarn/url_origin.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace flinkscaler::yarn {

struct ResourceManagerClient::ResourceManager {
    explicit ResourceManager(http::ConnectionSettings settings) : connection(std::move(settings)) {
        // split_base_url (in the Connection) accepted the URL, so it has an origin.
        origin = url_origin(connection.base_url()).value_or(connection.base_url());
    }
    http::Connection connection;
    std::string origin;  ///< to recognise this RM in a standby's Location header
};

namespace {

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// A standby's page is HTML; an RM that answers as active sends JSON. A missing content type is
/// judged by the body.
bool is_json(const http::Response& response) {
    std::string type = response.content_type;
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (type.empty()) {
        const auto first = response.body.find_first_not_of(" \t\r\n");
        return first != std::string::npos && response.body[first] == '{';
    }
    return type.find("json") != std::string::npos;
}

/// RequestError reads "GET <url>: <problem>"; the URL is already named by the caller.
std::string problem_of(const http::RequestError& error) {
    const std::string what = error.what();
    const auto separator = what.find(": ");
    return separator == std::string::npos ? what : what.substr(separator + 2);
}

/// Hadoop's error body {"RemoteException":{"exception":..,"message":..}}, else the start of the body.
std::string describe_error_body(const http::Response& response) {
    const auto document = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (document.is_object()) {
        const auto remote = document.find("RemoteException");
        if (remote != document.end() && remote->is_object()) {
            const auto text = [&](const char* key) {
                const auto it = remote->find(key);
                return it != remote->end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            const std::string exception = text("exception"), message = text("message");
            if (!exception.empty() || !message.empty())
                return exception.empty() ? message : message.empty() ? exception : exception + ": " + message;
        }
    }
    return response.body.empty() ? "empty body" : http::quoted_excerpt(response.body);
}

}  // namespace

ResourceManagerClient::ResourceManagerClient(std::string cluster, std::vector<http::ConnectionSettings> resource_managers)
    : cluster_(std::move(cluster)) {
    if (resource_managers.empty())
        throw std::invalid_argument("yarn cluster '" + cluster_ + "': no ResourceManager address configured");
    for (auto& settings : resource_managers) {
        try {
            resource_managers_.push_back(std::make_unique<ResourceManager>(std::move(settings)));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("yarn cluster '" + cluster_ + "': " + e.what());
        }
    }
}

ResourceManagerClient::~ResourceManagerClient() = default;

std::string ResourceManagerClient::active_url() const {
    std::lock_guard lock(mutex_);
    return resource_managers_[active_]->connection.base_url();
}

std::vector<Application> ResourceManagerClient::running_applications(const ApplicationFilter& filter) {
    std::lock_guard lock(mutex_);
    const std::string query = applications_query(filter);
    const std::size_t count = resource_managers_.size();
    std::vector<bool> asked(count, false);
    std::vector<std::string> failures;
    // The next RM not asked yet in configured order after `i`, wrapping around.
    const auto next_after = [&](std::size_t i) -> std::optional<std::size_t> {
        for (std::size_t step = 1; step <= count; ++step)
            if (!asked[(i + step) % count]) return (i + step) % count;
        return std::nullopt;
    };

    std::optional<std::size_t> next = active_;
    while (next) {
        const std::size_t i = *next;
        asked[i] = true;
        auto& rm = *resource_managers_[i];
        const std::string& url = rm.connection.base_url();
        const auto fail = [&](const std::string& problem) {
            failures.push_back(url + ": " + problem);
            next = next_after(i);
        };

        http::Response response;
        try {
            response = rm.connection.get(query);
        } catch (const http::RequestError& e) {
            fail(problem_of(e));
            continue;
        }
        const std::string status = std::to_string(response.status);

        if (is_redirect(response.status)) {
            if (response.location.empty()) {
                fail("standby (" + status + " without a Location)");
                continue;
            }
            const auto origin = url_origin(response.location);
            const auto target = origin ? std::find_if(resource_managers_.begin(), resource_managers_.end(),
                                                      [&](const auto& other) { return other->origin == *origin; })
                                       : resource_managers_.end();
            const std::string to = status + " to " + origin.value_or(http::quoted_excerpt(response.location));
            if (target == resource_managers_.end()) {
                fail("standby (" + to + ", not configured)");
            } else if (const auto j = static_cast<std::size_t>(target - resource_managers_.begin()); asked[j]) {
                fail("standby (" + to + ", already asked)");
            } else {
                failures.push_back(url + ": standby (" + to + ")");
                next = j;
            }
            continue;
        }
        if (response.status == 503) {
            fail("unavailable (503)");
            continue;
        }
        if (response.ok() && !is_json(response)) {
            fail("standby (" + status + " with " + (response.content_type.empty() ? "no content type" : response.content_type) +
                 " instead of JSON: " + http::quoted_excerpt(response.body) + ")");
            continue;
        }
        if (!response.ok()) {
            throw YarnError("yarn cluster '" + cluster_ + "': " + url + " answered " + status + " to GET " + query + ": " +
                            describe_error_body(response));
        }

        active_ = i;
        std::vector<Application> applications;
        try {
            applications = parse_applications(response.body);
        } catch (const YarnError& e) {
            throw YarnError("yarn cluster '" + cluster_ + "': unusable answer of " + url + " to GET " + query + ": " + e.what());
        }
        std::erase_if(applications, [&](const Application& app) { return !matches(filter, app); });
        return applications;
    }

    std::string message = "yarn cluster '" + cluster_ + "': no active ResourceManager answered: ";
    for (std::size_t k = 0; k < failures.size(); ++k) message += (k == 0 ? "" : "; ") + failures[k];
    throw YarnError(message);
}

}  // namespace flinkscaler::yarn
