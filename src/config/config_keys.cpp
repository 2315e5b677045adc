// SPDX-License-Identifier: Apache-2.0
//
// The key tables of the config file (config_keys.hpp). The defaults are the text a config file
// would hold; tests/unit/config checks that reading them gives ServiceSettings' defaults.
#include "config/config_keys.hpp"

#include <stdexcept>
#include <string>

namespace flinkscaler::config {

namespace {

using K = KeyKind;

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;

constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};
constexpr std::array<std::string_view, 2> kClusterKinds = {"flink", "yarn"};
constexpr std::array<std::string_view, 3> kFlinkAccess = {"auto", "proxy", "direct"};
constexpr std::array<std::string_view, 2> kSchemes = {"http", "https"};
constexpr std::array<std::string_view, 2> kAuthTypes = {"basic", "bearer"};

const std::array kRoot = {
    KeySpec{.name = "service", .kind = K::Mapping, .summary = "Settings of the daemon itself; every key is optional."},
    KeySpec{.name = "state-store", .kind = K::Mapping,
            .summary = "Where the daemon keeps its state: the backend and its location (or service.state-database)."},
    KeySpec{.name = "defaults", .kind = K::OptionMap, .summary = "Autoscaler options for every job."},
    KeySpec{.name = "clusters", .kind = K::List, .summary = "The Flink clusters to autoscale (at least one).",
            .required = true},
    KeySpec{.name = "jobs", .kind = K::List,
            .summary = "Per-job option overrides; every matching entry applies, a later one wins."},
};

// The backends this build can open (store/open_store.cpp's registry); PostgreSQL is the next.
constexpr std::array<std::string_view, 1> kStoreBackends = {"sqlite"};

const std::array kStateStore = {
    KeySpec{.name = "backend", .kind = K::Enum, .choices = kStoreBackends, .default_text = "sqlite",
            .doc = "The state store backend. `sqlite`: one local file, one daemon (the only backend of this build).",
            .summary = "The state store backend."},
    KeySpec{.name = "path", .kind = K::Path, .default_text = "/var/lib/flinkscaler/state.db",
            .doc = "The SQLite file (relative to the config file's directory). The same setting as "
                   "`service.state-database`: give one of the two. `flinkscaler run --state-database` overrides it.",
            .summary = "SQLite state file; relative to the config file's directory."},
};

const std::array kService = {
    KeySpec{.name = "poll-interval", .kind = K::Duration, .min = kSecond, .default_text = "10s",
            .doc = "How often every job is evaluated (metrics collected, decision taken). The metric windows are "
                   "minutes long; polling faster only adds load on the JobManagers.",
            .summary = "How often every job is evaluated."},
    KeySpec{.name = "workers", .kind = K::Integer, .min = 1, .max = 256, .default_text = "16",
            .doc = "Threads that run job passes and discoveries; shared by all clusters. A cluster never holds more "
                   "than its `max-concurrent-requests` of them, but a JobManager that hangs keeps each of those busy "
                   "for up to (retries + 1) × `request-timeout` per pass: keep `workers` above the sum of the caps of "
                   "the clusters that may hang at the same time, plus what the healthy ones need.",
            .summary = "Threads running job passes."},
    KeySpec{.name = "max-concurrent-requests", .kind = K::Integer, .min = 1, .max = 64, .default_text = "4",
            .doc = "Default cap of REST requests in flight to one cluster, and of concurrent job passes on one "
                   "cluster, so the autoscaler can never overload a JobManager. A cluster's own "
                   "`max-concurrent-requests` overrides it.",
            .summary = "Default cap of requests in flight to one cluster."},
    KeySpec{.name = "connect-timeout", .kind = K::Duration, .min = 100, .default_text = "5s",
            .doc = "Default time to establish a connection to a JobManager.",
            .summary = "Connection timeout of REST calls."},
    KeySpec{.name = "request-timeout", .kind = K::Duration, .min = 100, .default_text = "10s",
            .doc = "Default time for one whole REST request.", .summary = "Timeout of one REST call."},
    KeySpec{.name = "state-database", .kind = K::Path, .default_text = "/var/lib/flinkscaler/state.db",
            .doc = "SQLite file with every job's metric history, scaling history and events, so a restart loses "
                   "nothing. `flinkscaler run --state-database` overrides it.",
            .summary = "SQLite state file; relative to the config file's directory."},
    KeySpec{.name = "status-address", .kind = K::Address, .default_text = "127.0.0.1:8089",
            .doc = "Address of the status endpoint (health, jobs, metrics). `\"\"` disables it; port 0 takes a free "
                   "port. IPv6 hosts in brackets: `[::1]:8089`. `flinkscaler run --status-address` overrides it.",
            .summary = "host:port of the status endpoint; \"\" disables it."},
    KeySpec{.name = "status-token-file", .kind = K::Path,
            .doc = "File holding a bearer token that every status endpoint path but `/healthz` then requires "
                   "(`Authorization: Bearer <token>`; 401 otherwise). Read at start; the token is never logged.",
            .summary = "File holding the status endpoint's bearer token; none: no token."},
    KeySpec{.name = "dry-run", .kind = K::Bool, .default_text = "false",
            .doc = "Compute and report every decision, never rescale. `flinkscaler run --dry-run` forces it on.",
            .summary = "Compute and report, never rescale."},
    KeySpec{.name = "job-retention", .kind = K::Duration, .min = kMinute, .default_text = "24h",
            .doc = "State of a job that is no longer listed by its cluster is deleted after this long; a job that "
                   "comes back earlier keeps its history.",
            .summary = "State of a job no longer listed is deleted after this long."},
    KeySpec{.name = "event-retention", .kind = K::Duration, .min = kMinute, .default_text = "7d",
            .doc = "Scaling events older than this are deleted.", .summary = "Events older than this are deleted."},
    KeySpec{.name = "sample-retention", .kind = K::Duration, .min = kMinute, .default_text = "1h",
            .doc = "Raw metric samples kept for `flinkscaler export` (replays of recent history); `0` records none. "
                   "About 1.7 MB per hour for a 10-vertex job at a 10 s poll interval.",
            .summary = "Raw samples kept for `flinkscaler export`; 0 records none.", .zero_allowed = true},
    KeySpec{.name = "rescale-failure-limit", .kind = K::Integer, .min = 0, .max = 100, .default_text = "3",
            .doc = "Rescales of one job in a row that Flink refused (HTTP 4xx) or did not apply within "
                   "`job.autoscaler.restart.time` + 5 min, after which the job is no longer rescaled (phase "
                   "`rescale_blocked`, event `RescaleBlocked`) until its configuration changes or the daemon "
                   "restarts. A refused rescale is sent again after 1 min, doubling, at most 30 min. `0` never stops.",
            .summary = "Failed rescales in a row after which a job is left alone; 0 = never."},
    KeySpec{.name = "log", .kind = K::Mapping, .doc = "See below.", .summary = "The daemon's log."},
};

const std::array kLog = {
    KeySpec{.name = "level", .kind = K::Enum, .choices = kLogLevels, .default_text = "info",
            .doc = "Lowest level written. `flinkscaler run --log-level` overrides it.",
            .summary = "Lowest level written."},
    KeySpec{.name = "format", .kind = K::Enum, .choices = kLogFormats, .default_text = "text",
            .doc = "`text` for people and journald; `json` writes one object per line for log shippers.",
            .summary = "text, or json lines for log shippers."},
    KeySpec{.name = "file", .kind = K::OptionalPath, .default_text = "\"\"",
            .doc = "`\"\"` writes to stderr (the journal under systemd); otherwise a size-rotated file.",
            .summary = "Log file (size-rotated); \"\" = stderr. Relative to the config file's directory."},
    KeySpec{.name = "max-file-size", .kind = K::Size, .min = 1024, .default_text = "64mb",
            .doc = "Size at which the log file is rotated.", .summary = "Rotation size."},
    KeySpec{.name = "max-files", .kind = K::Integer, .min = 1, .max = 1000, .default_text = "5",
            .doc = "Rotated files kept.", .summary = "Rotated files kept."},
};

const std::array kCluster = {
    KeySpec{.name = "name", .kind = K::ClusterName,
            .doc = "Unique name. It is part of every job key `<name>/<job-id>` in the state database, the status "
                   "endpoint and the logs, so two clusters never collide; renaming a cluster starts its jobs' "
                   "history afresh.",
            .summary = "Unique name; part of every job key <name>/<job-id>.", .required = true},
    KeySpec{.name = "kind", .kind = K::Enum, .choices = kClusterKinds, .default_text = "flink",
            .doc = "`flink`: `url` names one JobManager. `yarn`: `resource-managers` name a YARN cluster whose "
                   "running Flink applications are discovered ([below](#yarn-clusters)).",
            .summary = "flink: url names one JobManager. yarn: resource-managers name a YARN cluster whose running "
                       "Flink applications are discovered, each a cluster <name>/<application-id>."},
    KeySpec{.name = "url", .kind = K::Url,
            .doc = "Required for `kind: flink`. JobManager REST endpoint `http(s)://host[:port][/prefix]`. A path "
                   "prefix (reverse proxy, gateway) is kept in front of every call. No credentials, query or "
                   "fragment.",
            .summary = "JobManager REST URL http(s)://host[:port][/prefix]; required for kind flink."},
    KeySpec{.name = "resource-managers", .kind = K::UrlList,
            .doc = "Required. Every ResourceManager web address (`yarn.resourcemanager.webapp.address.<rm-id>`, or "
                   "the `https` one). With RM HA list them all: the daemon asks the one that answered last, moves on "
                   "when it cannot connect or gets a standby's page, follows a standby's redirect to another "
                   "*listed* RM, and remembers the active one.",
            .summary = "The ResourceManager web addresses http(s)://host:port, all of them with RM HA (the active "
                       "one is found and remembered).",
            .yarn_only = true},
    KeySpec{.name = "flink-access", .kind = K::Enum, .choices = kFlinkAccess, .default_text = "auto",
            .doc = "How a JobManager is reached. `proxy`: every call through the active RM's web proxy "
                   "`…/proxy/<application-id>/` (only the RM must be reachable, but some Hadoop versions refuse the "
                   "rescale `PUT` there with 405). `direct`: `http(s)://<amRPCAddress>`, the REST address Flink "
                   "registers with YARN (the daemon must reach the NodeManager hosts on Flink's random REST port). "
                   "`auto`: reads through the proxy, the rescale `PUT` direct.",
            .summary = "How a JobManager is reached. proxy: everything through the active RM's web proxy; direct: "
                       "http(s)://<amRPCAddress>; auto: reads through the proxy, the rescale PUT direct.",
            .yarn_only = true},
    KeySpec{.name = "direct-scheme", .kind = K::Enum, .choices = kSchemes, .default_text = "http",
            .doc = "Scheme of direct access; the RM does not tell whether Flink's REST has TLS.",
            .summary = "Scheme of direct JobManager access (https when Flink REST has TLS).", .yarn_only = true},
    KeySpec{.name = "applications", .kind = K::Mapping, .default_text = "Flink type, any queue, user, tag, name",
            .default_is_value = false,
            .doc = "Which `RUNNING` applications are scaled. `type`, `user` and `tags` go into the one apps query "
                   "per poll round and are checked again on the answer (RMs differ in how they filter); `queue` "
                   "(full path `root.streaming` or leaf name `streaming`: schedulers report either) and `name` (a "
                   "glob on the application name) are checked by flinkscaler.",
            .summary = "Which running applications are scaled.", .yarn_only = true},
    KeySpec{.name = "enabled", .kind = K::Bool, .default_text = "true",
            .doc = "`false` keeps the entry (and its jobs' state) but stops polling the cluster.",
            .summary = "false keeps the entry but does not poll the cluster."},
    KeySpec{.name = "max-concurrent-requests", .kind = K::Integer, .min = 1, .max = 64,
            .default_text = "service.max-concurrent-requests", .doc = "Requests in flight to this cluster.",
            .summary = "Requests in flight to this cluster."},
    KeySpec{.name = "connect-timeout", .kind = K::Duration, .min = 100, .default_text = "service.connect-timeout",
            .summary = "Connection timeout of REST calls."},
    KeySpec{.name = "request-timeout", .kind = K::Duration, .min = 100, .default_text = "service.request-timeout",
            .summary = "Timeout of one REST call."},
    KeySpec{.name = "tls", .kind = K::Mapping, .doc = "HTTPS settings, below. Only with an `https://` url.",
            .summary = "HTTPS settings; only with an https:// url."},
    KeySpec{.name = "auth", .kind = K::Mapping, .doc = "Basic or bearer authentication, below.",
            .summary = "Basic or bearer authentication."},
    KeySpec{.name = "options", .kind = K::OptionMap, .doc = "Autoscaler options of every job of this cluster.",
            .summary = "Autoscaler options of every job of this cluster."},
};

const std::array kApplications = {
    KeySpec{.name = "type", .kind = K::String, .default_text = "Apache Flink",
            .doc = "YARN application type (Flink option `yarn.application.type`); `\"\"` for any type.",
            .summary = "YARN application type (Flink option yarn.application.type); empty: any."},
    KeySpec{.name = "queue", .kind = K::String, .doc = "Only applications of this queue.",
            .summary = "Only applications of this queue."},
    KeySpec{.name = "user", .kind = K::String, .doc = "Only applications of this user.",
            .summary = "Only applications of this user."},
    KeySpec{.name = "tags", .kind = K::TagList, .doc = "Only applications carrying any of these tags (`yarn.tags`).",
            .summary = "Only applications carrying any of these tags (Flink option yarn.tags)."},
    KeySpec{.name = "name", .kind = K::String, .doc = "Glob on the application name (`yarn.application.name`).",
            .summary = "Glob on the application name (yarn.application.name)."},
};

const std::array kTls = {
    KeySpec{.name = "ca-file", .kind = K::Path, .default_text = "system trust store", .default_is_value = false,
            .doc = "PEM bundle of the CA(s) that signed the JobManager's certificate.",
            .summary = "PEM bundle to trust; default: the system store."},
    KeySpec{.name = "cert-file", .kind = K::Path,
            .doc = "Client certificate (PEM) for Flink's mutual TLS (`security.ssl.rest.authentication-enabled`). "
                   "Needs `key-file`.",
            .summary = "Client certificate (PEM) for Flink's mutual TLS."},
    KeySpec{.name = "key-file", .kind = K::Path,
            .doc = "Private key (PEM) of the client certificate. Needs `cert-file`.",
            .summary = "Private key (PEM) of the client certificate."},
    KeySpec{.name = "verify", .kind = K::Bool, .default_text = "true",
            .doc = "Verify the server certificate and host name. `false` is for testing only.",
            .summary = "Verify the server certificate and host name."},
};

const std::array kAuth = {
    KeySpec{.name = "type", .kind = K::Enum, .choices = kAuthTypes, .doc = "Required.",
            .summary = "basic or bearer.", .required = true},
    KeySpec{.name = "username", .kind = K::String, .min = 1, .doc = "Type `basic`: the user (required).",
            .summary = "The basic-auth user."},
    KeySpec{.name = "password-file", .kind = K::Path, .doc = "Type `basic`: the file holding the password (required).",
            .summary = "File holding the basic-auth password."},
    KeySpec{.name = "token-file", .kind = K::Path, .doc = "Type `bearer`: the file holding the token (required).",
            .summary = "File holding the bearer token."},
    KeySpec{.name = "password", .kind = K::Refused},
    KeySpec{.name = "token", .kind = K::Refused},
};

const std::array kJob = {
    KeySpec{.name = "match", .kind = K::Mapping, .summary = "A job matches when every given selector matches.",
            .required = true},
    KeySpec{.name = "options", .kind = K::OptionMap, .doc = "The options this entry sets.",
            .summary = "The options this entry sets.", .required = true},
};

const std::array kMatch = {
    KeySpec{.name = "name", .kind = K::String, .min = 1,
            .doc = "Glob on the job name: `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!a-z]` "
                   "one character of (not of) a set. The whole name must match.",
            .summary = "Glob (* ? [...] [!...]) on the job name."},
    KeySpec{.name = "id", .kind = K::JobId, .doc = "The Flink job id (compared case-insensitively).",
            .summary = "The job id."},
    KeySpec{.name = "cluster", .kind = K::ClusterName,
            .doc = "One of the `clusters:` names (a YARN cluster's name selects the jobs of all its applications).",
            .summary = "A cluster name."},
};

}  // namespace

const std::span<const KeySpec> kRootKeys = kRoot;
const std::span<const KeySpec> kServiceKeys = kService;
const std::span<const KeySpec> kLogKeys = kLog;
const std::span<const KeySpec> kStateStoreKeys = kStateStore;
const std::span<const KeySpec> kClusterKeys = kCluster;
const std::span<const KeySpec> kApplicationsKeys = kApplications;
const std::span<const KeySpec> kTlsKeys = kTls;
const std::span<const KeySpec> kAuthKeys = kAuth;
const std::span<const KeySpec> kJobKeys = kJob;
const std::span<const KeySpec> kMatchKeys = kMatch;

const KeySpec& key_spec(std::span<const KeySpec> table, std::string_view name) {
    for (const auto& spec : table)
        if (spec.name == name) return spec;
    throw std::logic_error("undeclared config key " + std::string(name));
}

std::vector<std::string_view> key_names(std::span<const KeySpec> table) {
    std::vector<std::string_view> names;
    for (const auto& spec : table) names.push_back(spec.name);
    return names;
}

}  // namespace flinkscaler::config
