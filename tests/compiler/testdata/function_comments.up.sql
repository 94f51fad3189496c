-- 0.0.1
CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select x + 1$function$;

COMMENT ON FUNCTION add_one(integer) IS 'Adds one';

-- 0.0.2
DROP FUNCTION add_one(integer);

CREATE FUNCTION add_one(y integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select y + 1$function$;

COMMENT ON FUNCTION add_one(integer) IS 'Adds one';

COMMENT ON FUNCTION add_one(integer) IS 'Adds one to y';

-- 0.0.3
CREATE OR REPLACE FUNCTION add_one(y integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $function$select y + 2$function$;

COMMENT ON FUNCTION add_one(integer) IS NULL;

-- 0.0.4
COMMENT ON FUNCTION add_one(integer) IS 'Adds two';

DROP FUNCTION add_one(integer);

