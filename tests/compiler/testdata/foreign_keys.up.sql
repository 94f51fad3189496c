-- 0.0.1
CREATE TYPE kind AS ENUM ('a', 'b');

CREATE TABLE parents (
    id serial NOT NULL,
    big bigserial NOT NULL,
    code character varying(10),
    k kind,
    tags text[],
    CONSTRAINT parents_pkey PRIMARY KEY (id),
    CONSTRAINT parents_big_key UNIQUE (big),
    CONSTRAINT parents_code_key UNIQUE (code),
    CONSTRAINT parents_k_tags_key UNIQUE (k, tags)
);

CREATE TABLE children (
    id integer,
    big_id bigint,
    code character varying(10),
    k kind,
    tags text[],
    tree_id bigint,
    parent_id bigint,
    CONSTRAINT children_tree_id_key UNIQUE (tree_id),
    CONSTRAINT children_id_fkey FOREIGN KEY (id) REFERENCES parents (id),
    CONSTRAINT children_big_id_fkey FOREIGN KEY (big_id) REFERENCES parents (big),
    CONSTRAINT children_code_fkey FOREIGN KEY (code) REFERENCES parents (code) ON UPDATE CASCADE,
    CONSTRAINT children_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES children (tree_id),
    CONSTRAINT children_k_tags_fkey FOREIGN KEY (k, tags) REFERENCES parents (k, tags) ON DELETE SET NULL
);

CREATE TABLE nodes (
    id bigint NOT NULL,
    parent bigint,
    root bigint,
    CONSTRAINT nodes_pkey PRIMARY KEY (id),
    CONSTRAINT nodes_parent_fkey FOREIGN KEY (parent) REFERENCES nodes (id),
    CONSTRAINT nodes_root_fkey FOREIGN KEY (root) REFERENCES nodes (id)
);

