// SPDX-License-Identifier: Apache-2.0
#include "config/validators.hpp"

#include "config/secret_file.hpp"
#include "http/address.hpp"

#include "flinkscaler/config_values.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

namespace flinkscaler::config {

namespace fs = std::filesystem;

namespace {

std::optional<Millis> duration_of(const yaml::Node& node, const KeySpec& spec) {
    if (!spec.zero_allowed) return node.duration(Millis(spec.min));
    const auto value = node.duration(Millis::zero());
    if (value && *value != Millis::zero() && *value < Millis(spec.min)) {
        node.problem("must be 0 (no recording) or at least " + format_duration(Millis(spec.min)));
        return std::nullopt;
    }
    return value;
}

}  // namespace

void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, Millis& target) {
    const KeySpec& spec = key_spec(table, name);
    assign_if_valid(section.get(name), target, [&](const yaml::Node& n) { return duration_of(n, spec); });
}

void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, int& target) {
    const KeySpec& spec = key_spec(table, name);
    assign_if_valid(section.get(name), target, [&](const yaml::Node& n) {
        return n.integer(static_cast<int>(spec.min), static_cast<int>(spec.max));
    });
}

void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name, bool& target) {
    (void)key_spec(table, name);  // declared, so the docs and the schema know it
    assign_if_valid(section.get(name), target, [](const yaml::Node& n) { return n.boolean(); });
}

void assign_key(const yaml::Node& section, std::span<const KeySpec> table, std::string_view name,
                std::string& target) {
    const KeySpec& spec = key_spec(table, name);
    assign_if_valid(section.get(name), target, [&](const yaml::Node& n) { return n.one_of(spec.choices); });
}

std::string cluster_name_problem(const std::string& name) {
    if (name.empty()) return "must not be empty";
    const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    if (!ok)
        return "\"" + name + "\" may only hold letters, digits, '.', '_' and '-' (it is part of every job key "
               "<cluster>/<job-id>)";
    return "";
}

std::string address_problem(const std::string& address) {
    if (address.empty()) return "";  // disables the status endpoint
    const std::string expected = "expected host:port (e.g. 127.0.0.1:8089, [::1]:8089) or \"\" to disable, got \"" +
                                 address + "\"";
    // ":port" (all interfaces) is what the endpoint would take, but a config says which host.
    if (address.front() == ':') return expected;
    // Port 0 asks the system for a free port (tests); the bound address is logged.
    const auto parsed = http::parse_host_port(address);
    const auto* host_port = std::get_if<http::HostPort>(&parsed);
    if (host_port == nullptr || host_port->host.find_first_of(" /") != std::string::npos) return expected;
    return "";
}

FileChecks::FileChecks(const FileProbe& files, const std::string& source_name) : files_(files) {
    // As std::filesystem::absolute does, but with the probe's working directory.
    const fs::path source(source_name);
    base_dir_ = (source.is_absolute() ? source : files.current_directory() / source).parent_path();
}

fs::path FileChecks::resolve(const std::string& path) const {
    const fs::path p(path);
    return p.is_absolute() ? p : (base_dir_ / p).lexically_normal();
}

std::string FileChecks::file_problem(const std::string& written, const fs::path& path) const {
    const std::string reason = files_.unreadable_reason(path);
    if (reason.empty()) return "";
    const std::string shown =
        written == path.string() ? "'" + written + "'" : "'" + written + "' (" + path.string() + ")";
    return "cannot read " + shown + ": " + reason;
}

std::string FileChecks::unwritable_file_problem(const std::string& written, const fs::path& path) const {
    const std::string reason = files_.unwritable_reason(path);
    if (reason.empty()) return "";
    const std::string shown =
        written == path.string() ? "'" + written + "'" : "'" + written + "' (" + path.string() + ")";
    return "cannot create or write " + shown + ": " + reason;
}

std::string FileChecks::readable_file(const yaml::Node& node) const {
    const auto text = node.text();
    if (!text) return "";
    if (text->empty()) {
        node.problem("must not be empty (leave the key out instead)");
        return "";
    }
    const fs::path path = resolve(*text);
    if (const auto problem = file_problem(*text, path); !problem.empty()) node.problem(problem);
    return path.string();
}

std::string FileChecks::read_secret(const yaml::Node& node) const {
    const auto text = node.text();
    if (!text) return "";
    if (text->empty()) {
        node.problem("must not be empty");
        return "";
    }
    const fs::path path = resolve(*text);
    if (const auto problem = file_problem(*text, path); !problem.empty()) {
        node.problem(problem);
        return "";
    }
    std::string secret = secret_of(files_.read(path).value_or(""));
    if (secret.empty()) node.problem("'" + *text + "' is empty");
    return secret;
}

}  // namespace flinkscaler::config
