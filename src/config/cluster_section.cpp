// SPDX-License-Identifier: Apache-2.0
//
// `clusters:` entries: a Flink JobManager (`kind: flink`, the default) or a YARN cluster whose
// ResourceManagers list the Flink applications to scale, with timeouts, request caps, TLS and
// auth (secrets read from their files).
#include "config/config_file_reader.hpp"

#include "http/address.hpp"

#include <algorithm>

namespace flinkscaler::config {

using yaml::Node;

ScopedOptionLevel ConfigFileReader::read_cluster(const Node& node) {
    ScopedOptionLevel level;
    if (node.is_null()) {
        node.problem("expected a cluster (a mapping with name and url), got no value");
        return level;
    }
    if (!node.expect_map(key_names(kClusterKeys), false)) return level;
    ClusterConfig cluster;
    cluster.line = node.line();
    auto& connection = cluster.connection;
    connection.connect_timeout = config_.service.connect_timeout;
    connection.request_timeout = config_.service.request_timeout;
    connection.max_concurrent_requests = config_.service.cluster_max_concurrent_requests;

    if (const auto name = node.required("name")) {
        if (const auto text = name->text()) {
            if (const auto problem = cluster_name_problem(*text); !problem.empty()) {
                name->problem(problem);
            } else if (const auto it = cluster_lines_.find(*text); it != cluster_lines_.end()) {
                name->problem("duplicate cluster name '" + *text + "' (first at line " +
                              std::to_string(it->second) + "): job keys <cluster>/<job-id> must be unique");
            } else {
                cluster_lines_.emplace(*text, name->line());
            }
            cluster.name = *text;
        }
    }
    bool https = false;
    const auto kind_node = node.get("kind");
    const auto& kind_spec = key_spec(kClusterKeys, "kind");
    const auto kind = kind_node ? kind_node->one_of(kind_spec.choices) : std::optional<std::string>(kind_spec.default_text);
    if (kind == "yarn") {
        if (const auto url = node.get("url"))
            url->problem("a yarn cluster names its resource-managers, not a JobManager url (each Flink "
                         "application's JobManager is found through them)");
        cluster.yarn = read_yarn(node, https);
    } else {
        if (kind == "flink")
            for (const auto& spec : kClusterKeys)
                if (spec.yarn_only)
                    if (const auto misplaced = node.get(spec.name)) misplaced->problem("only for kind: yarn");
        if (const auto url = node.required("url")) {
            if (const auto text = url->text()) {
                if (const auto problem = http::url_problem(*text); !problem.empty()) url->problem(problem);
                connection.base_url = *text;
                https = text->starts_with("https://");
            }
        }
    }
    assign_key(node, kClusterKeys, "enabled", cluster.enabled);
    assign_key(node, kClusterKeys, "max-concurrent-requests", connection.max_concurrent_requests);
    assign_key(node, kClusterKeys, "connect-timeout", connection.connect_timeout);
    assign_key(node, kClusterKeys, "request-timeout", connection.request_timeout);
    if (const auto tls = node.get("tls")) read_tls(*tls, connection.tls, https);
    if (const auto auth = node.get("auth")) read_auth(*auth, connection.auth);
    if (const auto options = node.get("options")) level.options = read_options(*options);
    cluster.options = level.options.parsed;
    level.cluster = cluster.name;
    config_.clusters.push_back(std::move(cluster));
    return level;
}

YarnSettings ConfigFileReader::read_yarn(const Node& node, bool& https) {
    YarnSettings yarn;
    if (const auto rms = node.required("resource-managers")) {
        if (const auto items = rms->items(false)) {
            if (items->empty()) rms->problem("at least one ResourceManager web address is needed");
            for (const auto& item : *items) {
                const auto text = item.text();
                if (!text) continue;
                if (const auto problem = http::url_problem(*text); !problem.empty()) item.problem(problem);
                if (std::find(yarn.resource_managers.begin(), yarn.resource_managers.end(), *text) !=
                    yarn.resource_managers.end())
                    item.problem("listed twice");
                https = https || text->starts_with("https://");
                yarn.resource_managers.push_back(*text);
            }
        }
    }
    if (const auto access = node.get("flink-access"))
        if (const auto text = access->one_of(key_spec(kClusterKeys, "flink-access").choices))
            yarn.flink_access = *yarn::parse_flink_access(*text);
    assign_key(node, kClusterKeys, "direct-scheme", yarn.direct_scheme);
    https = https || (yarn.direct_scheme == "https" && yarn.flink_access != yarn::FlinkAccess::Proxy);
    if (const auto apps = node.get("applications")) {
        if (apps->expect_map(key_names(kApplicationsKeys))) {
            const auto read_text = [&](std::string_view key, std::string& target) {
                if (const auto value = apps->get(key))
                    if (const auto text = value->text()) target = *text;
            };
            read_text("type", yarn.applications.type);
            read_text("queue", yarn.applications.queue);
            read_text("user", yarn.applications.user);
            if (const auto tags = apps->get("tags")) {
                if (const auto items = tags->items()) {
                    for (const auto& item : *items) {
                        const auto text = item.text();
                        if (!text) continue;
                        if (text->empty() || text->find(',') != std::string::npos)
                            item.problem("a tag is one non-empty word without ',' (YARN keeps tags as one "
                                         "comma-separated string)");
                        else
                            yarn.applications.tags.push_back(*text);
                    }
                }
            }
            if (const auto name = apps->get("name"))
                if (const auto text = name->text()) yarn.name_glob = *text;
        }
    }
    return yarn;
}

void ConfigFileReader::read_tls(const Node& node, http::TlsSettings& tls, bool https) {
    if (!node.expect_map(key_names(kTlsKeys))) return;
    // Over plain http these settings would silently do nothing; a config that asks for them
    // almost certainly has the wrong URL.
    if (!https) node.problem("TLS settings need an https:// url");
    if (const auto ca = node.get("ca-file")) tls.ca_file = files_.readable_file(*ca);
    const auto cert = node.get("cert-file");
    const auto key = node.get("key-file");
    if (cert) tls.cert_file = files_.readable_file(*cert);
    if (key) tls.key_file = files_.readable_file(*key);
    if (cert.has_value() != key.has_value())
        node.problem("cert-file and key-file go together (the client certificate and its private key)");
    assign_key(node, kTlsKeys, "verify", tls.verify);
}

void ConfigFileReader::read_auth(const Node& node, http::AuthSettings& auth) {
    if (!node.expect_map(key_names(kAuthKeys))) return;
    for (const auto& refused : kAuthKeys) {
        if (refused.kind != KeyKind::Refused) continue;
        const std::string inline_key(refused.name);
        if (const auto inline_secret = node.get(inline_key))
            inline_secret->problem("secrets are not written in the config file (it is often world-readable "
                                   "and ends up in backups): put it in a file readable only by flinkscaler and "
                                   "use " + inline_key + "-file");
    }
    const auto type_node = node.required("type");
    const auto type = type_node ? type_node->one_of(key_spec(kAuthKeys, "type").choices) : std::nullopt;
    const auto username = node.get("username");
    const auto password_file = node.get("password-file");
    const auto token_file = node.get("token-file");
    if (type == "basic") {
        auth.kind = http::AuthSettings::Kind::Basic;
        if (const auto user = node.required("username")) {
            if (const auto text = user->text()) {
                if (text->empty()) user->problem("must not be empty");
                auth.username = *text;
            }
        }
        if (const auto file = node.required("password-file")) auth.password = files_.read_secret(*file);
        if (token_file) token_file->problem("only for type bearer");
    } else if (type == "bearer") {
        auth.kind = http::AuthSettings::Kind::Bearer;
        if (const auto file = node.required("token-file")) auth.token = files_.read_secret(*file);
        if (username) username->problem("only for type basic");
        if (password_file) password_file->problem("only for type basic");
    }
}

}  // namespace flinkscaler::config
