-- 0.0.1
DROP TABLE samples;

DROP TYPE mood;

