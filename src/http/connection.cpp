// SPDX-License-Identifier: Apache-2.0
#include "http/connection.hpp"

#include <httplib.h>

#include <random>
#include <thread>

namespace flinkscaler::http {

namespace {

// httplib names its errors with one word ("Read", "Connection"); an operator needs the cause.
std::string describe(httplib::Error error, const ConnectionSettings& settings) {
    using httplib::Error;
    const auto ms = [](Millis m) { return std::to_string(m.count()) + " ms"; };
    switch (error) {
    case Error::Connection: return "connection refused or unreachable";
    case Error::ConnectionTimeout: return "no connection within " + ms(settings.connect_timeout);
    case Error::Read: return "no complete answer within " + ms(settings.request_timeout) + " (or the connection was closed)";
    case Error::Write: return "sending the request failed (connection closed)";
    case Error::SSLConnection: return "TLS handshake failed";
    case Error::SSLLoadingCerts: return "cannot load the TLS CA or client certificate files";
    case Error::SSLServerVerification: return "the server certificate does not verify (CA or host name)";
    default: return httplib::to_string(error);
    }
}

}  // namespace

std::pair<std::string, std::string> split_base_url(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos)
        throw std::invalid_argument("invalid URL \"" + url + "\": expected http://host[:port][/prefix]");
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https")
        throw std::invalid_argument("invalid URL \"" + url + "\": scheme must be http or https");
    const auto authority_start = scheme_end + 3;
    const auto path_start = url.find('/', authority_start);
    const std::string authority = url.substr(authority_start, path_start == std::string::npos
                                                                  ? std::string::npos
                                                                  : path_start - authority_start);
    if (authority.empty() || authority.find('@') != std::string::npos)
        throw std::invalid_argument("invalid URL \"" + url + "\": expected a host (credentials go in the auth settings)");
    std::string prefix = path_start == std::string::npos ? "" : url.substr(path_start);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return {scheme + "://" + authority, prefix};
}

// Borrows one keep-alive client from the pool for the duration of a request; waiting for a free
// client is what caps the concurrent requests to one server.
class Connection::Lease {
public:
    explicit Lease(Connection& owner) : owner_(owner) {
        std::unique_lock lock(owner_.mutex_);
        owner_.available_.wait(lock, [&] {
            return !owner_.idle_.empty() || owner_.created_ < std::max(1, owner_.settings_.max_concurrent_requests);
        });
        if (!owner_.idle_.empty()) {
            client_ = std::move(owner_.idle_.back());
            owner_.idle_.pop_back();
        } else {
            ++owner_.created_;
            lock.unlock();
            try {
                client_ = owner_.make_client();
            } catch (...) {
                std::lock_guard relock(owner_.mutex_);
                --owner_.created_;
                owner_.available_.notify_one();
                throw;
            }
        }
    }
    ~Lease() {
        std::lock_guard lock(owner_.mutex_);
        owner_.idle_.push_back(std::move(client_));
        owner_.available_.notify_one();
    }
    httplib::Client& client() { return *client_; }

private:
    Connection& owner_;
    std::unique_ptr<httplib::Client> client_;
};

Connection::Connection(ConnectionSettings settings) : settings_(std::move(settings)) {
    std::tie(scheme_host_port_, path_prefix_) = split_base_url(settings_.base_url);
}

Connection::~Connection() = default;

std::unique_ptr<httplib::Client> Connection::make_client() const {
    const auto& tls = settings_.tls;
    auto client = (!tls.cert_file.empty() || !tls.key_file.empty())
                      ? std::make_unique<httplib::Client>(scheme_host_port_, tls.cert_file, tls.key_file)
                      : std::make_unique<httplib::Client>(scheme_host_port_);
    if (!client->is_valid())
        throw std::invalid_argument("cannot set up a client for " + settings_.base_url +
                                    " (check the URL and the TLS certificate/key files)");
    const auto seconds_and_micros = [](Millis d) {
        return std::pair<time_t, time_t>(static_cast<time_t>(d.count() / 1000), static_cast<time_t>((d.count() % 1000) * 1000));
    };
    auto [cs, cus] = seconds_and_micros(settings_.connect_timeout);
    auto [rs, rus] = seconds_and_micros(settings_.request_timeout);
    client->set_connection_timeout(cs, cus);
    client->set_read_timeout(rs, rus);
    client->set_write_timeout(rs, rus);
    client->set_keep_alive(true);
    // Requests are small and latency-bound; never let Nagle wait for a delayed ACK.
    client->set_tcp_nodelay(true);
    client->set_follow_location(false);
    if (scheme_host_port_.starts_with("https://")) {
        client->enable_server_certificate_verification(tls.verify);
        if (!tls.ca_file.empty()) client->set_ca_cert_path(tls.ca_file.c_str());
    }
    switch (settings_.auth.kind) {
        case AuthSettings::Kind::Basic:
            client->set_basic_auth(settings_.auth.username.c_str(), settings_.auth.password.c_str());
            break;
        case AuthSettings::Kind::Bearer:
            client->set_bearer_token_auth(settings_.auth.token.c_str());
            break;
        case AuthSettings::Kind::None:
            break;
    }
    httplib::Headers headers{{"Accept", "application/json"}};
    for (const auto& [name, value] : settings_.headers) headers.emplace(name, value);
    client->set_default_headers(headers);
    return client;
}

Response Connection::send_once(const std::string& method, const std::string& path, const std::string* body) {
    const std::string full_path = path_prefix_ + path;
    const std::string where = method + " " + scheme_host_port_ + full_path;
    Lease lease(*this);
    Response response;
    bool too_large = false;
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (body == nullptr) {
        result = lease.client().Get(
            full_path,
            [&](const httplib::Response& head) {
                response.status = head.status;
                response.content_type = head.get_header_value("Content-Type");
                response.location = head.get_header_value("Location");
                return true;
            },
            [&](const char* data, std::size_t length) {
                if (response.body.size() + length > settings_.max_response_bytes) {
                    too_large = true;
                    return false;
                }
                response.body.append(data, length);
                return true;
            });
    } else {
        result = lease.client().Put(full_path, *body, "application/json");
        if (result) {
            response.status = result->status;
            response.content_type = result->get_header_value("Content-Type");
            response.location = result->get_header_value("Location");
            response.body = result->body.substr(0, settings_.max_response_bytes);
        }
    }
    if (too_large)
        throw RequestError(where + ": response larger than " + std::to_string(settings_.max_response_bytes) + " bytes");
    if (!result) {
        // A broken keep-alive socket is closed by httplib; the next request reconnects.
        throw RequestError(where + ": " + describe(result.error(), settings_));
    }
    return response;
}

Response Connection::get(const std::string& path_and_query) {
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int attempt = 0;; ++attempt) {
        const bool last = attempt >= settings_.max_retries;
        try {
            Response response = send_once("GET", path_and_query, nullptr);
            if ((response.status == 503 || response.status == 500) && !last) {
                // leader election or a transient JobMaster error: worth another try
            } else {
                return response;
            }
        } catch (const RequestError&) {
            if (last) throw;
        }
        const auto base = settings_.retry_backoff * (1 << attempt);
        const auto wait = base + Millis(std::uniform_int_distribution<long>(0, base.count() / 2 + 1)(jitter));
        std::this_thread::sleep_for(wait);
    }
}

Response Connection::put(const std::string& path, const std::string& json_body) {
    return send_once("PUT", path, &json_body);
}

}  // namespace flinkscaler::http
