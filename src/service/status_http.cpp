// SPDX-License-Identifier: Apache-2.0
#include "service/status_http.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace flinkscaler::service {

namespace {

bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char); }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The percent-decoded path of an origin-form (or absolute-form) target, query and fragment cut;
/// nullopt when it is not a target this endpoint can route.
std::optional<std::string> target_path(std::string_view target) {
    if (target == "*") return std::string(target);  // OPTIONS *: routed, and refused as a method
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() >= scheme.size() && iequals(target.substr(0, scheme.size()), scheme)) {
            const std::size_t slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
        }
    }
    if (target.empty() || target.front() != '/') return std::nullopt;
    target = target.substr(0, std::min(target.find('?'), target.find('#')));
    std::string path;
    path.reserve(target.size());
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] != '%') {
            path += target[i];
            continue;
        }
        if (i + 2 >= target.size()) return std::nullopt;
        const int high = hex_value(target[i + 1]);
        const int low = hex_value(target[i + 2]);
        if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;  // %00 never names a path
        path += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return path;
}

HttpRefusal refuse(int status, std::string message) { return HttpRefusal{status, std::move(message)}; }

const std::string kHeadLimit = "the request head exceeds " + std::to_string(kMaxHeadBytes) + " bytes or " +
                               std::to_string(kMaxHeaderFields) + " header fields";

}  // namespace

HttpParse parse_request(std::string_view buffer) {
    std::size_t at = 0;
    // A client may send empty lines before a request (RFC 9112 2.2): skip them.
    while (at < buffer.size() && (buffer[at] == '\r' || buffer[at] == '\n')) ++at;

    std::optional<std::string_view> request_line;
    std::size_t fields = 0;
    HttpRequest request;
    std::optional<std::size_t> content_length;
    bool close_requested = false;
    bool http10 = false;

    while (true) {
        const std::size_t newline = buffer.find('\n', at);
        if (newline == std::string_view::npos || newline + 1 > kMaxHeadBytes) {
            if (std::min(buffer.size(), newline) >= kMaxHeadBytes) return refuse(431, kHeadLimit);
            return HttpIncomplete{};
        }
        std::string_view line = buffer.substr(at, newline - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        at = newline + 1;

        if (!request_line) {
            request_line = line;
            const std::size_t first = line.find(' ');
            const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
            if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
                return refuse(400, "malformed request line");
            const std::string_view method = line.substr(0, first);
            const std::string_view target = line.substr(first + 1, second - first - 1);
            const std::string_view version = line.substr(second + 1);
            if (!is_token(method)) return refuse(400, "malformed request method");
            if (version == "HTTP/1.0") {
                http10 = true;
            } else if (version != "HTTP/1.1") {
                if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && std::isdigit(static_cast<unsigned char>(version[5])) &&
                    version[6] == '.' && std::isdigit(static_cast<unsigned char>(version[7])))
                    return refuse(505, "HTTP version " + std::string(version.substr(5)) + " not supported; use HTTP/1.1");
                return refuse(400, "malformed request line");
            }
            const auto path = target_path(target);
            if (!path) return refuse(400, "malformed request target");
            request.endpoint.method = std::string(method);
            request.endpoint.path = *path;
            continue;
        }

        if (line.empty()) break;  // end of the head
        if (++fields > kMaxHeaderFields) return refuse(431, kHeadLimit);
        if (line.front() == ' ' || line.front() == '\t') return refuse(400, "obsolete header line folding");
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
            return refuse(400, "malformed header field");
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Length")) {
            if (value.empty() || value.size() > 18 ||
                !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return refuse(400, "malformed Content-Length");
            const std::size_t length = std::stoull(std::string(value));
            if (content_length && *content_length != length) return refuse(400, "conflicting Content-Length fields");
            content_length = length;
        } else if (iequals(name, "Transfer-Encoding")) {
            std::string lower(value);
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            if (lower.find("chunked") != std::string::npos)
                return refuse(411, "chunked request bodies are not supported; send Content-Length");
            return refuse(501, "transfer coding '" + std::string(value) + "' not supported");
        } else if (iequals(name, "Authorization")) {
            request.authorization = std::string(value);
        } else if (iequals(name, "Connection")) {
            std::string_view tokens = value;
            while (!tokens.empty()) {
                const std::size_t comma = tokens.find(',');
                if (iequals(trim(tokens.substr(0, comma)), "close")) close_requested = true;
                tokens = comma == std::string_view::npos ? std::string_view() : tokens.substr(comma + 1);
            }
        }
    }

    const std::size_t length = content_length.value_or(0);
    if (length > kMaxBodyBytes)
        return refuse(413, "request body of " + std::to_string(length) + " bytes exceeds the limit of " +
                               std::to_string(kMaxBodyBytes));
    if (buffer.size() - at < length) return HttpIncomplete{};
    request.consumed = at + length;
    request.keep_alive = !http10 && !close_requested;
    return request;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    if (token.empty()) return false;
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() < scheme.size() || !iequals(authorization.substr(0, scheme.size()), scheme)) return false;
    const std::string_view given = authorization.substr(scheme.size());
    unsigned char diff = given.size() == token.size() ? 0 : 1;
    for (std::size_t i = 0; i < token.size(); ++i)
        diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

std::string serialize_response(const EndpointResponse& response, bool keep_alive, bool head_only) {
    std::string out;
    out.reserve(160 + (head_only ? 0 : response.body.size()));
    out += "HTTP/1.1 ";
    out += std::to_string(response.status);
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    if (!response.content_type.empty()) out += "Content-Type: " + response.content_type + "\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    // HEAD gets the length the GET body would have (RFC 9110 9.3.2).
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!head_only) out += response.body;
    return out;
}

}  // namespace flinkscaler::service
