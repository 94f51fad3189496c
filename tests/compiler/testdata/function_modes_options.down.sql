-- 0.0.1
DROP FUNCTION rename_document(bigint, text);

DROP FUNCTION greatest_of(integer[]);

DROP FUNCTION word_total(bigint);

DROP FUNCTION document_stats(bigint);

DROP TABLE documents;

-- 0.0.2
CREATE OR REPLACE FUNCTION rename_document(document bigint, new_title text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public SET lock_timeout = '2s' AS $function$
begin
    update public.documents set title = new_title where id = document;
end
$function$;

DROP FUNCTION document_stats(bigint);

CREATE FUNCTION document_stats(id bigint, OUT title text, OUT words integer) RETURNS record LANGUAGE sql STABLE PARALLEL SAFE AS $function$
    select d.title, d.words from documents d where d.id = document_stats.id
$function$;

CREATE OR REPLACE FUNCTION greatest_of(VARIADIC numbers integer[]) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$select max(n) from unnest(numbers) n$function$;

-- 0.0.3
CREATE FUNCTION greatest_of(VARIADIC numbers integer[]) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL RESTRICTED AS $function$select max(n) from unnest(numbers) n$function$;

CREATE FUNCTION word_total(INOUT total bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $function$select total$function$;

CREATE FUNCTION document_stats(id bigint, OUT heading text, OUT words integer) RETURNS record LANGUAGE sql STABLE AS $function$
    select d.title, d.words from documents d where d.id = document_stats.id
$function$;

