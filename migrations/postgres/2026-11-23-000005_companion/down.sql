DROP TABLE country_reports;
DROP TABLE entry_requirements;
DROP TABLE directory_entries;
DROP TABLE false_passport_reports;
DROP TABLE document_alert_images;
DROP TABLE document_alert_shares;
DROP TABLE document_alerts;
