-- 0.0.1
DROP TABLE nodes;

-- 0.0.2
ALTER TABLE nodes ADD CONSTRAINT nodes_pkey PRIMARY KEY (id);

ALTER TABLE nodes ADD CONSTRAINT nodes_parent_fkey FOREIGN KEY (parent) REFERENCES nodes (id);

