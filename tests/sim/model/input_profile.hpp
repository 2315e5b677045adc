// SPDX-License-Identifier: Apache-2.0
//
// The arrival rate (records/s) of one source as a function of simulated time. Time is always
// an argument; a profile holds no clock and does no I/O (a CSV trace is parsed from text that
// the caller has read).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace flinkscaler::sim {

/// (time in simulated seconds since start, rate in records/s).
using RatePoint = std::pair<double, double>;

class InputProfile {
public:
    /// Same rate forever.
    static InputProfile constant(double rate);
    /// Piecewise constant: the rate of the last point at or before t; before the first point
    /// the first rate. Points must be sorted by time.
    static InputProfile step(std::vector<RatePoint> points);
    /// `from` until `start`, then linear to `to` over `duration`, then `to`.
    static InputProfile ramp(double from, double to, double start_s, double duration_s);
    /// mean + amplitude * sin(2π (t + phase) / period), never below 0.
    static InputProfile sine(double mean, double amplitude, double period_s, double phase_s);
    /// Linear interpolation between recorded points; outside the trace the nearest end value,
    /// or, with `repeat`, the trace played again from its first timestamp.
    static InputProfile trace(std::vector<RatePoint> points, bool repeat);

    InputProfile() : InputProfile(constant(0.0)) {}

    /// Instantaneous rate at t (>= 0).
    double rate_at(double t_s) const;
    /// Mean rate over [t0, t1]. Exact for constant and step; midpoint-sampled otherwise, which
    /// is accurate enough at the model's step (1 s by default).
    double mean_rate(double t0_s, double t1_s) const;

private:
    struct Constant { double rate; };
    struct Step { std::vector<RatePoint> points; };
    struct Ramp { double from, to, start, duration; };
    struct Sine { double mean, amplitude, period, phase; };
    struct Trace { std::vector<RatePoint> points; bool repeat; };
    using Shape = std::variant<Constant, Step, Ramp, Sine, Trace>;

    explicit InputProfile(Shape shape) : shape_(std::move(shape)) {}
    Shape shape_;
};

/// A CSV trace that cannot be read; `line` is 1-based.
struct TraceError : std::runtime_error {
    TraceError(std::size_t line_, const std::string& message)
        : std::runtime_error(message), line(line_) {}
    std::size_t line;
};

/// Parse `time_s,rate` lines. An optional header line (first line not starting with a digit),
/// blank lines and `#` comments are skipped. Times must increase strictly; rates must be >= 0.
std::vector<RatePoint> parse_trace_csv(std::string_view text);

}  // namespace flinkscaler::sim
