// SPDX-License-Identifier: Apache-2.0
#include "sim/model/input_profile.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <string>

namespace flinkscaler::sim {

InputProfile InputProfile::constant(double rate) { return InputProfile(Constant{rate}); }

InputProfile InputProfile::step(std::vector<RatePoint> points) {
    if (points.empty()) throw std::invalid_argument("step profile needs at least one point");
    if (!std::is_sorted(points.begin(), points.end(), [](auto& a, auto& b) { return a.first < b.first; }))
        throw std::invalid_argument("step profile points must be sorted by time");
    return InputProfile(Step{std::move(points)});
}

InputProfile InputProfile::ramp(double from, double to, double start_s, double duration_s) {
    return InputProfile(Ramp{from, to, start_s, std::max(0.0, duration_s)});
}

InputProfile InputProfile::sine(double mean, double amplitude, double period_s, double phase_s) {
    if (!(period_s > 0)) throw std::invalid_argument("sine period must be positive");
    return InputProfile(Sine{mean, amplitude, period_s, phase_s});
}

InputProfile InputProfile::trace(std::vector<RatePoint> points, bool repeat) {
    if (points.empty()) throw std::invalid_argument("trace needs at least one point");
    for (std::size_t i = 1; i < points.size(); ++i)
        if (!(points[i].first > points[i - 1].first))
            throw std::invalid_argument("trace times must increase strictly");
    return InputProfile(Trace{std::move(points), repeat});
}

namespace {

double interpolate(const std::vector<RatePoint>& points, double t) {
    if (t <= points.front().first) return points.front().second;
    if (t >= points.back().first) return points.back().second;
    const auto upper = std::upper_bound(points.begin(), points.end(), t,
                                        [](double value, const RatePoint& p) { return value < p.first; });
    const auto& b = *upper;
    const auto& a = *(upper - 1);
    const double f = (t - a.first) / (b.first - a.first);
    return a.second + f * (b.second - a.second);
}

double step_value(const std::vector<RatePoint>& points, double t) {
    const auto upper = std::upper_bound(points.begin(), points.end(), t,
                                        [](double value, const RatePoint& p) { return value < p.first; });
    if (upper == points.begin()) return points.front().second;
    return (upper - 1)->second;
}

}  // namespace

double InputProfile::rate_at(double t) const {
    const double rate = std::visit(
        [t](const auto& s) -> double {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, Constant>) {
                return s.rate;
            } else if constexpr (std::is_same_v<S, Step>) {
                return step_value(s.points, t);
            } else if constexpr (std::is_same_v<S, Ramp>) {
                if (t <= s.start) return s.from;
                if (s.duration <= 0 || t >= s.start + s.duration) return s.to;
                return s.from + (s.to - s.from) * (t - s.start) / s.duration;
            } else if constexpr (std::is_same_v<S, Sine>) {
                return s.mean + s.amplitude * std::sin(2 * std::numbers::pi * (t + s.phase) / s.period);
            } else {
                const double first = s.points.front().first;
                const double span = s.points.back().first - first;
                double at = t;
                if (s.repeat && span > 0 && t > s.points.back().first)
                    at = first + std::fmod(t - first, span);
                return interpolate(s.points, at);
            }
        },
        shape_);
    return std::max(0.0, rate);
}

double InputProfile::mean_rate(double t0, double t1) const {
    if (!(t1 > t0)) return rate_at(t0);
    if (const auto* c = std::get_if<Constant>(&shape_)) return std::max(0.0, c->rate);
    if (const auto* s = std::get_if<Step>(&shape_)) {
        // Integrate the pieces exactly so a step inside a long interval is not smeared.
        double area = 0;
        double t = t0;
        while (t < t1) {
            const auto next = std::upper_bound(s->points.begin(), s->points.end(), t,
                                               [](double value, const RatePoint& p) { return value < p.first; });
            const double until = next == s->points.end() ? t1 : std::min(t1, next->first);
            area += std::max(0.0, step_value(s->points, t)) * (until - t);
            t = until;
        }
        return area / (t1 - t0);
    }
    return rate_at(0.5 * (t0 + t1));
}

std::vector<RatePoint> parse_trace_csv(std::string_view text) {
    std::vector<RatePoint> points;
    std::size_t line_no = 0;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        std::string line(text.substr(0, eol));
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        const bool numeric_start = std::isdigit(static_cast<unsigned char>(line[first])) || line[first] == '.' ||
                                   line[first] == '-' || line[first] == '+';
        if (points.empty() && !numeric_start) continue;  // header line such as "time_s,rate"
        const auto comma = line.find(',');
        if (comma == std::string::npos) throw TraceError(line_no, "expected 'time_s,rate'");
        char* end = nullptr;
        const std::string time_text = line.substr(0, comma);
        const std::string rate_text = line.substr(comma + 1);
        const double t = std::strtod(time_text.c_str(), &end);
        if (end == time_text.c_str() || !std::isfinite(t)) throw TraceError(line_no, "time is not a number");
        const double rate = std::strtod(rate_text.c_str(), &end);
        if (end == rate_text.c_str() || !std::isfinite(rate)) throw TraceError(line_no, "rate is not a number");
        if (rate < 0) throw TraceError(line_no, "rate must not be negative");
        if (!points.empty() && !(t > points.back().first))
            throw TraceError(line_no, "times must increase strictly");
        points.emplace_back(t, rate);
    }
    if (points.empty()) throw TraceError(line_no == 0 ? 1 : line_no, "trace has no data lines");
    return points;
}

}  // namespace flinkscaler::sim
