// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/flink_errors.hpp"

#include <nlohmann/json.hpp>

namespace flinkscaler::sim {

namespace {

// A plausible tail so clients see what they would see from Flink: a long multi-line string.
constexpr std::string_view kStackTail =
    "\n\tat org.apache.flink.runtime.rest.handler.AbstractRestHandler.respondToRequest(AbstractRestHandler.java:83)"
    "\n\tat org.apache.flink.runtime.rest.handler.AbstractHandler.respondAsLeader(AbstractHandler.java:196)"
    "\n\tat org.apache.flink.runtime.rest.handler.LeaderRetrievalHandler.lambda$channelRead0$0(LeaderRetrievalHandler.java:88)"
    "\n\tat java.base/java.util.Optional.ifPresent(Optional.java:178)"
    "\n\tat org.apache.flink.shaded.netty4.io.netty.channel.SimpleChannelInboundHandler.channelRead(SimpleChannelInboundHandler.java:99)"
    "\n\tat java.base/java.lang.Thread.run(Thread.java:840)\n";

RestResponse errors(int status, std::initializer_list<std::string> messages) {
    nlohmann::json body = {{"errors", nlohmann::json::array()}};
    for (const auto& m : messages) body["errors"].push_back(m);
    return RestResponse{status, body.dump(), "application/json; charset=UTF-8"};
}

}  // namespace

RestResponse route_not_found(std::string_view path) { return errors(404, {"Not found: " + std::string(path)}); }

RestResponse method_not_allowed(std::string_view method, std::string_view path) {
    return errors(405, {"Method " + std::string(method) + " not allowed for " + std::string(path)});
}

RestResponse handler_error(int status, std::string_view message, std::string_view exception_class) {
    return errors(status, {std::string(exception_class) + ": " + std::string(message) + std::string(kStackTail)});
}

RestResponse bad_parameters(std::string_view detail) {
    return handler_error(400, "Bad request, could not parse parameters: " + std::string(detail));
}

RestResponse job_not_found(std::string_view job_id) {
    return handler_error(404, "Job " + std::string(job_id) + " not found",
                         "org.apache.flink.runtime.rest.NotFoundException");
}

RestResponse internal_error(std::string_view exception_text) {
    return errors(500, {"Internal server error.", "<Exception on server side:\n" + std::string(exception_text) +
                                                      std::string(kStackTail) + "\nEnd of exception on server side>"});
}

RestResponse leader_election() {
    return errors(503, {"Service temporarily unavailable due to an ongoing leader election. Please refresh."});
}

}  // namespace flinkscaler::sim
