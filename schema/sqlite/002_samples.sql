-- SPDX-License-Identifier: Apache-2.0
-- Per-sample storage (architecture.md "State store"). Times are epoch milliseconds (UTC).
--
-- The metric history (state type collectedMetrics, algorithm.md §7.1) is a sliding window that
-- gains one sample per pass; stored as one JSON row it was re-serialised whole on every save
-- (about 137 KB for a 10-vertex job with a 90-sample window). Here every sample is its own row,
-- so a steady pass writes one row and deletes the rows that left the window.

-- The metric history of each job: value = one CollectedSample as JSON
-- ({"vertexMetrics": ..., "globalMetrics": ...}, include/flinkscaler/job_state.hpp).
-- The unique index (job_key, sample_time) serves the per-job reads and the per-job ranged
-- deletes of samples that left the window; nothing deletes metric samples across jobs by time.
CREATE TABLE metric_sample (
    id          INTEGER PRIMARY KEY,
    job_key     TEXT    NOT NULL,
    sample_time INTEGER NOT NULL,
    value       TEXT    NOT NULL,
    UNIQUE (job_key, sample_time)
);

-- The raw samples the daemon collected, for `flinkscaler export`: value = one ReplaySample as
-- JSON (include/flinkscaler/replay.hpp, to_json(const ReplaySample&)). Kept for a retention
-- period across all jobs, hence the index on sample_time for the time-based deletion.
CREATE TABLE recorded_sample (
    id          INTEGER PRIMARY KEY,
    job_key     TEXT    NOT NULL,
    sample_time INTEGER NOT NULL,
    value       TEXT    NOT NULL,
    UNIQUE (job_key, sample_time)
);

CREATE INDEX recorded_sample_time ON recorded_sample (sample_time);

-- Move the collectedMetrics rows of version 1 into metric_sample, in SQL so the move is part of
-- this migration's transaction. The keys of a stored history are format_instant() timestamps
-- (YYYY-MM-DDTHH:MM:SS.mmmZ; epoch-millisecond keys are accepted too). julianday() keeps whole
-- milliseconds internally, so rounding its result back to milliseconds is exact. Values that are
-- not JSON objects, and samples with keys of any other shape, are dropped: a metric history is a
-- window of minutes that the daemon rebuilds anyway, and the old code would have dropped the
-- whole value when reading it. Each sample's content is checked when the store loads it (an
-- unreadable sample is deleted and reported then).
INSERT OR IGNORE INTO metric_sample (job_key, sample_time, value)
SELECT job_key, sample_time, value FROM (
    SELECT s.job_key AS job_key,
           CASE
               WHEN e.key GLOB '[0-9]*' AND e.key NOT GLOB '*[^0-9]*' AND length(e.key) <= 18
                   THEN CAST(e.key AS INTEGER)
               WHEN e.key GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
                 OR e.key GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
                   THEN CAST(round((julianday(e.key) - 2440587.5) * 86400000.0) AS INTEGER)
           END AS sample_time,
           e.value AS value
    FROM state AS s,
         json_each(CASE WHEN json_valid(s.state_value)
                        THEN CASE WHEN json_type(s.state_value) = 'object' THEN s.state_value ELSE '{}' END
                        ELSE '{}' END) AS e
    WHERE s.state_type = 'collectedMetrics' AND e.type = 'object'
)
WHERE sample_time IS NOT NULL;

DELETE FROM state WHERE state_type = 'collectedMetrics';
