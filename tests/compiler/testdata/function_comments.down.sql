-- 0.0.1
COMMENT ON FUNCTION add_one(integer) IS NULL;

DROP FUNCTION add_one(integer);

-- 0.0.2
COMMENT ON FUNCTION add_one(integer) IS 'Adds one';

DROP FUNCTION add_one(integer);

CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select x + 1$function$;

COMMENT ON FUNCTION add_one(integer) IS 'Adds one';

-- 0.0.3
COMMENT ON FUNCTION add_one(integer) IS 'Adds one to y';

CREATE OR REPLACE FUNCTION add_one(y integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select y + 1$function$;

-- 0.0.4
CREATE FUNCTION add_one(y integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select y + 2$function$;

COMMENT ON FUNCTION add_one(integer) IS 'Adds two';

COMMENT ON FUNCTION add_one(integer) IS NULL;

