-- 0.0.1
DROP PROCEDURE rename_document(bigint, text);

DROP PROCEDURE archive_documents(bigint, integer);

DROP TABLE documents;

-- 0.0.2
DROP PROCEDURE archive_documents(bigint, integer);

CREATE PROCEDURE archive_documents(before_id bigint, INOUT archived integer DEFAULT 0) LANGUAGE plpgsql AS $function$
begin
    update documents set archived = true where id < before_id and not archived;
    get diagnostics archived = row_count;
    commit;
end
$function$;

CREATE OR REPLACE PROCEDURE rename_document(document bigint, new_title text) LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $function$
    update public.documents set title = new_title where id = document
$function$;

-- 0.0.3
CREATE PROCEDURE rename_document(document bigint, new_title text) LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $function$
    update public.documents set title = upper(new_title) where id = document
$function$;

CREATE PROCEDURE archive_documents(first_kept bigint, INOUT archived integer DEFAULT 0) LANGUAGE plpgsql AS $function$
begin
    update documents set archived = true where id < first_kept and not archived;
    get diagnostics archived = row_count;
end
$function$;

