// SPDX-License-Identifier: Apache-2.0
#include "service/status_routes.hpp"

#include "service/job_status_json.hpp"
#include "store/state_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>

namespace flinkscaler::service {

namespace {

constexpr std::size_t kEventsPerJob = 50;

constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

/// Job names and error texts come from remote JobManagers and may hold invalid UTF-8; replace it
/// rather than let nlohmann throw in the middle of a response.
std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

EndpointResponse content(int status, std::string body, const char* content_type) {
    EndpointResponse out;
    out.status = status;
    out.body = std::move(body);
    out.content_type = content_type;
    return out;
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", std::chrono::duration<double>(d).count());
    return buffer;
}

nlohmann::json event_json(const store::StoredEvent& e) {
    return {
        {"id", e.id},
        {"create_time", format_instant(e.create_time)},
        {"update_time", format_instant(e.update_time)},
        {"type", e.event_type},
        {"reason", e.reason},
        {"message", e.message},
        {"count", e.count},
        {"event_key", e.event_key},
    };
}

/// Whether `path` matches `pattern`; `captured` receives what its trailing `{name}` matched.
bool matches(std::string_view pattern, std::string_view path, std::string_view& captured) {
    const auto brace = pattern.find('{');
    if (brace == std::string_view::npos) {
        captured = {};
        return pattern == path;
    }
    const auto prefix = pattern.substr(0, brace);
    if (path.size() <= prefix.size() || !path.starts_with(prefix)) return false;
    captured = path.substr(prefix.size());
    return true;
}

}  // namespace

EndpointResponse json_error(int status, const std::string& message) {
    return content(status, dump({{"error", message}}), kJson);
}

EndpointResponse method_not_allowed(const std::string& method) {
    auto out = json_error(405, "method " + method + " not allowed; the status endpoint is read-only");
    out.headers.emplace_back("Allow", "GET, HEAD");
    return out;
}

const std::vector<StatusRoutes::Route>& StatusRoutes::table() {
    static const std::vector<Route> routes = {
        // 200 "ok" while the job loop ticks, else 503 with the reason.
        {"GET", "/healthz", &StatusRoutes::healthz},
        // 200 once the board is ready, else 503.
        {"GET", "/readyz", &StatusRoutes::readyz},
        // The board's metrics, text format 0.0.4.
        {"GET", "/metrics", &StatusRoutes::metrics},
        // {"jobs": [job_status_json(job, false), ...]}, sorted by key.
        {"GET", "/api/v1/jobs", &StatusRoutes::jobs},
        // job_status_json(job, true) plus "events" (newest 50); 404 when unknown. The key is
        // "<cluster>/<job id>": the HTTP layer decodes the path, so a slash written as %2F
        // reaches this row as well.
        {"GET", "/api/v1/jobs/{key}", &StatusRoutes::job},
    };
    return routes;
}

StatusRoutes::StatusRoutes(StatusBoard& board, store::StateReader* store,
                           std::chrono::steady_clock::duration liveness_limit)
    : board_(board), store_(store), liveness_limit_(liveness_limit) {}

EndpointResponse StatusRoutes::route(const EndpointRequest& request) const {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed(request.method);
    try {
        for (const auto& row : table()) {
            std::string_view captured;
            if (row.method == "GET" && matches(row.pattern, request.path, captured))
                return (this->*row.handler)(captured);
        }
        return json_error(404, "no such endpoint: " + request.path);
    } catch (const std::exception& e) {
        spdlog::warn("status endpoint: {} {} failed: {}", request.method, request.path, e.what());
        return json_error(500, e.what());
    } catch (...) {
        spdlog::warn("status endpoint: {} {} failed: {}", request.method, request.path, "unknown error");
        return json_error(500, "unknown error");
    }
}

EndpointResponse StatusRoutes::healthz(std::string_view) const {
    if (board_.alive(liveness_limit_)) return content(200, "ok", kText);
    return content(503,
                   "not alive: the job loop has not ticked for " + seconds_text(board_.since_heartbeat()) +
                       " (limit " + seconds_text(liveness_limit_) + ")",
                   kText);
}

EndpointResponse StatusRoutes::readyz(std::string_view) const {
    if (!board_.ready())
        return content(503, "not ready: the state store is not open yet or the first poll round has not finished",
                       kText);
    if (const auto problem = board_.store_problem())
        return content(503, "not ready: the state store cannot write: " + *problem, kText);
    return content(200, "ready", kText);
}

EndpointResponse StatusRoutes::metrics(std::string_view) const {
    return content(200, board_.prometheus_text(), kPrometheusText);
}

EndpointResponse StatusRoutes::jobs(std::string_view) const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& job : board_.jobs()) list.push_back(job_status_json(job, false));
    return content(200, dump({{"jobs", std::move(list)}}), kJson);
}

EndpointResponse StatusRoutes::job(std::string_view key_text) const {
    const std::string key(key_text);
    const auto status = board_.job(key);
    if (!status) return json_error(404, "unknown job: " + key);
    auto out = job_status_json(*status, true);
    nlohmann::json events = nlohmann::json::array();
    if (store_ != nullptr)
        for (const auto& e : store_->events(key, kEventsPerJob)) events.push_back(event_json(e));
    out["events"] = std::move(events);
    return content(200, dump(out), kJson);
}

}  // namespace flinkscaler::service
