DROP TABLE stat_values;
DROP TABLE stat_legs;
DROP TABLE stat_documents;
DROP TABLE stat_suspects;
DROP TABLE stat_persons;
DROP TABLE stat_cases;
