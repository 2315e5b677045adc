// SPDX-License-Identifier: Apache-2.0
#include "service/logging.hpp"

#include "flinkscaler/time.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

namespace flinkscaler::service {

namespace {

std::atomic<LogFormat> g_format{LogFormat::Text};
// The fields of the message being formatted. spdlog formats synchronously in the calling
// thread, so a thread-local hand-over from log_with to the formatter is safe.
thread_local const nlohmann::json* t_fields = nullptr;

// One JSON object per line: time, level, msg, then the structured fields.
class JsonLineFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        nlohmann::ordered_json line;
        const auto ms = std::chrono::time_point_cast<Millis>(msg.time);
        line["time"] = format_instant(ms);
        const auto level = spdlog::level::to_string_view(msg.level);
        line["level"] = std::string(level.data(), level.size());
        line["msg"] = std::string(msg.payload.data(), msg.payload.size());
        if (t_fields && t_fields->is_object())
            for (const auto& [key, value] : t_fields->items()) line[key] = value;
        const auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

std::string text_suffix(const nlohmann::json& fields) {
    std::string inline_part, blocks;
    for (const auto& [key, value] : fields.items()) {
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (text.find('\n') != std::string::npos) {
            blocks += "\n";
            std::size_t start = 0;
            while (start < text.size()) {
                const auto end = text.find('\n', start);
                const auto line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
                blocks += "    " + line + (end == std::string::npos ? "" : "\n");
                if (end == std::string::npos) break;
                start = end + 1;
            }
            while (!blocks.empty() && blocks.back() == '\n') blocks.pop_back();
        } else {
            if (text.find(' ') != std::string::npos && !value.is_object() && !value.is_array()) text = value.dump();
            inline_part += " " + key + "=" + text;
        }
    }
    return inline_part + blocks;
}

}  // namespace

LogFormat log_format() { return g_format; }

spdlog::level::level_enum parse_log_level(const std::string& name) {
    if (name == "trace") return spdlog::level::trace;
    if (name == "debug") return spdlog::level::debug;
    if (name == "info") return spdlog::level::info;
    if (name == "warn" || name == "warning") return spdlog::level::warn;
    if (name == "error") return spdlog::level::err;
    throw std::invalid_argument("unknown log level '" + name + "' (trace, debug, info, warn, error)");
}

void configure_logging(const LogSettings& settings) {
    const auto level = parse_log_level(settings.level);
    spdlog::sink_ptr sink;
    if (settings.file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        try {
            sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                settings.file, settings.max_file_bytes, static_cast<std::size_t>(std::max(1, settings.max_files)));
        } catch (const spdlog::spdlog_ex& e) {
            throw std::runtime_error("cannot open log file " + settings.file + ": " + e.what());
        }
    }
    if (settings.format == LogFormat::Json)
        sink->set_formatter(std::make_unique<JsonLineFormatter>());
    else
        sink->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%e%z %l %v"));
    auto logger = std::make_shared<spdlog::logger>("flinkscaler", sink);
    logger->set_level(level);
    logger->flush_on(spdlog::level::info);
    g_format = settings.format;
    spdlog::set_default_logger(std::move(logger));
}

void log_with(spdlog::level::level_enum level, const std::string& message, const nlohmann::json& fields) {
    if (!spdlog::default_logger_raw()->should_log(level)) return;
    const bool has_fields = fields.is_object() && !fields.empty();
    if (g_format == LogFormat::Json) {
        t_fields = has_fields ? &fields : nullptr;
        spdlog::log(level, "{}", message);
        t_fields = nullptr;
    } else {
        spdlog::log(level, "{}{}", message, has_fields ? text_suffix(fields) : std::string());
    }
}

}  // namespace flinkscaler::service
