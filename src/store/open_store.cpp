// SPDX-License-Identifier: Apache-2.0
#include "store/open_store.hpp"

#include "store/sqlite/sqlite_state_store.hpp"

#include <array>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace flinkscaler::store {

namespace {

/// One backend: its name (StoreSettings::backend) and its openers; null openers mean "named,
/// but not built into this binary yet".
struct Backend {
    std::string_view name;
    std::unique_ptr<StateStore> (*open)(const StoreSettings&);
    std::unique_ptr<StateReader> (*open_reader)(const StoreSettings&);
    StoreCheckReport (*check)(const StoreSettings&);
    RecoveryReport (*recover)(const StoreSettings& from, const StoreSettings& to);
};

constexpr std::array kBackends{
    Backend{"sqlite", [](const StoreSettings& s) { return open_sqlite_store(s.path); },
            [](const StoreSettings& s) { return open_sqlite_reader(s.path); },
            [](const StoreSettings& s) { return check_sqlite_store(s.path); },
            [](const StoreSettings& from, const StoreSettings& to) { return recover_sqlite_store(from.path, to.path); }},
    Backend{"postgresql", nullptr, nullptr, nullptr, nullptr},
};

std::string known_backends() {
    std::string out;
    for (const auto& backend : kBackends) {
        if (backend.open == nullptr) continue;
        if (!out.empty()) out += ", ";
        out += backend.name;
    }
    return out;
}

const Backend& backend_of(const StoreSettings& settings) {
    for (const auto& backend : kBackends) {
        if (backend.name != settings.backend) continue;
        if (backend.open == nullptr)
            throw std::runtime_error("state store backend " + settings.backend +
                                     " is not supported in this build yet (supported: " + known_backends() + ")");
        return backend;
    }
    throw std::runtime_error("unknown state store backend '" + settings.backend + "' (supported: " + known_backends() +
                             ")");
}

}  // namespace

StoreSettings StoreSettings::sqlite_file(std::string path) {
    StoreSettings settings;
    settings.backend = "sqlite";
    settings.path = std::move(path);
    return settings;
}

StoreSettings parse_store_location(const std::string& location) {
    const std::string_view text = location;
    if (text.starts_with("sqlite:")) {
        std::string path(text.substr(std::string_view("sqlite:").size()));
        if (path.empty()) throw std::invalid_argument("store location " + location + ": no database file after sqlite:");
        return StoreSettings::sqlite_file(std::move(path));
    }
    if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
        StoreSettings settings;
        settings.backend = "postgresql";
        settings.url = location;
        return settings;
    }
    return StoreSettings::sqlite_file(location);
}

std::unique_ptr<StateStore> open_state_store(const StoreSettings& settings) {
    return backend_of(settings).open(settings);
}

std::unique_ptr<StateReader> open_state_reader(const StoreSettings& settings) {
    return backend_of(settings).open_reader(settings);
}

StoreCheckReport check_state_store(const StoreSettings& settings) { return backend_of(settings).check(settings); }

RecoveryReport recover_state_store(const StoreSettings& from, const StoreSettings& to) {
    if (from.backend != to.backend)
        throw std::invalid_argument("recover copies into a store of the same backend (" + from.backend + "), not " +
                                    to.backend);
    return backend_of(from).recover(from, to);
}

}  // namespace flinkscaler::store
