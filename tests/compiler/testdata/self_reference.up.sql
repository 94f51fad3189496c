-- 0.0.1
CREATE TABLE nodes (
    id bigint NOT NULL,
    parent bigint,
    CONSTRAINT nodes_pkey PRIMARY KEY (id),
    CONSTRAINT nodes_parent_fkey FOREIGN KEY (parent) REFERENCES nodes (id)
);

-- 0.0.2
ALTER TABLE nodes DROP CONSTRAINT nodes_pkey CASCADE;

