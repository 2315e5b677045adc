// SPDX-License-Identifier: Apache-2.0
#include "sim/rest/faults.hpp"

#include "sim/rest/flink_errors.hpp"

#include <algorithm>
#include <cmath>

namespace flinkscaler::sim {

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher with backtracking to the last '*'.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

RequestFaults FaultPlan::for_request(std::string_view method, std::string_view path, double now_s) {
    using Kind = FaultSpec::Kind;
    RequestFaults out;
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    for (const auto& f : faults_) {
        if (f.kind != Kind::Latency && f.kind != Kind::Timeout && f.kind != Kind::Error && f.kind != Kind::Malformed)
            continue;
        if (!f.active_at(now_s)) continue;
        if (!f.path.empty() && !glob_match(f.path, path)) continue;
        if (!f.methods.empty() && std::find(f.methods.begin(), f.methods.end(), method) == f.methods.end()) continue;
        if (f.probability < 1.0 && coin(rng_) >= f.probability) continue;
        switch (f.kind) {
        case Kind::Latency:
        case Kind::Timeout:
            out.delay_s += f.delay_s;
            break;
        case Kind::Error:
            if (!out.replace)
                out.replace = f.status == 503   ? leader_election()
                              : f.status == 500 ? internal_error("java.util.concurrent.TimeoutException: simulated fault")
                                                : handler_error(f.status, "simulated fault");
            break;
        case Kind::Malformed:
            if (!out.malform) {
                out.malform = f.body;
                out.malform_status = f.status;
            }
            break;
        default:
            break;
        }
    }
    return out;
}

bool FaultPlan::metric_hidden(std::string_view name, double now_s) const {
    for (const auto& f : faults_)
        if (f.kind == FaultSpec::Kind::MissingMetric && f.active_at(now_s) && glob_match(f.metric, name)) return true;
    return false;
}

bool FaultPlan::cluster_down(double now_s) const {
    for (const auto& f : faults_)
        if (f.kind == FaultSpec::Kind::ClusterDown && f.active_at(now_s)) return true;
    return false;
}

bool FaultPlan::job_hidden(std::string_view job_id, std::string_view job_name, double now_s) const {
    for (const auto& f : faults_)
        if (f.kind == FaultSpec::Kind::JobVanish && f.active_at(now_s) && (f.job == job_id || f.job == job_name))
            return true;
    return false;
}

std::vector<FaultEvent> FaultPlan::events_between(double after_s, double until_s) const {
    using Kind = FaultSpec::Kind;
    std::vector<FaultEvent> out;
    for (const auto& f : faults_) {
        if (f.kind == Kind::JobVanish) {
            // The JobManager lost the job and recovers it: a failover at the window start.
            const double at = f.from_s.value_or(0.0);
            if (at > after_s && at <= until_s) out.push_back({at, Kind::JobVanish, f.job});
            continue;
        }
        if (f.kind != Kind::JobRestart && f.kind != Kind::JobCancel) continue;
        const double first = f.at_s.value_or(0.0);
        if (f.kind == Kind::JobRestart && f.every_s && *f.every_s > 0) {
            // Occurrences first + k * every inside (after, until].
            double k = std::max(0.0, std::ceil((after_s - first) / *f.every_s));
            for (double at = first + k * *f.every_s; at <= until_s; at = first + (++k) * *f.every_s)
                if (at > after_s && (!f.until_s || at < *f.until_s)) out.push_back({at, f.kind, f.job});
        } else if (first > after_s && first <= until_s) {
            out.push_back({first, f.kind, f.job});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const FaultEvent& a, const FaultEvent& b) { return a.at_s < b.at_s; });
    return out;
}

RestResponse FaultPlan::malformed(const RestResponse& original, FaultSpec::Body body, int status) {
    RestResponse out;
    if (body == FaultSpec::Body::Html) {
        out.status = status == 0 ? 502 : status;
        out.content_type = "text/html; charset=UTF-8";
        out.body =
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return out;
    }
    // Cut the JSON in the middle so that it cannot parse.
    out.status = status == 0 ? original.status : status;
    out.content_type = original.content_type;
    out.body = original.body.substr(0, std::max<std::size_t>(1, original.body.size() / 2));
    if (out.body == original.body) out.body = "{";
    return out;
}

}  // namespace flinkscaler::sim
