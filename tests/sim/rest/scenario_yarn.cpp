// SPDX-License-Identifier: Apache-2.0
//
// Reading the `yarn:` section of a scenario. Every reference (cluster, RM name) is checked
// here, with the position of the offending key, so that the server never meets a dangling one.
#include "sim/rest/scenario.hpp"

#include "flinkscaler/config_values.hpp"
#include "flinkscaler/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace flinkscaler::sim {

namespace {

constexpr double kMax = std::numeric_limits<double>::max();

/// " (did you mean 'x'?)" for the closest of `known`, else " (known: a, b)".
std::string hint(const std::string& wrong, const std::vector<std::string>& known) {
    const std::vector<std::string_view> candidates(known.begin(), known.end());
    const auto best = flinkscaler::closest_match(wrong, candidates);
    if (best && !best->empty()) return " (did you mean '" + std::string(*best) + "'?)";
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    return " (known: " + list + ")";
}

std::size_t rm_index(const YamlField& f, const std::vector<ResourceManagerSpec>& rms) {
    const auto name = f.as_string();
    for (std::size_t i = 0; i < rms.size(); ++i)
        if (rms[i].name == name) return i;
    std::vector<std::string> known;
    for (const auto& rm : rms) known.push_back(rm.name);
    f.fail("no resource manager named '" + name + "'" + hint(name, known));
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// `id: 7` -> application_<ts>_0007; `id: application_1716900000000_0042` as is.
std::string application_id(const YamlField& f, std::int64_t cluster_timestamp) {
    const auto text = f.as_string();
    if (text.starts_with("application_")) {
        const std::string_view rest = std::string_view(text).substr(12);
        const auto underscore = rest.find('_');
        if (underscore == std::string_view::npos || !all_digits(rest.substr(0, underscore)) ||
            !all_digits(rest.substr(underscore + 1)))
            f.fail("expected a sequence number or an id like application_1716900000000_0042, got '" + text + "'");
        return text;
    }
    const int sequence = f.as_int(1, 99999999);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "application_%lld_%04d", static_cast<long long>(cluster_timestamp), sequence);
    return buffer;
}

std::vector<std::string> tags(const YamlField& f) {
    std::vector<std::string> raw;
    if (f.is_sequence()) {
        for (const auto& item : f.items()) raw.push_back(item.as_string());
    } else {
        const std::string text = f.as_string();  // the view below must not outlive it
        std::string_view rest = text;
        while (true) {
            const auto comma = rest.find(',');
            raw.emplace_back(rest.substr(0, comma));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    std::vector<std::string> out;
    for (auto& t : raw) {
        const auto first = t.find_first_not_of(" \t");
        const auto last = t.find_last_not_of(" \t");
        if (first == std::string::npos) continue;
        auto tag = flinkscaler::to_lower(std::string_view(t).substr(first, last - first + 1));  // YARN lower-cases tags
        if (tag.find(',') != std::string::npos) f.fail("a tag cannot contain ','");
        if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(std::move(tag));
    }
    return out;
}

}  // namespace

YarnSpec parse_yarn_section(const YamlField& f, const std::vector<ClusterScenario>& clusters) {
    f.expect_map({"cluster_timestamp", "resource_managers", "active", "failovers", "down", "applications"});
    YarnSpec yarn;
    if (auto x = f.get("cluster_timestamp")) {
        const auto ts = x->as_uint64();
        if (ts == 0 || ts > 99999999999999ULL) x->fail("expected epoch milliseconds such as 1716900000000");
        yarn.cluster_timestamp = static_cast<std::int64_t>(ts);
    }

    std::set<int> cluster_ports;
    for (const auto& c : clusters)
        if (c.settings.port != 0) cluster_ports.insert(c.settings.port);
    const auto rms = f.required("resource_managers");
    std::set<int> rm_ports;
    for (const auto& item : rms.items()) {
        item.expect_map({"name", "port"});
        ResourceManagerSpec rm;
        const auto name = item.required("name");
        rm.name = name.as_string();
        if (rm.name.empty()) name.fail("must not be empty");
        for (const auto& other : yarn.resource_managers)
            if (other.name == rm.name) name.fail("duplicate resource manager name");
        if (auto port = item.get("port")) {
            rm.port = port->as_int(0, 65535);
            if (rm.port != 0 && cluster_ports.contains(rm.port)) port->fail("port already used by a cluster");
            if (rm.port != 0 && !rm_ports.insert(rm.port).second) port->fail("port used twice");
        }
        yarn.resource_managers.push_back(std::move(rm));
    }
    if (yarn.resource_managers.empty()) rms.fail("needs at least one resource manager");

    if (auto x = f.get("active")) yarn.active = rm_index(*x, yarn.resource_managers);
    if (auto list = f.get("failovers")) {
        for (const auto& item : list->items()) {
            item.expect_map({"at", "to"});
            yarn.failovers.push_back({item.required("at").as_duration(), rm_index(item.required("to"), yarn.resource_managers)});
        }
        std::stable_sort(yarn.failovers.begin(), yarn.failovers.end(),
                         [](const YarnFailover& a, const YarnFailover& b) { return a.at_s < b.at_s; });
    }
    if (auto list = f.get("down")) {
        for (const auto& item : list->items()) {
            item.expect_map({"rm", "from", "until"});
            const auto rm = rm_index(item.required("rm"), yarn.resource_managers);
            YarnDownWindow window;
            if (auto x = item.get("from")) window.from_s = x->as_duration();
            if (auto x = item.get("until")) {
                window.until_s = x->as_duration();
                if (*window.until_s <= window.from_s) x->fail("must be after 'from'");
            }
            yarn.resource_managers[rm].down.push_back(window);
        }
    }

    std::vector<std::string> cluster_names;
    for (const auto& c : clusters) cluster_names.push_back(c.spec.name);
    std::map<std::size_t, std::string> cluster_app;  // cluster index -> application id
    std::set<std::string> ids;
    if (auto list = f.get("applications")) {
        const auto items = list->items();
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& item = items[i];
            item.expect_map({"cluster", "id", "name", "user", "queue", "type", "tags", "start", "finish", "proxy_put",
                             "stop_cluster_on_finish"});
            YarnApplicationSpec app;
            const auto cluster = item.required("cluster");
            const auto name = cluster.as_string();
            const auto found = std::find(cluster_names.begin(), cluster_names.end(), name);
            if (found == cluster_names.end()) cluster.fail("no cluster named '" + name + "'" + hint(name, cluster_names));
            app.cluster = static_cast<std::size_t>(found - cluster_names.begin());
            if (const auto other = cluster_app.find(app.cluster); other != cluster_app.end())
                cluster.fail("cluster '" + name + "' already runs application " + other->second);

            if (auto x = item.get("id")) {
                app.id = application_id(*x, yarn.cluster_timestamp);
                if (!ids.insert(app.id).second) x->fail("duplicate application id " + app.id);
            } else {
                char buffer[64];
                std::snprintf(buffer, sizeof buffer, "application_%lld_%04zu",
                              static_cast<long long>(yarn.cluster_timestamp), i + 1);
                app.id = buffer;
                if (!ids.insert(app.id).second) item.fail("duplicate application id " + app.id + " (set 'id')");
            }
            cluster_app.emplace(app.cluster, app.id);
            if (auto x = item.get("name")) app.name = x->as_string();
            if (auto x = item.get("user")) app.user = x->as_string();
            if (auto x = item.get("queue")) app.queue = x->as_string();
            if (auto x = item.get("type")) app.type = x->as_string();
            if (auto x = item.get("tags")) app.tags = tags(*x);
            if (auto x = item.get("start")) app.start_s = x->as_duration(-kMax);
            if (auto x = item.get("finish")) {
                app.finish_s = x->as_duration(-kMax);
                if (*app.finish_s <= app.start_s) x->fail("must be after 'start'");
            }
            if (auto x = item.get("proxy_put")) app.proxy_put = x->as_choice({"allow", "reject"}) == "allow";
            if (auto x = item.get("stop_cluster_on_finish")) {
                app.stop_cluster_on_finish = x->as_bool();
                if (app.stop_cluster_on_finish && !app.finish_s) x->fail("needs 'finish'");
            }
            yarn.applications.push_back(std::move(app));
        }
    }
    return yarn;
}

}  // namespace flinkscaler::sim
