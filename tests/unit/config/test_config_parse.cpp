// SPDX-License-Identifier: Apache-2.0
//
// The config reader as a pure function of the text and a FileProbe (src/config/file_probe.hpp):
// with a probe of its own, a test decides what every named file holds, and nothing touches the
// disk. Also the address and URL syntax shared with the HTTP side (src/http/address.hpp) and
// the secret-file reading shared with the commands' flags.
#include "config/config_keys.hpp"
#include "config/config_loader.hpp"
#include "config/secret_file.hpp"
#include "http/address.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

using flinkscaler::config::ConfigError;
using flinkscaler::config::ConfigProblem;
using flinkscaler::config::FileProbe;
using flinkscaler::config::ServiceConfig;
namespace fs = std::filesystem;

namespace {

/// An in-memory file system: `files` hold content, `unreadable` map a path to its reason.
/// Records every path asked about, so a test can check what the reader looked at.
class FakeFiles final : public FileProbe {
public:
    fs::path cwd = "/home/op";
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> unreadable;
    mutable std::set<std::string> asked;

    fs::path current_directory() const override { return cwd; }
    std::string unreadable_reason(const fs::path& path) const override {
        asked.insert(path.string());
        if (const auto it = unreadable.find(path.string()); it != unreadable.end()) return it->second;
        return files.count(path.string()) ? "" : "No such file or directory";
    }
    /// Paths the daemon cannot create, with the reason (every other path can be created).
    std::map<std::string, std::string> unwritable;
    std::string unwritable_reason(const fs::path& path) const override {
        const auto it = unwritable.find(path.string());
        return it == unwritable.end() ? "" : it->second;
    }
    std::optional<std::string> read(const fs::path& path) const override {
        asked.insert(path.string());
        const auto it = files.find(path.string());
        if (it == files.end()) return std::nullopt;
        return it->second;
    }
};

std::vector<ConfigProblem> problems_of(const std::string& text, const std::string& source, const FakeFiles& files) {
    try {
        (void)flinkscaler::config::parse_service_config(text, source, files);
    } catch (const ConfigError& e) {
        return e.problems;
    }
    FAIL("expected the config to be rejected:\n" << text);
    return {};
}

const std::string kSecretCluster = R"(clusters:
  - name: a
    url: https://a
    tls: {ca-file: certs/ca.pem}
    auth: {type: bearer, token-file: secrets/token}
)";

}  // namespace

TEST_CASE("parse with a FileProbe: files are checked and read through it, relative to the config's folder",
          "[config][file-probe]") {
    FakeFiles files;
    files.files["/home/op/etc/certs/ca.pem"] = "CA";
    files.files["/home/op/etc/secrets/token"] = "t0ken\r\n";
    const ServiceConfig config = flinkscaler::config::parse_service_config(
        "service: {state-database: ../var/state.db, log: {file: /abs/fs.log}}\n" + kSecretCluster, "etc/fs.yaml",
        files);
    CHECK(config.file == "etc/fs.yaml");
    CHECK(config.service.state_database == "/home/op/var/state.db");
    CHECK(config.service.log.file == "/abs/fs.log");
    CHECK(config.clusters[0].connection.tls.ca_file == "/home/op/etc/certs/ca.pem");
    CHECK(config.clusters[0].connection.auth.token == "t0ken");
    CHECK(files.asked == std::set<std::string>{"/home/op/etc/certs/ca.pem", "/home/op/etc/secrets/token"});
}

TEST_CASE("parse with a FileProbe: a missing secret or TLS file is reported without a disk", "[config][file-probe]") {
    FakeFiles files;
    files.cwd = "/nowhere-on-this-disk";
    files.unreadable["/cfg/certs/ca.pem"] = "is a directory";
    const auto problems = problems_of(kSecretCluster, "/cfg/fs.yaml", files);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].to_string() ==
          "/cfg/fs.yaml:4:20: key 'clusters[0].tls.ca-file': cannot read 'certs/ca.pem' (/cfg/certs/ca.pem): "
          "is a directory");
    CHECK(problems[1].to_string() ==
          "/cfg/fs.yaml:5:38: key 'clusters[0].auth.token-file': cannot read 'secrets/token' (/cfg/secrets/token): "
          "No such file or directory");
}

TEST_CASE("parse with a FileProbe: an absolute path is shown once, an empty secret file is a problem",
          "[config][file-probe]") {
    FakeFiles files;
    files.files["/run/empty"] = "\n\n";
    const auto problems = problems_of(
        "clusters:\n  - {name: a, url: http://a, auth: {type: basic, username: u, password-file: /run/empty}}\n"
        "  - {name: b, url: http://b, auth: {type: bearer, token-file: /run/none}}\n",
        "fs.yaml", files);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].message == "'/run/empty' is empty");
    CHECK(problems[1].message == "cannot read '/run/none': No such file or directory");
}

TEST_CASE("parse with a FileProbe: a state database the daemon could not create is a problem",
          "[config][file-probe]") {
    FakeFiles files;
    files.unwritable["/srv/ro/state.db"] = "cannot create files in folder /srv/ro: Read-only file system";
    files.unwritable["/cfg/gone/state.db"] = "folder /cfg/gone does not exist";
    auto problems = problems_of("service: {state-database: /srv/ro/state.db}\nclusters: [{name: a, url: http://a}]\n",
                                "/cfg/fs.yaml", files);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].to_string() ==
          "/cfg/fs.yaml:1:27: key 'service.state-database': cannot create or write '/srv/ro/state.db': cannot create "
          "files in folder /srv/ro: Read-only file system");
    problems = problems_of("state-store: {path: gone/state.db}\nclusters: [{name: a, url: http://a}]\n", "/cfg/fs.yaml",
                           files);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].to_string() == "/cfg/fs.yaml:1:21: key 'state-store.path': cannot create or write "
                                     "'gone/state.db' (/cfg/gone/state.db): folder /cfg/gone does not exist");
    // Another backend does not use the file; the default path is left to `run`.
    CHECK_NOTHROW(flinkscaler::config::parse_service_config(
        "state-store: {backend: sqlite}\nclusters: [{name: a, url: http://a}]\n", "/cfg/fs.yaml", files));
}

TEST_CASE("the real file system: a state database in a missing folder is a problem", "[config][file-probe]") {
    const std::string dir = fs::temp_directory_path() / "flinkscaler-no-such-folder-7f3a";
    fs::remove_all(dir);
    try {
        (void)flinkscaler::config::parse_service_config(
            "service: {state-database: " + dir + "/state.db}\nclusters: [{name: a, url: http://a}]\n", "/cfg/fs.yaml");
        FAIL("accepted a state database in a missing folder");
    } catch (const ConfigError& e) {
        REQUIRE(e.problems.size() == 1);
        CHECK(e.problems[0].message == "cannot create or write '" + dir + "/state.db': folder " + dir + " does not exist");
    }
    CHECK_NOTHROW(flinkscaler::config::parse_service_config(
        "service: {state-database: " + fs::temp_directory_path().string() + "/state.db}\nclusters: [{name: a, url: "
        "http://a}]\n",
        "/cfg/fs.yaml"));
}

TEST_CASE("secret files: line ends at the end are not part of the secret", "[config][secret]") {
    using flinkscaler::config::secret_of;
    CHECK(secret_of("pw\n") == "pw");
    CHECK(secret_of("pw\r\n\n") == "pw");
    CHECK(secret_of("a\nb\n") == "a\nb");
    CHECK(secret_of("\n").empty());
    FakeFiles files;
    files.files["/s"] = "tok\n";
    CHECK(flinkscaler::config::read_secret_file(files, "/s") == "tok");
    CHECK_THROWS_WITH(flinkscaler::config::read_secret_file(files, "/missing"), "cannot read /missing");
}

TEST_CASE("listen addresses: one parser for the config check and the status endpoint", "[config][address]") {
    using flinkscaler::http::AddressError;
    using flinkscaler::http::HostPort;
    using flinkscaler::http::parse_host_port;
    const auto host_port = [](std::string_view address) { return std::get<HostPort>(parse_host_port(address)); };
    CHECK(host_port("127.0.0.1:8089").host == "127.0.0.1");
    CHECK(host_port("127.0.0.1:8089").port == 8089);
    CHECK(host_port("[::1]:0").host == "::1");
    CHECK(host_port("[::1]:0").port == 0);
    CHECK(host_port(":65535").host.empty());
    CHECK(std::get<AddressError>(parse_host_port("localhost")) == AddressError::MissingPort);
    CHECK(std::get<AddressError>(parse_host_port("::1:80")) == AddressError::Ipv6WithoutBrackets);
    CHECK(std::get<AddressError>(parse_host_port("[::1]80")) == AddressError::BadBrackets);
    CHECK(std::get<AddressError>(parse_host_port("[::1:80")) == AddressError::BadBrackets);
    CHECK(std::get<AddressError>(parse_host_port("h:65536")) == AddressError::BadPort);
    CHECK(std::get<AddressError>(parse_host_port("h:")) == AddressError::BadPort);
    CHECK(std::get<AddressError>(parse_host_port("h:+80")) == AddressError::BadPort);
}

TEST_CASE("base URLs: scheme, host, port in 1..65535, no query", "[config][address]") {
    using flinkscaler::http::url_problem;
    CHECK(url_problem("http://jm:8081").empty());
    CHECK(url_problem("https://[::1]:8443/flink").empty());
    CHECK(url_problem("http://jm:0") == "invalid URL \"http://jm:0\": the port must be a number in 1..65535");
    CHECK(url_problem("http://jm/x?y=1") ==
          "invalid URL \"http://jm/x?y=1\": a query or fragment is not allowed (only a path prefix)");
    CHECK_FALSE(url_problem("ftp://jm").empty());
}

// ---- the key tables (config_keys.hpp) ------------------------------------------------------------

namespace {

// "key: default" for every key of `table` whose default is a value a file could hold (the yarn
// keys of a cluster table are left to a yarn cluster).
std::string spelled_defaults(std::span<const flinkscaler::config::KeySpec> table, const std::string& indent) {
    std::string out;
    for (const auto& spec : table)
        if (spec.default_is_value && !spec.default_text.empty() && !spec.default_text.starts_with("service.") &&
            !spec.yarn_only)
            out += indent + std::string(spec.name) + ": " + std::string(spec.default_text) + "\n";
    return out;
}

}  // namespace

TEST_CASE("the key tables' defaults are the model's: spelling every default changes nothing", "[config][keys]") {
    using namespace flinkscaler::config;
    FakeFiles files;
    const auto implicit = parse_service_config("clusters:\n  - {name: a, url: 'https://a'}\n"
                                               "  - {name: y, kind: yarn, resource-managers: ['http://rm']}\n",
                                               "/c/fs.yaml", files);
    const std::string text = "service:\n" + spelled_defaults(kServiceKeys, "  ") + "  log:\n" +
                             spelled_defaults(kLogKeys, "    ") + "clusters:\n  - name: a\n    url: https://a\n" +
                             spelled_defaults(kClusterKeys, "    ") + "    tls:\n" +
                             spelled_defaults(kTlsKeys, "      ") +
                             "  - name: y\n    kind: yarn\n    resource-managers: ['http://rm']\n"
                             "    flink-access: " + std::string(key_spec(kClusterKeys, "flink-access").default_text) +
                             "\n    direct-scheme: " + std::string(key_spec(kClusterKeys, "direct-scheme").default_text) +
                             "\n    applications:\n" + spelled_defaults(kApplicationsKeys, "      ");
    INFO(text);
    // Cluster a spells kind and enabled, its tls the verify default; the yarn cluster y the yarn keys.
    const auto spelled = parse_service_config(text, "/c/fs.yaml", files);
    const auto& a = implicit.service;
    const auto& b = spelled.service;
    CHECK(a.poll_interval == b.poll_interval);
    CHECK(a.workers == b.workers);
    CHECK(a.cluster_max_concurrent_requests == b.cluster_max_concurrent_requests);
    CHECK(a.connect_timeout == b.connect_timeout);
    CHECK(a.request_timeout == b.request_timeout);
    CHECK(a.state_database == b.state_database);
    CHECK(a.status_address == b.status_address);
    CHECK(a.dry_run == b.dry_run);
    CHECK(a.job_retention == b.job_retention);
    CHECK(a.event_retention == b.event_retention);
    CHECK(a.sample_retention == b.sample_retention);
    CHECK(a.log.level == b.log.level);
    CHECK(a.log.format == b.log.format);
    CHECK(a.log.file == b.log.file);
    CHECK(a.log.max_file_bytes == b.log.max_file_bytes);
    CHECK(a.log.max_files == b.log.max_files);
    CHECK(implicit.clusters[0].enabled == spelled.clusters[0].enabled);
    CHECK(implicit.clusters[0].connection.tls.verify == spelled.clusters[0].connection.tls.verify);
    REQUIRE(spelled.clusters[1].yarn.has_value());
    CHECK(implicit.clusters[1].yarn->flink_access == spelled.clusters[1].yarn->flink_access);
    CHECK(implicit.clusters[1].yarn->direct_scheme == spelled.clusters[1].yarn->direct_scheme);
    CHECK(implicit.clusters[1].yarn->applications.type == spelled.clusters[1].yarn->applications.type);
}

TEST_CASE("the key tables: the reader knows exactly the keys of its table", "[config][keys]") {
    using namespace flinkscaler::config;
    FakeFiles files;
    // A key every table lacks is reported with the table's closest name.
    const auto problems = problems_of("service: {log: {levels: info}}\nclusters:\n  - {name: a, url: 'http://a'}\n",
                                      "fs.yaml", files);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "unknown key (did you mean 'level'?)");
    // Ranges come from the table.
    const auto& workers = key_spec(kServiceKeys, "workers");
    const auto too_many = problems_of("service: {workers: " + std::to_string(workers.max + 1) +
                                          "}\nclusters:\n  - {name: a, url: 'http://a'}\n",
                                      "fs.yaml", files);
    REQUIRE(too_many.size() == 1);
    CHECK(too_many[0].message == "must lie in " + std::to_string(workers.min) + ".." + std::to_string(workers.max) +
                                     ", got " + std::to_string(workers.max + 1));
    CHECK_THROWS_AS(key_spec(kServiceKeys, "no-such-key"), std::logic_error);
}

TEST_CASE("state-store: selects the backend and its file, the same setting as service.state-database",
          "[config][state-store]") {
    FakeFiles files;
    const std::string cluster = "clusters:\n  - {name: a, url: 'http://a:8081'}\n";
    const auto config = flinkscaler::config::parse_service_config(
        "state-store: {backend: sqlite, path: state/fs.db}\n" + cluster, "etc/fs.yaml", files);
    CHECK(config.service.state_store_backend == "sqlite");
    CHECK(config.service.state_database == "/home/op/etc/state/fs.db");

    const auto defaults = flinkscaler::config::parse_service_config(cluster, "etc/fs.yaml", files);
    CHECK(defaults.service.state_store_backend == "sqlite");
    CHECK(defaults.service.state_database == "/var/lib/flinkscaler/state.db");

    // A backend this build cannot open is refused by check-config, not faked.
    const auto unknown = problems_of("state-store: {backend: postgresql}\n" + cluster, "etc/fs.yaml", files);
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].key == "state-store.backend");
    CHECK_THAT(unknown[0].message, Catch::Contains("sqlite"));

    const auto both = problems_of(
        "service: {state-database: a.db}\nstate-store: {path: b.db}\n" + cluster, "etc/fs.yaml", files);
    REQUIRE(both.size() == 1);
    CHECK(both[0].key == "state-store.path");
    CHECK(both[0].message == "names the same file as service.state-database: give one of the two");
}
