// SPDX-License-Identifier: Apache-2.0
//
// A connection to one HTTP(S) server (a Flink JobManager, a YARN ResourceManager): keep-alive
// clients in a small pool whose size caps the concurrent requests to that server, timeouts,
// TLS (CA file, client certificate for mutual TLS, verification on by default), basic or bearer
// auth, a base path (reverse proxy, YARN web proxy), bounded retries with backoff for idempotent
// requests, and a cap on response size.
#pragma once

#include "flinkscaler/time.hpp"

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace flinkscaler::http {

struct TlsSettings {
    std::string ca_file;    ///< PEM bundle to trust; empty: the system store
    std::string cert_file;  ///< client certificate (PEM) for mutual TLS
    std::string key_file;   ///< its private key (PEM)
    bool verify = true;     ///< verify the server certificate and host name
};

struct AuthSettings {
    enum class Kind { None, Basic, Bearer };
    Kind kind = Kind::None;
    std::string username;
    std::string password;
    std::string token;
};

struct ConnectionSettings {
    /// `http(s)://host[:port][/path-prefix]`; the prefix is kept in front of every path.
    std::string base_url;
    TlsSettings tls;
    AuthSettings auth;
    Millis connect_timeout{5000};
    Millis request_timeout{10000};
    int max_concurrent_requests = 4;
    /// Extra attempts of a GET after a connection error, a timeout, a 500 or a 503.
    int max_retries = 2;
    Millis retry_backoff{250};
    std::size_t max_response_bytes = 32u << 20;
    std::map<std::string, std::string> headers;
};

struct Response {
    int status = 0;
    std::string body;
    std::string content_type;
    std::string location;  ///< the Location header (a standby RM's redirect); empty when absent
    bool ok() const { return status >= 200 && status < 300; }
};

/// The request did not produce an HTTP response (connection refused, timeout, TLS failure,
/// oversized body). what() reads "GET <url>: <problem>".
struct RequestError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Connection {
public:
    /// Throws std::invalid_argument for a malformed base URL or unsupported scheme.
    explicit Connection(ConnectionSettings settings);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// GET with retries; returns any HTTP status (the caller interprets 4xx/5xx).
    Response get(const std::string& path_and_query);
    /// PUT of a JSON body, never retried: after a failure the caller re-reads the state.
    Response put(const std::string& path, const std::string& json_body);

    /// Base URL as configured, without credentials; for messages.
    const std::string& base_url() const { return settings_.base_url; }
    const ConnectionSettings& settings() const { return settings_; }

private:
    class Lease;
    std::unique_ptr<httplib::Client> make_client() const;
    Response send_once(const std::string& method, const std::string& path, const std::string* body);

    ConnectionSettings settings_;
    std::string scheme_host_port_;
    std::string path_prefix_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<httplib::Client>> idle_;
    int created_ = 0;
};

/// Splits `http(s)://host[:port][/prefix]`: {scheme://host:port, prefix without trailing '/'}.
/// Throws std::invalid_argument naming the URL.
std::pair<std::string, std::string> split_base_url(const std::string& url);

}  // namespace flinkscaler::http
