-- 0.0.1
DROP TABLE visits;

DROP TABLE places;

DROP TABLE regions;

