// SPDX-License-Identifier: Apache-2.0
//
// The daemon's config file (src/config/config_loader.hpp, docs/configuration.md): parsing of
// every section, defaults, option maps, every kind of problem with its exact position and key,
// precedence of options level by level, globs, relative paths and secrets.
#include "temp_dir.hpp"
#include "config/config_loader.hpp"
#include "config/glob.hpp"

#include "flinkscaler/config_values.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using flinkscaler::Configuration;
using flinkscaler::config::ConfigError;
using flinkscaler::config::ConfigProblem;
using flinkscaler::config::glob_match;
using flinkscaler::config::LogFormat;
using flinkscaler::config::ServiceConfig;
using flinkscaler::config::ServiceSettings;
namespace fs = std::filesystem;
namespace http = flinkscaler::http;

namespace {

const std::string kJobA = "0a448493b4782967b150582570326227";
const std::string kJobB = "bc764cd8ddf7a0cff126f51c16239658";

ServiceConfig parse(const std::string& text, const std::string& file = "test.yaml") {
    return flinkscaler::config::parse_service_config(text, file, flinkscaler::config::system_files());
}

// The problems of an invalid text; fails the test when the text is valid.
std::vector<ConfigProblem> problems_of(const std::string& text, const std::string& file = "test.yaml") {
    try {
        (void)parse(text, file);
    } catch (const ConfigError& e) {
        return e.problems;
    }
    FAIL("expected the config to be rejected:\n" << text);
    return {};
}

std::string render(const std::vector<ConfigProblem>& problems) {
    std::string out;
    for (const auto& p : problems) out += p.to_string() + "\n";
    return out;
}

// The single problem of an invalid text, checked for position and key; returns its message.
std::string only_problem(const std::string& text, int line, int column, const std::string& key) {
    const auto problems = problems_of(text);
    INFO(render(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == line);
    CHECK(problems[0].column == column);
    CHECK(problems[0].key == key);
    return problems[0].message;
}

using flinkscaler::testing::TempDir;

const std::string kOneCluster = R"(clusters:
  - name: a
    url: http://jm-a:8081
)";

}  // namespace

// ---- parsing ---------------------------------------------------------------------------------------

TEST_CASE("service.status-token-file is read like the clusters' secret files", "[service-config]") {
    TempDir dir;
    dir.write("secrets/status.token", "status-tok\n");
    const auto file = dir.write("flinkscaler.yaml", "service:\n  status-token-file: secrets/status.token\n" + kOneCluster);
    CHECK(flinkscaler::config::load_service_config(file.string()).service.status_token == "status-tok");
    dir.write("secrets/empty.token", "\n");
    const auto empty = dir.write("empty.yaml", "service:\n  status-token-file: secrets/empty.token\n" + kOneCluster);
    CHECK_THROWS_WITH(flinkscaler::config::load_service_config(empty.string()),
                      Catch::Matchers::Contains("service.status-token-file") && Catch::Matchers::Contains("is empty"));
}

TEST_CASE("a complete file: every section and key is read", "[service-config]") {
    TempDir dir;
    dir.write("tls/ca.pem", "CA");
    dir.write("tls/client.pem", "CERT");
    dir.write("tls/client.key", "KEY");
    dir.write("secrets/a.pw", "s3cret\n");
    dir.write("secrets/b.token", "tok\n");
    const auto file = dir.write("flinkscaler.yaml", R"(service:
  poll-interval: 30s
  workers: 8
  max-concurrent-requests: 6
  connect-timeout: 2s
  request-timeout: 20 s
  state-database: )" + dir.file("state.db") + R"(
  status-address: 0.0.0.0:9090
  dry-run: true
  job-retention: 2h
  event-retention: 3d
  sample-retention: 30min
  log:
    level: debug
    format: json
    file: /var/log/flinkscaler.log
    max-file-size: 16mb
    max-files: 3
defaults:
  job.autoscaler.enabled: true
  job.autoscaler.metrics.window: 10m
clusters:
  - name: prod-a
    url: https://jm-a.example:8081/flink
    enabled: false
    max-concurrent-requests: 2
    connect-timeout: 1s
    request-timeout: 7s
    tls: {ca-file: tls/ca.pem, cert-file: tls/client.pem, key-file: tls/client.key, verify: false}
    auth: {type: basic, username: scaler, password-file: secrets/a.pw}
    options: {job.autoscaler.utilization.target: 0.6}
  - name: prod_b.2
    url: http://jm-b:8081
    auth: {type: bearer, token-file: secrets/b.token}
jobs:
  - match: {name: "orders-*", id: 0A448493B4782967B150582570326227, cluster: prod-a}
    options: {job.autoscaler.scaling.enabled: false}
)");
    const auto config = flinkscaler::config::load_service_config(file.string());
    CHECK(config.file == file.string());

    const auto& s = config.service;
    CHECK(s.poll_interval == 30s);
    CHECK(s.workers == 8);
    CHECK(s.cluster_max_concurrent_requests == 6);
    CHECK(s.connect_timeout == 2s);
    CHECK(s.request_timeout == 20s);
    CHECK(s.state_database == dir.file("state.db"));  // its folder must exist: check-config checks it
    CHECK(s.status_address == "0.0.0.0:9090");
    CHECK(s.dry_run);
    CHECK(s.job_retention == 2h);
    CHECK(s.event_retention == 72h);
    CHECK(s.sample_retention == 30min);
    CHECK(s.log.level == "debug");
    CHECK(s.log.format == LogFormat::Json);
    CHECK(s.log.file == "/var/log/flinkscaler.log");
    CHECK(s.log.max_file_bytes == 16u << 20);
    CHECK(s.log.max_files == 3);

    CHECK(config.defaults ==
          Configuration{{"job.autoscaler.enabled", "true"}, {"job.autoscaler.metrics.window", "10m"}});

    REQUIRE(config.clusters.size() == 2);
    const auto& a = config.clusters[0];
    CHECK(a.name == "prod-a");
    CHECK(a.line == 23);
    CHECK_FALSE(a.enabled);
    CHECK(a.connection.base_url == "https://jm-a.example:8081/flink");
    CHECK(a.connection.max_concurrent_requests == 2);
    CHECK(a.connection.connect_timeout == 1s);
    CHECK(a.connection.request_timeout == 7s);
    CHECK(a.connection.tls.ca_file == (dir.path / "tls/ca.pem").string());
    CHECK(a.connection.tls.cert_file == (dir.path / "tls/client.pem").string());
    CHECK(a.connection.tls.key_file == (dir.path / "tls/client.key").string());
    CHECK_FALSE(a.connection.tls.verify);
    CHECK(a.connection.auth.kind == http::AuthSettings::Kind::Basic);
    CHECK(a.connection.auth.username == "scaler");
    CHECK(a.connection.auth.password == "s3cret");
    CHECK(a.options == Configuration{{"job.autoscaler.utilization.target", "0.6"}});

    const auto& b = config.clusters[1];
    CHECK(b.name == "prod_b.2");
    CHECK(b.enabled);
    CHECK(b.connection.auth.kind == http::AuthSettings::Kind::Bearer);
    CHECK(b.connection.auth.token == "tok");
    CHECK(b.connection.tls.verify);
    CHECK(b.connection.tls.ca_file.empty());

    REQUIRE(config.jobs.size() == 1);
    const auto& job = config.jobs[0];
    CHECK(job.line == 36);
    CHECK(job.name_glob == "orders-*");
    CHECK(job.id == kJobA);  // lower-cased: Flink prints ids in lower case
    CHECK(job.cluster == "prod-a");
    CHECK(job.options == Configuration{{"job.autoscaler.scaling.enabled", "false"}});

    CHECK(config.find_cluster("prod_b.2") == &config.clusters[1]);
    CHECK(config.find_cluster("nope") == nullptr);
}

TEST_CASE("a file with only clusters takes every built-in default", "[service-config]") {
    const auto config = parse(kOneCluster);
    const ServiceSettings defaults;
    CHECK(config.service.poll_interval == 10s);
    CHECK(config.service.workers == 16);
    CHECK(config.service.cluster_max_concurrent_requests == 4);
    CHECK(config.service.connect_timeout == 5s);
    CHECK(config.service.request_timeout == 10s);
    CHECK(config.service.state_database == "/var/lib/flinkscaler/state.db");
    CHECK(config.service.status_address == "127.0.0.1:8089");
    CHECK(config.service.status_token.empty());
    CHECK_FALSE(config.service.dry_run);
    CHECK(config.service.job_retention == 24h);
    CHECK(config.service.event_retention == 7 * 24h);
    CHECK(config.service.sample_retention == 1h);
    CHECK(config.service.log.level == "info");
    CHECK(config.service.log.format == LogFormat::Text);
    CHECK(config.service.log.file.empty());
    CHECK(config.service.log.max_file_bytes == defaults.log.max_file_bytes);
    CHECK(config.service.log.max_files == 5);
    CHECK(config.defaults.empty());
    CHECK(config.jobs.empty());
    REQUIRE(config.clusters.size() == 1);
    const auto& c = config.clusters[0].connection;
    CHECK(config.clusters[0].enabled);
    CHECK(c.auth.kind == http::AuthSettings::Kind::None);
    CHECK(c.tls.verify);
    CHECK(config.clusters[0].options.empty());
}

TEST_CASE("a cluster without its own timeouts or request cap takes the service's", "[service-config]") {
    const auto config = parse(R"(service:
  max-concurrent-requests: 9
  connect-timeout: 3s
  request-timeout: 30s
clusters:
  - name: a
    url: http://a
  - name: b
    url: http://b
    request-timeout: 1s
)");
    const auto& a = config.clusters[0].connection;
    CHECK(a.max_concurrent_requests == 9);
    CHECK(a.connect_timeout == 3s);
    CHECK(a.request_timeout == 30s);
    CHECK(config.clusters[1].connection.request_timeout == 1s);
    CHECK(config.clusters[1].connection.connect_timeout == 3s);
}

TEST_CASE("empty optional sections (all entries commented out) are accepted", "[service-config]") {
    const auto config = parse(R"(service:
defaults:
clusters:
  - name: a
    url: http://a
    tls:
    auth:
    options:
jobs:
)");
    CHECK(config.defaults.empty());
    CHECK(config.jobs.empty());
    CHECK(config.clusters[0].connection.auth.kind == http::AuthSettings::Kind::None);
}

TEST_CASE("durations and sizes take Flink syntax, and bare YAML numbers as Flink reads them", "[service-config]") {
    const auto config = parse(R"(service:
  poll-interval: 2000          # a bare number is milliseconds, as in Flink
  request-timeout: PT1M        # ISO-8601 works too
  job-retention: 1 d
  log: {max-file-size: 1048576, max-files: 2}
)" + kOneCluster);
    CHECK(config.service.poll_interval == 2s);
    CHECK(config.service.request_timeout == 60s);
    CHECK(config.service.job_retention == 24h);
    CHECK(config.service.log.max_file_bytes == 1u << 20);
}

TEST_CASE("sample-retention 0 turns recording off; other values must be at least a minute", "[service-config]") {
    CHECK(parse("service:\n  sample-retention: 0\n" + kOneCluster).service.sample_retention == 0ms);
    CHECK(parse("service:\n  sample-retention: 90 s\n" + kOneCluster).service.sample_retention == 90s);
    const auto message = only_problem("service:\n  sample-retention: 30 s\n" + kOneCluster, 2, 21, "service.sample-retention");
    CHECK(message.find("at least 1 min") != std::string::npos);
}

TEST_CASE("nested option maps are joined with '.' like Flink's config.yaml", "[service-config]") {
    const auto config = parse(R"(defaults:
  job:
    autoscaler:
      enabled: true
      metrics.window: 5m
      utilization:
        target: 0.6
  job.autoscaler.scale-down.interval: 1h
  taskmanager:
    numberOfTaskSlots: 4
)" + kOneCluster);
    CHECK(config.defaults == Configuration{{"job.autoscaler.enabled", "true"},
                                           {"job.autoscaler.metrics.window", "5m"},
                                           {"job.autoscaler.utilization.target", "0.6"},
                                           {"job.autoscaler.scale-down.interval", "1h"},
                                           {"taskmanager.numberOfTaskSlots", "4"}});
}

TEST_CASE("option values are kept as written text", "[service-config]") {
    const auto config = parse(R"(defaults:
  job.autoscaler.utilization.target: 0.70
  job.autoscaler.enabled: TRUE
  job.autoscaler.metrics.window: 5 min
  job.autoscaler.vertex.max-parallelism: "32"
)" + kOneCluster);
    CHECK(config.defaults.at("job.autoscaler.utilization.target") == "0.70");
    CHECK(config.defaults.at("job.autoscaler.enabled") == "TRUE");
    CHECK(config.defaults.at("job.autoscaler.metrics.window") == "5 min");
    CHECK(config.defaults.at("job.autoscaler.vertex.max-parallelism") == "32");
}

TEST_CASE("YAML lists become Flink ';' lists, quoting elements that need it", "[service-config]") {
    const auto config = parse(R"(defaults:
  job.autoscaler.excluded.periods: ["9:00-17:00", "* * * ? * SAT"]
  job.autoscaler.vertex.exclude.ids:
    - a
    - "b;c"
    - "it's"
    - " padded "
)" + kOneCluster);
    CHECK(config.defaults.at("job.autoscaler.excluded.periods") == "9:00-17:00;* * * ? * SAT");
    const auto& ids = config.defaults.at("job.autoscaler.vertex.exclude.ids");
    CHECK(ids == "a;'b;c';'it''s';' padded '");
    // What matters is that Flink's list parser gives the elements back.
    CHECK(flinkscaler::parse_list(ids) == std::vector<std::string>{"a", "b;c", "it's", " padded "});
}

TEST_CASE("a YAML map for pipeline.jobvertex-parallelism-overrides becomes Flink's map syntax", "[service-config]") {
    const auto config = parse(R"(defaults:
  pipeline.jobvertex-parallelism-overrides: {0a448493b4782967b150582570326227: 3, bc764cd8ddf7a0cff126f51c16239658: 4}
)" + kOneCluster);
    const auto& value = config.defaults.at("pipeline.jobvertex-parallelism-overrides");
    CHECK(value == kJobA + ":3," + kJobB + ":4");
    const auto options = flinkscaler::AutoscalerOptions::from(config.defaults);
    CHECK(options.user_parallelism_overrides == std::map<std::string, int>{{kJobA, 3}, {kJobB, 4}});
}

TEST_CASE("the deprecated kubernetes.operator.* spellings and the foreign keys the core reads are accepted",
          "[service-config]") {
    const auto config = parse(R"(defaults:
  kubernetes.operator.job.autoscaler.enabled: true
  job.autoscaler.target.utilization: 0.5
  jobmanager.scheduler: adaptive
  taskmanager.memory.process.size: 4g
)" + kOneCluster);
    CHECK(config.defaults.size() == 4);
}

// ---- problems, one kind at a time ---------------------------------------------------------------------

TEST_CASE("a YAML syntax error is reported with its line and column", "[service-config]") {
    const auto problems = problems_of("clusters:\n  - name: a\n    url: [http://a\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 4);
    CHECK(problems[0].column == 1);
    CHECK(problems[0].key.empty());
    CHECK_THAT(problems[0].message, Catch::StartsWith("YAML syntax error: "));
    CHECK(problems[0].to_string() == "test.yaml:4:1: " + problems[0].message);
}

TEST_CASE("more than one YAML document is a problem", "[service-config]") {
    const auto problems = problems_of(kOneCluster + "---\n" + kOneCluster);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].message, Catch::Contains("one YAML document"));
}

TEST_CASE("an empty file, a missing or empty clusters list are problems", "[service-config]") {
    SECTION("empty file") {
        const auto problems = problems_of("# nothing but a comment\n");
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].line == 0);
        CHECK(problems[0].key == "clusters");
        CHECK(problems[0].to_string() == "test.yaml: key 'clusters': is required (the file holds no settings)");
    }
    SECTION("missing: reported at the document") {
        CHECK(only_problem("service:\n  workers: 2\n", 1, 1, "clusters") == "is required");
    }
    SECTION("no value") {
        CHECK(only_problem("clusters:\n", 1, 1, "clusters") == "is required but has no value");
    }
    SECTION("empty list") { CHECK(only_problem("clusters: []\n", 1, 1, "clusters") == "at least one cluster is needed"); }
    SECTION("not a mapping at all") {
        CHECK(only_problem("- a\n", 1, 1, "") == "expected a mapping, got a list");
    }
}

TEST_CASE("unknown keys are reported everywhere with a did-you-mean hint", "[service-config]") {
    CHECK(only_problem("cluster:\n  - {name: a, url: http://a}\n" + kOneCluster, 1, 1, "cluster") ==
          "unknown key (did you mean 'clusters'?)");
    CHECK(only_problem("service:\n  pol-interval: 5s\n" + kOneCluster, 2, 3, "service.pol-interval") ==
          "unknown key (did you mean 'poll-interval'?)");
    CHECK(only_problem("service:\n  log: {levle: info}\n" + kOneCluster, 2, 9, "service.log.levle") ==
          "unknown key (did you mean 'level'?)");
    CHECK(only_problem(kOneCluster + "    urls: http://b\n", 4, 5, "clusters[0].urls") ==
          "unknown key (did you mean 'url'?)");
    CHECK(only_problem(R"(clusters:
  - name: a
    url: https://a
    tls: {verify: true, ca_file: x}
)",
                       4, 25, "clusters[0].tls.ca_file") == "unknown key (did you mean 'ca-file'?)");
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {cluster: a, nam: x}\n    options: {}\n", 5, 25,
                       "jobs[0].match.nam") ==
          "unknown key (did you mean 'name'?)");
    {
        // A mistyped required key: the hint and the missing key are both reported.
        const auto problems = problems_of(kOneCluster + "jobs:\n  - match: {name: x}\n    option: {}\n");
        REQUIRE(problems.size() == 2);
        CHECK(problems[0].to_string() == "test.yaml:5:5: key 'jobs[0].options': is required");
        CHECK(problems[1].to_string() == "test.yaml:6:5: key 'jobs[0].option': unknown key (did you mean 'options'?)");
    }
    // Far from every key: no hint.
    CHECK(only_problem("zzzzzzzz: 1\n" + kOneCluster, 1, 1, "zzzzzzzz") == "unknown key");
}

TEST_CASE("a key given twice in one mapping is a problem", "[service-config]") {
    CHECK(only_problem("service:\n  workers: 2\n  workers: 3\n" + kOneCluster, 3, 3, "service.workers") ==
          "given twice (first at line 2)");
}

TEST_CASE("values of the wrong type are reported at the value", "[service-config]") {
    CHECK(only_problem("service:\n  workers: many\n" + kOneCluster, 2, 12, "service.workers") ==
          "expected a whole number in 1..256, got \"many\"");
    CHECK(only_problem("service:\n  workers: \"16\"\n" + kOneCluster, 2, 12, "service.workers") ==
          "expected a whole number in 1..256, got the quoted text \"16\"");
    CHECK(only_problem("service:\n  dry-run: yes\n" + kOneCluster, 2, 12, "service.dry-run") ==
          "expected true or false, got \"yes\"");
    CHECK(only_problem("service:\n  state-database: [a, b]\n" + kOneCluster, 2, 3, "service.state-database") ==
          "expected a single value, got a list");
    // A mapping or a list is reported at its key: its value starts on the next line.
    CHECK(only_problem("clusters:\n  name: a\n", 1, 1, "clusters") == "expected a list, got a mapping");
    CHECK(only_problem("clusters:\n  - http://a\n", 2, 5, "clusters[0]") == "expected a mapping, got \"http://a\"");
    CHECK(only_problem("service:\n  log: {level: INFO}\n" + kOneCluster, 2, 16, "service.log.level") ==
          "expected one of trace, debug, info, warn, error, got \"INFO\" (did you mean 'info'?)");
}

TEST_CASE("numbers out of range are reported with the allowed range", "[service-config]") {
    CHECK(only_problem("service:\n  workers: 0\n" + kOneCluster, 2, 12, "service.workers") ==
          "must lie in 1..256, got 0");
    CHECK(only_problem("service:\n  max-concurrent-requests: 65\n" + kOneCluster, 2, 28,
                       "service.max-concurrent-requests") == "must lie in 1..64, got 65");
    CHECK(only_problem(kOneCluster + "    max-concurrent-requests: 0\n", 4, 30, "clusters[0].max-concurrent-requests") ==
          "must lie in 1..64, got 0");
    CHECK(only_problem("service:\n  log: {max-files: 0}\n" + kOneCluster, 2, 20, "service.log.max-files") ==
          "must lie in 1..1000, got 0");
}

TEST_CASE("bad durations and sizes name the problem; a bare number too small says it is milliseconds",
          "[service-config]") {
    CHECK_THAT(only_problem("service:\n  poll-interval: soon\n" + kOneCluster, 2, 18, "service.poll-interval"),
               Catch::StartsWith("invalid duration \"soon\""));
    CHECK(only_problem("service:\n  poll-interval: 10\n" + kOneCluster, 2, 18, "service.poll-interval") ==
          "must be at least 1 s, got 10 ms (a number without a unit is milliseconds, as in Flink)");
    CHECK(only_problem("service:\n  job-retention: 30s\n" + kOneCluster, 2, 18, "service.job-retention") ==
          "must be at least 1 min, got 30 s");
    CHECK(only_problem(kOneCluster + "    connect-timeout: 5\n", 4, 22, "clusters[0].connect-timeout") ==
          "must be at least 100 ms, got 5 ms (a number without a unit is milliseconds, as in Flink)");
    CHECK_THAT(only_problem("service:\n  log: {max-file-size: 64 furlongs}\n" + kOneCluster, 2, 24,
                            "service.log.max-file-size"),
               Catch::StartsWith("invalid memory size"));
}

TEST_CASE("service addresses and paths are checked", "[service-config]") {
    CHECK_THAT(only_problem("service:\n  status-address: localhost\n" + kOneCluster, 2, 19, "service.status-address"),
               Catch::StartsWith("expected host:port"));
    CHECK_THAT(only_problem("service:\n  status-address: h:70000\n" + kOneCluster, 2, 19, "service.status-address"),
               Catch::StartsWith("expected host:port"));
    CHECK_THAT(only_problem("service:\n  status-address: \"::1:80\"\n" + kOneCluster, 2, 19, "service.status-address"),
               Catch::StartsWith("expected host:port"));
    CHECK(only_problem("service:\n  state-database: \"\"\n" + kOneCluster, 2, 19, "service.state-database") ==
          "must not be empty");
    const auto config = parse("service:\n  status-address: \"\"\n" + kOneCluster);
    CHECK(config.service.status_address.empty());  // disables the endpoint
    CHECK(parse("service:\n  status-address: \"[::1]:0\"\n" + kOneCluster).service.status_address == "[::1]:0");
}

TEST_CASE("cluster names must be unique and fit in a job key", "[service-config]") {
    CHECK(only_problem(R"(clusters:
  - name: a
    url: http://a
  - name: a
    url: http://b
)",
                       4, 11, "clusters[1].name") ==
          "duplicate cluster name 'a' (first at line 2): job keys <cluster>/<job-id> must be unique");
    CHECK_THAT(only_problem("clusters:\n  - name: a/b\n    url: http://a\n", 2, 11, "clusters[0].name"),
               Catch::Contains("may only hold letters, digits"));
    CHECK(only_problem("clusters:\n  - url: http://a\n", 2, 5, "clusters[0].name") == "is required");
}

TEST_CASE("cluster URLs are checked like the HTTP client reads them", "[service-config]") {
    CHECK(only_problem("clusters:\n  - name: a\n    url: jm:8081\n", 3, 10, "clusters[0].url") ==
          "invalid URL \"jm:8081\": expected http://host[:port][/prefix]");
    CHECK(only_problem("clusters:\n  - name: a\n    url: ftp://jm\n", 3, 10, "clusters[0].url") ==
          "invalid URL \"ftp://jm\": scheme must be http or https");
    CHECK(only_problem("clusters:\n  - name: a\n    url: http://jm:http\n", 3, 10, "clusters[0].url") ==
          "invalid URL \"http://jm:http\": the port must be a number in 1..65535");
    CHECK_THAT(only_problem("clusters:\n  - name: a\n    url: http://u:p@jm\n", 3, 10, "clusters[0].url"),
               Catch::Contains("credentials go in the auth settings"));
    CHECK(only_problem("clusters:\n  - name: a\n", 2, 5, "clusters[0].url") == "is required");
}

TEST_CASE("a yarn cluster: resource managers, access, scheme and application filters are read", "[service-config][yarn]") {
    const auto config = parse(R"(clusters:
  - name: prod-yarn
    kind: yarn
    resource-managers: [http://rm1:8088, http://rm2:8088]
    flink-access: proxy
    direct-scheme: https
    max-concurrent-requests: 2
    applications:
      type: Flink
      queue: root.streaming
      user: streaming
      tags: [autoscale, team-a]
      name: "orders-*"
    options: {job.autoscaler.utilization.target: "0.6"}
  - name: plain
    url: http://jm:8081
)");
    REQUIRE(config.clusters.size() == 2);
    const auto& yarn_cluster = config.clusters[0];
    REQUIRE(yarn_cluster.yarn.has_value());
    CHECK(yarn_cluster.connection.base_url.empty());
    CHECK(yarn_cluster.connection.max_concurrent_requests == 2);
    CHECK(yarn_cluster.yarn->resource_managers == std::vector<std::string>{"http://rm1:8088", "http://rm2:8088"});
    CHECK(yarn_cluster.yarn->flink_access == flinkscaler::yarn::FlinkAccess::Proxy);
    CHECK(yarn_cluster.yarn->direct_scheme == "https");
    CHECK(yarn_cluster.yarn->applications.type == "Flink");
    CHECK(yarn_cluster.yarn->applications.queue == "root.streaming");
    CHECK(yarn_cluster.yarn->applications.user == "streaming");
    CHECK(yarn_cluster.yarn->applications.tags == std::vector<std::string>{"autoscale", "team-a"});
    CHECK(yarn_cluster.yarn->name_glob == "orders-*");
    CHECK_FALSE(config.clusters[1].yarn.has_value());

    const auto defaults = parse("clusters:\n  - {name: y, kind: yarn, resource-managers: [http://rm:8088]}\n");
    const auto& yarn_defaults = *defaults.clusters[0].yarn;
    CHECK(yarn_defaults.flink_access == flinkscaler::yarn::FlinkAccess::Auto);
    CHECK(yarn_defaults.direct_scheme == "http");
    CHECK(yarn_defaults.applications.type == "Apache Flink");
    CHECK(yarn_defaults.applications.tags.empty());
    CHECK_FALSE(yarn_defaults.name_glob.has_value());
}

TEST_CASE("a yarn cluster names resource managers, never a url; yarn keys need kind yarn", "[service-config][yarn]") {
    CHECK_THAT(only_problem("clusters:\n  - name: y\n    kind: yarn\n    url: http://jm\n    resource-managers: [http://rm]\n",
                            4, 10, "clusters[0].url"),
               Catch::Contains("names its resource-managers, not a JobManager url"));
    CHECK(only_problem("clusters:\n  - name: y\n    kind: yarn\n", 2, 5, "clusters[0].resource-managers") ==
          "is required");
    CHECK(only_problem("clusters:\n  - name: y\n    kind: yarn\n    resource-managers: []\n", 4, 5,
                       "clusters[0].resource-managers") == "at least one ResourceManager web address is needed");
    CHECK(only_problem("clusters:\n  - name: y\n    kind: yarn\n    resource-managers: [http://rm, http://rm]\n", 4,
                       36, "clusters[0].resource-managers[1]") == "listed twice");
    CHECK_THAT(only_problem("clusters:\n  - name: y\n    kind: yarn\n    resource-managers: [rm:8088]\n", 4, 25,
                            "clusters[0].resource-managers[0]"),
               Catch::Contains("invalid URL \"rm:8088\""));
    CHECK(only_problem("clusters:\n  - name: a\n    url: http://jm\n    flink-access: proxy\n", 4, 19,
                       "clusters[0].flink-access") == "only for kind: yarn");
    CHECK_THAT(only_problem("clusters:\n  - name: a\n    kind: kubernetes\n    url: http://jm\n", 3, 11,
                            "clusters[0].kind"),
               Catch::Contains("flink"));
    CHECK_THAT(only_problem("clusters:\n  - name: y\n    kind: yarn\n    resource-managers: [http://rm]\n"
                            "    applications: {tags: ['a,b']}\n",
                            5, 27, "clusters[0].applications.tags[0]"),
               Catch::Contains("without ','"));
}

TEST_CASE("a yarn cluster selects running applications by type, queue, user, tags and name glob",
          "[service-config][yarn]") {
    const auto config = parse(R"(clusters:
  - name: y
    kind: yarn
    resource-managers: [http://rm:8088]
    applications: {queue: root.streaming, tags: [autoscale], name: "orders-*"}
)");
    const auto& yarn_settings = *config.clusters[0].yarn;
    flinkscaler::yarn::Application app;
    app.id = "application_1716900000000_0042";
    app.name = "orders-enrichment";
    app.state = "RUNNING";
    app.type = "Apache Flink";
    app.queue = "streaming";  // the Capacity Scheduler's leaf name
    app.tags = {"autoscale", "team-a"};
    CHECK(yarn_settings.selects(app));
    auto other_name = app;
    other_name.name = "billing";
    CHECK_FALSE(yarn_settings.selects(other_name));
    auto untagged = app;
    untagged.tags = {"team-a"};
    CHECK_FALSE(yarn_settings.selects(untagged));
    auto spark = app;
    spark.type = "SPARK";
    CHECK_FALSE(yarn_settings.selects(spark));
    auto finished = app;
    finished.state = "FINISHED";
    CHECK_FALSE(yarn_settings.selects(finished));
    auto batch = app;
    batch.queue = "root.batch";
    CHECK_FALSE(yarn_settings.selects(batch));
}

TEST_CASE("a yarn application's jobs take the yarn cluster's options and its jobs entries", "[service-config][yarn]") {
    const auto config = parse(R"(defaults:
  job.autoscaler.utilization.target: "0.1"
clusters:
  - name: y
    kind: yarn
    resource-managers: [http://rm:8088]
    options: {job.autoscaler.utilization.target: "0.2"}
  - name: other
    url: http://jm:8081
jobs:
  - match: {cluster: y, name: "orders-*"}
    options: {job.autoscaler.utilization.target: "0.3"}
)");
    const auto application = flinkscaler::config::application_cluster_name("y", "application_1716900000000_0042");
    CHECK(application == "y/application_1716900000000_0042");
    CHECK(flinkscaler::config::configured_cluster_name(application) == "y");
    CHECK(config.job_configuration(application, kJobA, "billing", {}).at("job.autoscaler.utilization.target") == "0.2");
    CHECK(config.job_configuration(application, kJobA, "orders-eu", {}).at("job.autoscaler.utilization.target") == "0.3");
    CHECK(config.job_configuration("other", kJobA, "orders-eu", {}).at("job.autoscaler.utilization.target") == "0.1");
}

TEST_CASE("TLS settings need https, cert and key together, and readable files", "[service-config]") {
    TempDir dir;
    dir.write("cert.pem", "C");
    const auto file = (dir.path / "f.yaml").string();
    const auto problems = problems_of(R"(clusters:
  - name: a
    url: http://a
    tls:
      cert-file: cert.pem
      ca-file: missing.pem
)",
                                      file);
    INFO(render(problems));
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].to_string() == file + ":4:5: key 'clusters[0].tls': TLS settings need an https:// url");
    CHECK(problems[1].to_string() == file + ":4:5: key 'clusters[0].tls': cert-file and key-file go together (the "
                                            "client certificate and its private key)");
    CHECK(problems[2].to_string() == file + ":6:16: key 'clusters[0].tls.ca-file': cannot read 'missing.pem' (" +
                                         (dir.path / "missing.pem").string() + "): No such file or directory");
}

TEST_CASE("auth takes basic or bearer with secrets in files, never inline", "[service-config]") {
    TempDir dir;
    dir.write("pw", "x\n");
    const auto file = (dir.path / "f.yaml").string();
    const auto base = kOneCluster + "    auth:\n";
    {
        const auto problems = problems_of(base + "      type: basic\n      username: u\n      password: hunter2\n", file);
        INFO(render(problems));
        REQUIRE(problems.size() == 2);
        CHECK(problems[0].line == 4);  // a missing key is reported at its parent
        CHECK(problems[0].key == "clusters[0].auth.password-file");
        CHECK(problems[0].message == "is required");
        CHECK(problems[1].line == 7);
        CHECK(problems[1].key == "clusters[0].auth.password");
        CHECK_THAT(problems[1].message, Catch::StartsWith("secrets are not written in the config file"));
    }
    {
        const auto problems = problems_of(base + "      type: digest\n", file);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].key == "clusters[0].auth.type");
        CHECK(problems[0].message == "expected one of basic, bearer, got \"digest\"");
    }
    {
        const auto problems = problems_of(base + "      type: bearer\n      token-file: pw\n      username: u\n", file);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].key == "clusters[0].auth.username");
        CHECK(problems[0].message == "only for type basic");
    }
    {
        const auto problems = problems_of(base + "      type: bearer\n      token-file: nope\n", file);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].line == 6);
        CHECK(problems[0].column == 19);
        CHECK_THAT(problems[0].message, Catch::StartsWith("cannot read 'nope'") && Catch::EndsWith("No such file or directory"));
    }
}

TEST_CASE("secrets are read from their files with the trailing newline stripped", "[service-config]") {
    TempDir dir;
    dir.write("lf", "pass word\n");
    dir.write("crlf", "token\r\n");
    dir.write("several", "p\n\n");
    dir.write("inner", "a\nb\n");
    dir.write("empty", "\n");
    const auto file = (dir.path / "f.yaml").string();
    const auto config = parse(R"(clusters:
  - {name: a, url: http://a, auth: {type: basic, username: u, password-file: lf}}
  - {name: b, url: http://b, auth: {type: bearer, token-file: crlf}}
  - {name: c, url: http://c, auth: {type: basic, username: u, password-file: several}}
  - {name: d, url: http://d, auth: {type: bearer, token-file: inner}}
)",
                              file);
    CHECK(config.clusters[0].connection.auth.password == "pass word");
    CHECK(config.clusters[1].connection.auth.token == "token");
    CHECK(config.clusters[2].connection.auth.password == "p");
    CHECK(config.clusters[3].connection.auth.token == "a\nb");
    const auto problems =
        problems_of("clusters:\n  - {name: a, url: http://a, auth: {type: bearer, token-file: empty}}\n", file);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "'empty' is empty");
}

TEST_CASE("relative paths resolve against the config file's directory, not the working directory",
          "[service-config]") {
    TempDir dir;
    dir.write("etc/certs/ca.pem", "CA");
    dir.write("etc/secrets/pw", "pw");
    dir.write("var/.keep", "");  // the state database's folder must exist (check-config checks it)
    const auto file = dir.write("etc/flinkscaler.yaml", R"(service:
  state-database: ../var/state.db
  log: {file: logs/flinkscaler.log}
clusters:
  - name: a
    url: https://a
    tls: {ca-file: certs/ca.pem}
    auth: {type: basic, username: u, password-file: ./secrets/pw}
)");
    const auto config = flinkscaler::config::load_service_config(file.string());
    CHECK(config.service.state_database == (dir.path / "var/state.db").string());
    CHECK(config.service.log.file == (dir.path / "etc/logs/flinkscaler.log").string());
    CHECK(config.clusters[0].connection.tls.ca_file == (dir.path / "etc/certs/ca.pem").string());
    CHECK(config.clusters[0].connection.auth.password == "pw");
    // Absolute paths stay as they are.
    CHECK(parse("service: {state-database: " + dir.file("y.db") + "}\n" + kOneCluster).service.state_database ==
          dir.file("y.db"));
}

TEST_CASE("option maps accept only autoscaler-relevant keys; unknown job.autoscaler keys get a hint",
          "[service-config]") {
    CHECK(only_problem("defaults:\n  job.autoscaler.metrics.windw: 5m\n" + kOneCluster, 2, 3,
                       "defaults.job.autoscaler.metrics.windw") ==
          "unknown autoscaler option (did you mean 'job.autoscaler.metrics.window'?)");
    CHECK_THAT(only_problem("defaults:\n  parallelism.default: 4\n" + kOneCluster, 2, 3, "defaults.parallelism.default"),
               Catch::StartsWith("not an autoscaler option; option maps take job.autoscaler.*"));
    CHECK_THAT(only_problem("defaults:\n  taskmanager.numberOfTaskslots: 4\n" + kOneCluster, 2, 3,
                            "defaults.taskmanager.numberOfTaskslots"),
               Catch::StartsWith("not an autoscaler option (did you mean 'taskmanager.numberOfTaskSlots'?)"));
    // Nested spelling: the key path and the position are those of the innermost key.
    CHECK(only_problem("defaults:\n  job:\n    autoscaler:\n      enabld: true\n" + kOneCluster, 4, 7,
                       "defaults.job.autoscaler.enabld") ==
          "unknown autoscaler option (did you mean 'job.autoscaler.enabled'?)");
    CHECK_THAT(only_problem("defaults:\n  job.autoscaler.scaling.parallelism-alignment.mode: MINE\n" + kOneCluster, 2,
                            54, "defaults.job.autoscaler.scaling.parallelism-alignment.mode"),
               Catch::StartsWith("alignment mode \"MINE\" is not supported"));
}

TEST_CASE("the same option given flat and nested in one map is a problem", "[service-config]") {
    CHECK(only_problem("defaults:\n  job.autoscaler.enabled: true\n  job: {autoscaler: {enabled: false}}\n" + kOneCluster,
                       3, 22, "defaults.job.autoscaler.enabled") == "given twice (first at line 2)");
}

TEST_CASE("an option without a value or with a nested list is a problem", "[service-config]") {
    CHECK(only_problem("defaults:\n  job.autoscaler.enabled:\n" + kOneCluster, 2, 3, "defaults.job.autoscaler.enabled") ==
          "has no value (write \"\" for an empty one)");
    CHECK(only_problem("defaults:\n  job.autoscaler.vertex.exclude.ids: [[a]]\n" + kOneCluster, 2, 39,
                       "defaults.job.autoscaler.vertex.exclude.ids[0]") == "expected a single value, got a list");
}

TEST_CASE("option values are parsed and a bad one is reported at its line, in every map", "[service-config]") {
    CHECK(only_problem("defaults:\n  job.autoscaler.metrics.window: soon\n" + kOneCluster, 2, 34,
                       "defaults.job.autoscaler.metrics.window")
              .starts_with("invalid value \"soon\" for option job.autoscaler.metrics.window: invalid duration"));
    CHECK(only_problem(kOneCluster + "    options:\n      job.autoscaler.enabled: maybe\n", 5, 31,
                       "clusters[0].options.job.autoscaler.enabled")
              .starts_with("invalid value \"maybe\" for option job.autoscaler.enabled"));
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {name: x}\n    options: {job.autoscaler.vertex.max-parallelism: "
                                     "lots}\n",
                       6, 54, "jobs[0].options.job.autoscaler.vertex.max-parallelism")
              .starts_with("invalid value \"lots\""));
}

TEST_CASE("rules spanning options are checked on each level merged with the levels below", "[service-config]") {
    SECTION("in defaults: at the option the rule names") {
        CHECK(only_problem("defaults:\n  job.autoscaler.utilization.target: 0.8\n  job.autoscaler.utilization.max: "
                           "0.7\n" + kOneCluster,
                           3, 35, "defaults.job.autoscaler.utilization.max") ==
              "option job.autoscaler.utilization.max is 0.700000, it must lie within [0.800000, 1.000000]");
    }
    SECTION("a cluster that breaks a rule with an option it sets") {
        CHECK(only_problem("defaults:\n  job.autoscaler.utilization.target: 0.8\n" + kOneCluster +
                               "    options: {job.autoscaler.utilization.max: 0.7}\n",
                           6, 47, "clusters[0].options.job.autoscaler.utilization.max") ==
              "option job.autoscaler.utilization.max is 0.700000, it must lie within [0.800000, 1.000000]");
    }
    SECTION("a jobs entry that breaks a rule together with inherited options: at its options map") {
        CHECK(only_problem("defaults:\n  job.autoscaler.utilization.max: 0.75\n" + kOneCluster +
                               "jobs:\n  - match: {name: x}\n    options: {job.autoscaler.utilization.target: 0.8}\n",
                           8, 5, "jobs[0].options") ==
              "option job.autoscaler.utilization.max is 0.750000, it must lie within [0.800000, 1.000000] (together "
              "with the options it inherits)");
    }
    SECTION("a rule broken below is not reported again above") {
        const auto problems = problems_of("defaults:\n  job.autoscaler.utilization.target: 1.5\n" + kOneCluster +
                                          "    options: {job.autoscaler.enabled: true}\n");
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].line == 2);
    }
    SECTION("a higher level can repair a lower one for its scope without a problem") {
        const auto config = parse("defaults:\n  job.autoscaler.utilization.target: 0.5\n" + kOneCluster +
                                  "    options: {job.autoscaler.utilization.target: 0.9, job.autoscaler.utilization.max: "
                                  "0.95}\n");
        CHECK(config.clusters[0].options.size() == 2);
    }
}

TEST_CASE("jobs entries need a selector, a well-formed id, a known cluster and a valid glob", "[service-config]") {
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {}\n    options: {}\n", 5, 5, "jobs[0].match") ==
          "needs at least one selector: name, id or cluster");
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {id: 1234}\n    options: {}\n", 5, 17, "jobs[0].match.id") ==
          "expected a Flink job id (32 hex digits), got \"1234\"");
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {cluster: b}\n    options: {}\n", 5, 22,
                       "jobs[0].match.cluster") == "no cluster is named 'b' (did you mean 'a'?)");
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {name: \"etl-[ab\"}\n    options: {}\n", 5, 19,
                       "jobs[0].match.name") == "'[' at position 5 is never closed by ']'");
    CHECK(only_problem(kOneCluster + "jobs:\n  - match: {name: x}\n", 5, 5, "jobs[0].options") == "is required");
}

TEST_CASE("every problem of a file is reported, in line order", "[service-config]") {
    const auto problems = problems_of(R"(service:
  workers: 0
  poll-interval: 1
  colour: blue
defaults:
  job.autoscaler.metrics.window: soon
  job.autoscaler.enabld: true
clusters:
  - name: a
    url: http://a
  - name: a
    url: gopher://b
jobs:
  - match: {cluster: c}
    options: {}
)");
    INFO(render(problems));
    REQUIRE(problems.size() == 8);
    const std::vector<std::pair<int, std::string>> expected = {
        {2, "service.workers"},
        {3, "service.poll-interval"},
        {4, "service.colour"},
        {6, "defaults.job.autoscaler.metrics.window"},
        {7, "defaults.job.autoscaler.enabld"},
        {11, "clusters[1].name"},
        {12, "clusters[1].url"},
        {14, "jobs[0].match.cluster"},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(problems[i].line == expected[i].first);
        CHECK(problems[i].key == expected[i].second);
        CHECK(problems[i].file == "test.yaml");
    }
}

TEST_CASE("ConfigError carries every problem and lists them in what()", "[service-config]") {
    try {
        (void)parse("service: {workers: 0, dry-run: 2}\n" + kOneCluster);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        REQUIRE(e.problems.size() == 2);
        CHECK(std::string(e.what()) == e.problems[0].to_string() + "\n" + e.problems[1].to_string());
    }
}

TEST_CASE("load_service_config: an unreadable file is a runtime_error naming it, not a ConfigError",
          "[service-config]") {
    TempDir dir;
    const auto missing = (dir.path / "absent.yaml").string();
    CHECK_THROWS_WITH(flinkscaler::config::load_service_config(missing), missing + ": cannot read: No such file or directory");
    CHECK_THROWS_WITH(flinkscaler::config::load_service_config(dir.path.string()),
                      dir.path.string() + ": cannot read: is a directory");
}

// ---- precedence ---------------------------------------------------------------------------------------

namespace {

const std::string kPrecedence = R"(defaults:
  job.autoscaler.utilization.target: "0.1"
  job.autoscaler.metrics.window: 1m
  job.autoscaler.enabled: true
clusters:
  - name: a
    url: http://a
    options:
      job.autoscaler.utilization.target: "0.2"
      job.autoscaler.scale-down.interval: 2h
  - name: b
    url: http://b
jobs:
  - match: {cluster: a}
    options: {job.autoscaler.utilization.target: "0.3", job.autoscaler.restart.time: 1m}
  - match: {name: "orders-*"}
    options: {job.autoscaler.utilization.target: "0.4"}
  - match: {id: 0a448493b4782967b150582570326227}
    options: {job.autoscaler.utilization.target: "0.5"}
)";

std::string target(const Configuration& conf) { return conf.at("job.autoscaler.utilization.target"); }

}  // namespace

TEST_CASE("precedence: built-in defaults are whatever no level sets", "[service-config][precedence]") {
    const auto config = parse(kOneCluster);
    CHECK(config.job_configuration("a", kJobA, "x", {}).empty());
}

TEST_CASE("precedence: defaults apply to every job of every cluster", "[service-config][precedence]") {
    const auto config = parse(kPrecedence);
    const auto conf = config.job_configuration("b", kJobB, "billing", {});
    CHECK(conf == Configuration{{"job.autoscaler.utilization.target", "0.1"},
                                {"job.autoscaler.metrics.window", "1m"},
                                {"job.autoscaler.enabled", "true"}});
    // A cluster the file does not know gets the defaults too (and the jobs entries that match).
    CHECK(target(config.job_configuration("zzz", kJobB, "billing", {})) == "0.1");
}

TEST_CASE("precedence: the cluster's options beat the defaults", "[service-config][precedence]") {
    const auto config = parse(kPrecedence);
    const auto conf = config.job_configuration("b", kJobB, "billing", {});
    CHECK(target(conf) == "0.1");
    const auto on_a = parse(R"(defaults:
  job.autoscaler.utilization.target: "0.1"
clusters:
  - name: a
    url: http://a
    options: {job.autoscaler.utilization.target: "0.2"}
)").job_configuration("a", kJobB, "billing", {});
    CHECK(target(on_a) == "0.2");
}

TEST_CASE("precedence: a matching jobs entry beats the cluster; others are ignored", "[service-config][precedence]") {
    const auto config = parse(kPrecedence);
    const auto conf = config.job_configuration("a", kJobB, "billing", {});
    CHECK(target(conf) == "0.3");
    CHECK(conf.at("job.autoscaler.scale-down.interval") == "2h");  // from the cluster
    CHECK(conf.at("job.autoscaler.restart.time") == "1m");         // from the entry
    CHECK(conf.at("job.autoscaler.metrics.window") == "1m");       // from the defaults
    // Same job on cluster b: the cluster selector does not match.
    CHECK(target(config.job_configuration("b", kJobB, "billing", {})) == "0.1");
}

TEST_CASE("precedence: of several matching jobs entries the later one wins", "[service-config][precedence]") {
    const auto config = parse(kPrecedence);
    CHECK(target(config.job_configuration("a", kJobB, "orders-eu", {})) == "0.4");
    CHECK(target(config.job_configuration("a", kJobA, "orders-eu", {})) == "0.5");
    // The id selector compares case-insensitively.
    std::string upper = kJobA;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(target(config.job_configuration("b", upper, "billing", {})) == "0.5");
    // Earlier entries still contribute what later ones do not set.
    CHECK(config.job_configuration("a", kJobA, "orders-eu", {}).at("job.autoscaler.restart.time") == "1m");
}

TEST_CASE("precedence: the job's own Flink configuration wins, but only its autoscaler-relevant keys are taken",
          "[service-config][precedence]") {
    const auto config = parse(kPrecedence);
    const Configuration flink = {
        {"job.autoscaler.utilization.target", "0.6"},
        {"jobmanager.scheduler", "adaptive"},
        {"taskmanager.numberOfTaskSlots", "2"},
        {"parallelism.default", "8"},
        {"state.backend.type", "rocksdb"},
    };
    const auto conf = config.job_configuration("a", kJobA, "orders-eu", flink);
    CHECK(target(conf) == "0.6");
    CHECK(conf.at("jobmanager.scheduler") == "adaptive");
    CHECK(conf.at("taskmanager.numberOfTaskSlots") == "2");
    CHECK(conf.count("parallelism.default") == 0);
    CHECK(conf.count("state.backend.type") == 0);
}

TEST_CASE("precedence: a higher level wins even when it spells the option differently",
          "[service-config][precedence]") {
    // Without removing the other spellings, present_key would pick the main key of the lower level.
    const auto config = parse(R"(defaults:
  job.autoscaler.utilization.target: "0.5"
  job.autoscaler.scaling.parallelism-alignment.mode: OFF
clusters:
  - name: a
    url: http://a
    options:
      kubernetes.operator.job.autoscaler.target.utilization: "0.8"
      job.autoscaler.scaling.key-group.partitions.adjust.mode: MAXIMIZE_UTILISATION
)");
    const auto conf = config.job_configuration("a", kJobA, "x", {});
    CHECK(conf.count("job.autoscaler.utilization.target") == 0);
    const auto options = flinkscaler::AutoscalerOptions::from(conf);
    CHECK(options.utilization_target == 0.8);
    CHECK(options.alignment_mode == flinkscaler::AlignmentMode::LEGACY_MAXIMIZE_UTILISATION);
    // Within one level (the job's own configuration) both spellings stay, and Flink's order decides.
    const auto own = config.job_configuration(
        "a", kJobA, "x",
        {{"job.autoscaler.utilization.target", "0.3"}, {"job.autoscaler.target.utilization", "0.9"}});
    CHECK(flinkscaler::AutoscalerOptions::from(own).utilization_target == 0.3);
}

// ---- glob ------------------------------------------------------------------------------------------------

TEST_CASE("glob_match: * ? and [...] on whole names", "[service-config][glob]") {
    CHECK(glob_match("orders-*", "orders-eu"));
    CHECK(glob_match("orders-*", "orders-"));
    CHECK_FALSE(glob_match("orders-*", "my-orders-eu"));  // whole string, not a search
    CHECK(glob_match("*-eu", "orders-eu"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("a*b*c", "aXXbYYbc"));
    CHECK_FALSE(glob_match("a*b*c", "aXXbYY"));
    CHECK(glob_match("job-?", "job-1"));
    CHECK_FALSE(glob_match("job-?", "job-12"));
    CHECK(glob_match("job-?", "job-é"));  // ? is one character, also beyond ASCII
    CHECK(glob_match("etl-[abc]", "etl-b"));
    CHECK_FALSE(glob_match("etl-[abc]", "etl-d"));
    CHECK(glob_match("etl-[a-c]x", "etl-bx"));
    CHECK(glob_match("etl-[!a-c]", "etl-d"));
    CHECK_FALSE(glob_match("etl-[!a-c]", "etl-a"));
    CHECK(glob_match("[]]", "]"));        // a ']' first in a class is literal
    CHECK(glob_match("a[", "a["));        // an unclosed '[' is an ordinary character
    CHECK(glob_match("exact", "exact"));
    CHECK_FALSE(glob_match("exact", "exactly"));
    CHECK_FALSE(glob_match("", "x"));
}
