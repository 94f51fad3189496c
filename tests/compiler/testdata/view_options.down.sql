-- 0.0.1
COMMENT ON VIEW rag.mine IS NULL;

DROP VIEW rag.mine;

DROP TABLE rag.documents;

DROP SCHEMA rag;

-- 0.0.2
DROP VIEW rag.mine;

CREATE VIEW rag.mine WITH (security_invoker=true) AS
    select id, title, owner from rag.documents where owner = current_user
WITH LOCAL CHECK OPTION;

COMMENT ON VIEW rag.mine IS 'Documents the caller owns';

-- 0.0.3
ALTER VIEW rag.mine SET (security_barrier=true);

ALTER VIEW rag.mine SET (check_option=local, security_invoker=true);

-- 0.0.4
CREATE VIEW rag.mine WITH (security_invoker=false) AS
    select id, title, owner from rag.documents where owner = current_user and title <> ''
WITH CASCADED CHECK OPTION;

COMMENT ON VIEW rag.mine IS 'Documents the caller owns';

