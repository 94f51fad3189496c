-- 0.0.1
DROP TABLE nodes;

DROP TABLE children;

DROP TABLE parents;

DROP TYPE kind;

