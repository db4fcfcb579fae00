PRAGMA application_id = 1129271385; PRAGMA user_version = 1;
CREATE VIEW meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS key, x AS value FROM c;
