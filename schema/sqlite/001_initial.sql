-- SPDX-License-Identifier: Apache-2.0
-- Initial schema of the flinkscaler state store (architecture.md "State store", algorithm.md §7.3).
-- Times are epoch milliseconds (UTC).

-- One value per job and state type (algorithm.md §7.1); state_value is JSON text.
CREATE TABLE state (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    update_time INTEGER NOT NULL,
    job_key     TEXT    NOT NULL,
    state_type  TEXT    NOT NULL,
    state_value TEXT    NOT NULL,
    UNIQUE (job_key, state_type)
);

-- Events (algorithm.md §6.1): repeats are folded by (job_key, reason, event_key) within an interval.
CREATE TABLE event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    create_time INTEGER NOT NULL,
    update_time INTEGER NOT NULL,
    job_key     TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    event_count INTEGER NOT NULL,
    event_key   TEXT    NOT NULL
);

CREATE INDEX event_job_reason_key ON event (job_key, reason, event_key);
CREATE INDEX event_job_reason_create_time ON event (job_key, reason, create_time);
CREATE INDEX event_create_time ON event (create_time);
