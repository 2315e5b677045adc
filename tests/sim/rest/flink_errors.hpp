// SPDX-License-Identifier: Apache-2.0
//
// Flink's error bodies (flink-rest.md §4.1): `{"errors": [...]}` with either one stringified
// RestHandlerException (class, message, stack trace) or "Internal server error." followed by
// the server-side stack trace.
#pragma once

#include "sim/rest/rest_types.hpp"

#include <string>
#include <string_view>

namespace flinkscaler::sim {

/// 404 for a path no handler serves: `{"errors":["Not found: /jobs/x/y"]}`.
RestResponse route_not_found(std::string_view path);
/// 405 for a known path with another method.
RestResponse method_not_allowed(std::string_view method, std::string_view path);
/// A handler-raised exception: one string "<class>: <message>\n\tat ...".
RestResponse handler_error(int status, std::string_view message,
                           std::string_view exception_class = "org.apache.flink.runtime.rest.handler.RestHandlerException");
/// 400 for a path or query parameter that does not parse.
RestResponse bad_parameters(std::string_view detail);
/// 404 of the execution-graph handlers for an unknown job.
RestResponse job_not_found(std::string_view job_id);
/// 500 "Internal server error." with the server-side exception text.
RestResponse internal_error(std::string_view exception_text);
/// 503 while no JobManager leader is known.
RestResponse leader_election();

}  // namespace flinkscaler::sim
