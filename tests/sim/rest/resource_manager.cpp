// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/resource_manager.hpp"

#include "flinkscaler/config_values.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace flinkscaler::sim {

namespace {

using ordered_json = nlohmann::ordered_json;
using flinkscaler::to_lower;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kNodeManager = "127.0.0.1:8042";  // the AM's NodeManager web UI (not Flink)
constexpr double kClusterMb = 262144.0;                  // a 256 GiB cluster ...
constexpr double kQueueShare = 0.25;                     // ... of which each queue gets a quarter
constexpr const char* kStates = "NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED";

RestResponse json_body(const ordered_json& body, int status = 200) { return RestResponse{status, body.dump(), kJson}; }

/// Hadoop's RemoteException body (GenericExceptionHandler): the message is the cause's text.
RestResponse remote_exception(int status, const std::string& exception, const std::string& java_class,
                              const std::string& message) {
    ordered_json e;
    e["exception"] = exception;
    e["message"] = "java.lang.Exception: " + message;
    e["javaClassName"] = java_class;
    return json_body(ordered_json{{"RemoteException", e}}, status);
}

RestResponse bad_request(const std::string& message) {
    return remote_exception(400, "BadRequestException", "org.apache.hadoop.yarn.webapp.BadRequestException", message);
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

/// A Jetty-style error page.
RestResponse html_page(int status, const std::string& title, const std::string& message) {
    RestResponse r;
    r.status = status;
    r.content_type = kHtml;
    r.body = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error " +
             std::to_string(status) + " " + html_escape(title) + "</title>\n</head>\n<body><h2>HTTP ERROR " +
             std::to_string(status) + "</h2>\n<p>" + html_escape(message) + "</p>\n</body>\n</html>\n";
    return r;
}

/// What a servlet without the method's handler answers (HttpServlet's default).
RestResponse method_not_allowed(const std::string& method) {
    const std::string text = "HTTP method " + method + " is not supported by this URL";
    return html_page(405, text, text);
}

RestResponse standby_page(const std::string& message) {
    return html_page(503, "Service Unavailable", "This is standby RM. " + message);
}

/// Comma lists of repeated parameters, trimmed and lower-cased, empty entries dropped.
std::vector<std::string> lower_list(const RestRequest& request, const std::string& key) {
    std::vector<std::string> out;
    std::string_view rest;
    const std::string joined = request.param(key);
    rest = joined;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
        if (!item.empty()) out.push_back(to_lower(item));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

/// A Java long as Long.parseLong reads it; nullopt for anything else.
std::optional<long long> parse_long(const std::string& text) {
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string rebuild_target(const RestRequest& request) {
    std::string target = percent_encode(request.path, true);
    char separator = '?';
    for (const auto& [key, value] : request.params) {
        target += separator + percent_encode(key, false) + "=" + percent_encode(value, false);
        separator = '&';
    }
    return target;
}

const char* state_name(YarnAppState s) {
    switch (s) {
    case YarnAppState::Accepted: return "ACCEPTED";
    case YarnAppState::Running: return "RUNNING";
    case YarnAppState::Finished: return "FINISHED";
    }
    return "RUNNING";
}

const char* final_status_name(YarnAppState s) { return s == YarnAppState::Finished ? "SUCCEEDED" : "UNDEFINED"; }

std::string to_upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

std::string join_tags(const std::vector<std::string>& tags) {
    std::string out;
    for (const auto& t : tags) out += (out.empty() ? "" : ",") + t;
    return out;
}

/// The container id of the first attempt's AM: container_e01_<ts>_<seq>_01_000001.
std::string am_container(const std::string& app_id) {
    return "container_e01_" + app_id.substr(std::string_view("application_").size()) + "_01_000001";
}

}  // namespace

ResourceManagers::ResourceManagers(YarnSpec spec, std::int64_t start_epoch_ms, std::vector<ClusterState*> clusters)
    : spec_(std::move(spec)), start_ms_(start_epoch_ms), clusters_(std::move(clusters)) {
    ports_.resize(spec_.resource_managers.size());
    for (std::size_t i = 0; i < ports_.size(); ++i) ports_[i] = spec_.resource_managers[i].port;
    for (const auto& app : spec_.applications) {
        if (app.cluster >= clusters_.size() || !clusters_[app.cluster])
            throw std::invalid_argument("application " + app.id + " refers to a missing cluster");
        const auto tm = clusters_[app.cluster]->inspect([](const Cluster& c) { return c.spec().taskmanagers; });
        Resources r;
        r.taskmanagers = tm.count;
        r.tm_vcores = tm.slots;  // yarn.containers.vcores defaults to the slots per TaskManager
        r.tm_mb = std::max(2048, 1024 * tm.slots);
        resources_.push_back(r);
    }
}

int ResourceManagers::port(std::size_t index) const {
    std::lock_guard lock(mutex_);
    return ports_.at(index);
}

void ResourceManagers::set_port(std::size_t index, int port) {
    std::lock_guard lock(mutex_);
    ports_.at(index) = port;
}

std::size_t ResourceManagers::active_at(double now_s) const {
    std::size_t active = spec_.active;
    for (const auto& f : spec_.failovers)
        if (f.at_s <= now_s) active = f.to;
    return active;
}

bool ResourceManagers::down_at(std::size_t index, double now_s) const {
    const auto& windows = spec_.resource_managers.at(index).down;
    return std::any_of(windows.begin(), windows.end(), [&](const YarnDownWindow& w) { return w.active_at(now_s); });
}

YarnAppState ResourceManagers::app_state(const YarnApplicationSpec& app, double now_s) const {
    if (now_s < app.start_s) return YarnAppState::Accepted;
    if (app.finish_s && now_s >= *app.finish_s) return YarnAppState::Finished;
    return YarnAppState::Running;
}

bool ResourceManagers::cluster_stopped(std::size_t cluster, double now_s) const {
    for (const auto& app : spec_.applications)
        if (app.cluster == cluster && app.stop_cluster_on_finish && app_state(app, now_s) == YarnAppState::Finished)
            return true;
    return false;
}

std::optional<std::size_t> ResourceManagers::find_app_index(std::string_view id) const {
    for (std::size_t i = 0; i < spec_.applications.size(); ++i)
        if (spec_.applications[i].id == id) return i;
    return std::nullopt;
}

double ResourceManagers::submitted_s(const YarnApplicationSpec& app) {
    // Submitted 10 s before it runs, but not after t = 0 (it is known from the start).
    return std::min(0.0, app.start_s - 10.0);
}

std::string ResourceManagers::base_url(std::size_t index) const { return "http://127.0.0.1:" + std::to_string(port(index)); }

ServedResponse ResourceManagers::serve(std::size_t index, const RestRequest& request, const std::string& target,
                                       double now_s) {
    std::string_view path = request.path;
    const std::size_t active = active_at(now_s);
    if (index == active) return serve_active(index, request, now_s);

    // Standby: cluster info locally, every other /ws/v1/cluster call to the active RM.
    ServedResponse out;
    if (path == "/ws/v1/cluster/info" || path == "/ws/v1/cluster/info/") {
        out.response = request.method == "GET" ? cluster_info(false) : method_not_allowed(request.method);
        return out;
    }
    if (path == "/ws/v1/cluster" || path.starts_with("/ws/v1/cluster/")) {
        if (down_at(active, now_s)) {
            // The active RM is unreachable: the standby cannot tell where to send the client.
            out.response = standby_page("The active RM is not known; retry later or try another RM.");
            return out;
        }
        const std::string location = base_url(active) + (target.empty() ? rebuild_target(request) : target);
        out.response = RestResponse{307, "This is standby RM. The redirect url is: " + location + "\n", kText};
        out.headers.emplace_back("Location", location);
        return out;
    }
    if (path.starts_with("/proxy/")) {
        out.response = standby_page("The web proxy is served by the active RM (" + base_url(active) + ").");
        return out;
    }
    out.response = html_page(404, "Not Found", "Not found: " + std::string(path));
    return out;
}

ServedResponse ResourceManagers::serve_active(std::size_t index, const RestRequest& request, double now_s) {
    std::string_view path = request.path;
    ServedResponse out;
    if (path.starts_with("/proxy/")) return serve_proxy(request, path.substr(7), now_s);

    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    const bool get = request.method == "GET";
    const auto not_allowed = [&] { return method_not_allowed(request.method); };
    if (path == "/ws/v1/cluster" || path == "/ws/v1/cluster/info") {
        out.response = get ? cluster_info(true) : not_allowed();
    } else if (path == "/ws/v1/cluster/apps") {
        out.response = get ? list_apps(request, index, now_s) : not_allowed();
    } else if (path.starts_with("/ws/v1/cluster/apps/") && path.find('/', 20) == std::string_view::npos) {
        const std::string id(path.substr(20));
        if (!get) {
            out.response = not_allowed();
        } else if (!id.starts_with("application_")) {
            out.response = bad_request("Invalid ApplicationId: " + id);
        } else if (const auto app = find_app_index(id)) {
            out.response = json_body(ordered_json{{"app", app_json(*app, index, now_s)}});
        } else {
            out.response = remote_exception(404, "NotFoundException", "org.apache.hadoop.yarn.webapp.NotFoundException",
                                            "app with id: " + id + " not found");
        }
    } else {
        out.response = html_page(404, "Not Found", "Not found: " + std::string(path));
    }
    return out;
}

ServedResponse ResourceManagers::serve_proxy(const RestRequest& request, std::string_view rest, double now_s) {
    ServedResponse out;
    const auto slash = rest.find('/');
    const std::string id(rest.substr(0, slash));
    const std::string forwarded_path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    const auto index = find_app_index(id);
    if (!index) {
        out.response = html_page(404, "Not Found", "Application " + id + " could not be found in RM or history server");
        return out;
    }
    const auto* app = &spec_.applications[*index];
    const auto state = app_state(*app, now_s);
    if (state != YarnAppState::Running) {
        out.response = html_page(404, "Not Found",
                                 "Application " + id + " is " + state_name(state) +
                                     (state == YarnAppState::Accepted ? ": its ApplicationMaster has not registered yet"
                                                                      : ": its ApplicationMaster is gone"));
        return out;
    }
    if (request.method != "GET" && !app->proxy_put) {
        out.response = method_not_allowed(request.method);  // HttpServlet without doPut/doPost
        return out;
    }
    auto& cluster = *clusters_.at(app->cluster);
    if (cluster.down_at(now_s) || cluster_stopped(app->cluster, now_s)) {
        out.response = html_page(500, "java.net.ConnectException: Connection refused",
                                 "java.net.ConnectException: Connection refused (127.0.0.1:" +
                                     std::to_string(cluster.port()) + ")");
        return out;
    }
    RestRequest forwarded;
    forwarded.method = request.method;
    forwarded.path = forwarded_path;
    forwarded.params = request.params;
    forwarded.body = request.body;
    return cluster.serve(forwarded, now_s);  // status, content type, body and fault delay unchanged
}

RestResponse ResourceManagers::cluster_info(bool active) const {
    ordered_json info;
    info["id"] = spec_.cluster_timestamp;
    info["startedOn"] = spec_.cluster_timestamp;
    info["state"] = "STARTED";
    info["haState"] = active ? "ACTIVE" : "STANDBY";
    info["rmStateStoreName"] = "org.apache.hadoop.yarn.server.resourcemanager.recovery.ZKRMStateStore";
    info["resourceManagerVersion"] = "3.3.6";
    info["resourceManagerBuildVersion"] =
        "3.3.6 from 1be78238728da9266a4f88195058f08fd012bf9c by ubuntu source checksum 5652179ad55f76cb287d9c633bb53bbd";
    info["resourceManagerVersionBuiltOn"] = "2023-06-18T08:31Z";
    info["hadoopVersion"] = "3.3.6";
    info["hadoopBuildVersion"] =
        "3.3.6 from 1be78238728da9266a4f88195058f08fd012bf9c by ubuntu source checksum fd672a8a4f5a5bde7b8c3a0bd0f1a5e";
    info["hadoopVersionBuiltOn"] = "2023-06-18T08:22Z";
    info["haZooKeeperConnectionState"] = "CONNECTED";
    return json_body(ordered_json{{"clusterInfo", info}});
}

RestResponse ResourceManagers::list_apps(const RestRequest& request, std::size_t active, double now_s) const {
    // Filters (RMWebServices.getApps): states/state, finalStatus, user, queue, applicationTypes,
    // applicationTags (any of), startedTimeBegin/End, limit. Unknown parameters are ignored.
    auto states = lower_list(request, "states");
    for (auto& s : lower_list(request, "state")) states.push_back(s);
    for (const auto& s : states) {
        static const std::vector<std::string> valid{"new",      "new_saving", "submitted", "accepted",
                                                    "running",  "finished",   "failed",    "killed"};
        if (std::find(valid.begin(), valid.end(), s) == valid.end())
            return bad_request("Invalid application-state " + to_upper(s) +
                               " specified. It should be one of " + kStates);
    }
    const auto types = lower_list(request, "applicationTypes");
    const auto tags = lower_list(request, "applicationTags");
    const auto final_status = lower_list(request, "finalStatus");
    std::optional<long long> limit, begin, end;
    for (const auto& [key, target] : {std::pair<const char*, std::optional<long long>*>{"limit", &limit},
                                      {"startedTimeBegin", &begin},
                                      {"startedTimeEnd", &end}}) {
        if (!request.has_param(key)) continue;
        const auto text = request.param(key);
        *target = parse_long(text);
        if (!*target) return bad_request("java.lang.NumberFormatException: For input string: \"" + text + "\"");
    }
    if (limit && *limit <= 0) return bad_request("limit value must be greater then 0");
    if (begin && *begin < 0) return bad_request("startedTimeBegin must be greater than 0");
    if (end && *end < 0) return bad_request("startedTimeEnd must be greater than 0");
    if (begin && end && *begin > *end) return bad_request("startedTimeEnd must be greater than startTimeBegin");
    const std::string user = request.param("user");
    const std::string queue = request.param("queue");

    ordered_json apps = ordered_json::array();
    for (std::size_t i = 0; i < spec_.applications.size(); ++i) {
        const auto& app = spec_.applications[i];
        const auto state = app_state(app, now_s);
        const std::string state_text = state_name(state);
        const std::string final_text = final_status_name(state);
        if (!states.empty() && std::find(states.begin(), states.end(), to_lower(state_text)) == states.end()) continue;
        if (!final_status.empty() &&
            std::find(final_status.begin(), final_status.end(), to_lower(final_text)) == final_status.end())
            continue;
        if (!user.empty() && user != app.user) continue;
        if (!queue.empty() && queue != app.queue && "root." + queue != app.queue) continue;
        if (!types.empty() && std::find(types.begin(), types.end(), to_lower(app.type)) == types.end()) continue;
        if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
                return std::find(app.tags.begin(), app.tags.end(), t) != app.tags.end();
            }))
            continue;

        const std::int64_t started_ms = epoch_ms(submitted_s(app));
        if (begin && started_ms < *begin) continue;
        if (end && started_ms > *end) continue;
        if (limit && static_cast<long long>(apps.size()) >= *limit) break;
        apps.push_back(app_json(i, active, now_s));
    }
    // No match: {"apps":null}, one of the three shapes real RMs send.
    if (apps.empty()) return json_body(ordered_json{{"apps", nullptr}});
    return json_body(ordered_json{{"apps", ordered_json{{"app", apps}}}});
}

ordered_json ResourceManagers::app_json(std::size_t i, std::size_t active, double now_s) const {
    const auto& app = spec_.applications.at(i);
    const auto state = app_state(app, now_s);
    const double submitted = submitted_s(app);
    const std::int64_t started_ms = epoch_ms(submitted);
    const bool finished = state == YarnAppState::Finished;
    const bool running = state == YarnAppState::Running;
    const double end_s = finished ? *app.finish_s : now_s;
    const auto& r = resources_[i];
    const int full_mb = r.am_mb + r.taskmanagers * r.tm_mb;
    const int full_vcores = 1 + r.taskmanagers * r.tm_vcores;
    const int mb = finished ? -1 : running ? full_mb : r.am_mb;
    const int vcores = finished ? -1 : running ? full_vcores : 1;
    const int containers = finished ? -1 : running ? 1 + r.taskmanagers : 1;
    const double am_only_s = std::max(0.0, std::min(end_s, app.start_s) - submitted);
    const double full_s = std::max(0.0, end_s - app.start_s);
    const auto memory_seconds = static_cast<long long>(std::llround(r.am_mb * am_only_s + full_mb * full_s));
    const auto vcore_seconds = static_cast<long long>(std::llround(am_only_s + full_vcores * full_s));
    const double cluster_usage = 100.0 * std::max(0, mb) / kClusterMb;
    const std::string proxy_url = base_url(active) + "/proxy/" + app.id + "/";
    const std::string nm_url = std::string("http://") + kNodeManager;

    ordered_json a;
    a["id"] = app.id;
    a["user"] = app.user;
    a["name"] = app.name;
    a["queue"] = app.queue;
    a["state"] = state_name(state);
    a["finalStatus"] = final_status_name(state);
    a["progress"] = state == YarnAppState::Accepted ? 0.0 : 100.0;
    // Hadoop's AppInfo: no tracking URL before the AM registers ("UNASSIGNED").
    a["trackingUI"] = state == YarnAppState::Accepted ? "UNASSIGNED" : finished ? "History" : "ApplicationMaster";
    if (state != YarnAppState::Accepted) a["trackingUrl"] = proxy_url;
    a["diagnostics"] =
        state == YarnAppState::Accepted ? "AM container is launched, waiting for AM container to Register with RM" : "";
    a["clusterId"] = spec_.cluster_timestamp;
    a["applicationType"] = app.type;
    a["applicationTags"] = join_tags(app.tags);
    a["priority"] = 0;
    a["startedTime"] = started_ms;
    a["launchTime"] = state == YarnAppState::Accepted ? 0 : epoch_ms(std::max(submitted, app.start_s - 2.0));
    a["finishedTime"] = finished ? epoch_ms(*app.finish_s) : 0;
    a["elapsedTime"] = epoch_ms(end_s) - started_ms;
    a["amContainerLogs"] = nm_url + "/node/containerlogs/" + am_container(app.id) + "/" + app.user;
    a["amHostHttpAddress"] = kNodeManager;
    // Flink registers its REST address (host:port) as the AM's RPC address.
    a["amRPCAddress"] =
        state == YarnAppState::Accepted ? "N/A" : "127.0.0.1:" + std::to_string(clusters_[app.cluster]->port());
    a["allocatedMB"] = mb;
    a["allocatedVCores"] = vcores;
    a["runningContainers"] = containers;
    a["memorySeconds"] = memory_seconds;
    a["vcoreSeconds"] = vcore_seconds;
    a["queueUsagePercentage"] = cluster_usage / kQueueShare;
    a["clusterUsagePercentage"] = cluster_usage;
    a["preemptedResourceMB"] = 0;
    a["preemptedResourceVCores"] = 0;
    a["numNonAMContainerPreempted"] = 0;
    a["numAMContainerPreempted"] = 0;
    a["logAggregationStatus"] = finished ? "SUCCEEDED" : "NOT_START";
    a["unmanagedApplication"] = false;
    a["amNodeLabelExpression"] = "";
    return a;
}

}  // namespace flinkscaler::sim
