DROP TABLE country_report_chunks;
