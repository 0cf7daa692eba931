DROP TABLE country_request_messages;
DROP TABLE country_requests;
