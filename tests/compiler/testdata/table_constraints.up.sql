-- 0.0.1
CREATE TABLE regions (
    country text NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    CONSTRAINT regions_pkey PRIMARY KEY (country, code),
    CONSTRAINT regions_name_key UNIQUE (name)
);

CREATE TABLE places (
    id bigint NOT NULL,
    country text NOT NULL,
    code text NOT NULL,
    name text,
    lat double precision,
    lon double precision,
    parent bigint,
    CONSTRAINT places_id_pk PRIMARY KEY (id),
    CONSTRAINT places_name_unique UNIQUE NULLS NOT DISTINCT (name, country),
    CONSTRAINT places_latitude CHECK (lat between -90 and 90),
    CONSTRAINT places_lon_check CHECK (lon between -180 and 180),
    CONSTRAINT places_lat_lon_key UNIQUE NULLS NOT DISTINCT (lat, lon),
    CONSTRAINT places_country_code_name_key UNIQUE (country, code, name),
    CONSTRAINT places_country_region_fk FOREIGN KEY (country, code) REFERENCES regions (country, code) ON DELETE CASCADE,
    CONSTRAINT places_parent_fkey FOREIGN KEY (parent) REFERENCES places (id)
);

CREATE TABLE visits (
    place_id bigint NOT NULL,
    day date NOT NULL,
    CONSTRAINT visits_day_check CHECK (day > '2000-01-01'),
    CONSTRAINT visits_day_check1 CHECK (day < '2100-01-01'),
    CONSTRAINT visits_place_id_fkey FOREIGN KEY (place_id) REFERENCES places (id)
);

