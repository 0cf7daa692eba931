-- Country report contents in the database (issue #20), in chunks of 1 MiB: nodes behind a load
-- balancer share nothing but the database, so a report uploaded through one node is downloaded
-- through any other, and a backup of the database is a backup of the reports. Files of reports
-- stored before this migration (DATA_DIR/files/reports/<id>) are moved in at each node's start.
CREATE TABLE country_report_chunks (
    report_id TEXT NOT NULL REFERENCES country_reports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (report_id, seq)
);
