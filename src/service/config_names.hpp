// SPDX-License-Identifier: Apache-2.0
//
// The daemon speaks the config model's vocabulary (src/config) by its names: one place that
// brings them into flinkscaler::service, so the daemon's headers need not qualify each use.
#pragma once

#include "config/config_loader.hpp"
#include "config/service_config.hpp"

namespace flinkscaler::service {

using config::application_cluster_name;
using config::ClusterConfig;
using config::ConfigError;
using config::load_service_config;
using config::parse_service_config;
using config::ServiceConfig;
using config::ServiceSettings;

}  // namespace flinkscaler::service
