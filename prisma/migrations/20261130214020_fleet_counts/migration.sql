-- CreateTable
CREATE TABLE "FleetCount" (
    "environment" "Environment" NOT NULL,
    "excluded" BOOLEAN NOT NULL,
    "patchGroup" INTEGER NOT NULL,
    "shard" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "FleetCount_pkey" PRIMARY KEY ("environment","excluded","patchGroup","shard")
);

-- Kept by the database: every statement that inserts, updates, deletes or truncates resources
-- adds its net change per (environment, excluded, patchGroup) to the shard of its transaction
-- (one of 16), so concurrent writers seldom wait on one another. Within a statement the buckets
-- are changed in a fixed order. A bucket's count is the sum of its shards.
INSERT INTO "FleetCount" ("environment", "excluded", "patchGroup", "shard", "count")
SELECT "environment", "excluded", "patchGroup", 0, count(*)::int FROM "Resource" GROUP BY 1, 2, 3;

CREATE FUNCTION fleet_count_add(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d record;
  s int := (txid_current() % 16)::int;
BEGIN
  FOR d IN
    SELECT (x->>'environment')::"Environment" AS environment, (x->>'excluded')::boolean AS excluded, (x->>'patchGroup')::int AS "patchGroup", (x->>'n')::int AS n
    FROM jsonb_array_elements(deltas) x ORDER BY 1, 2, 3
  LOOP
    INSERT INTO "FleetCount" AS f ("environment", "excluded", "patchGroup", "shard", "count") VALUES (d.environment, d.excluded, d."patchGroup", s, d.n)
    ON CONFLICT ("environment", "excluded", "patchGroup", "shard") DO UPDATE SET "count" = f."count" + EXCLUDED."count";
  END LOOP;
END $$;

CREATE FUNCTION fleet_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", count(*) AS n FROM new_rows GROUP BY 1, 2, 3) c));
  RETURN NULL;
END $$;

CREATE FUNCTION fleet_count_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", -count(*) AS n FROM old_rows GROUP BY 1, 2, 3) c));
  RETURN NULL;
END $$;

CREATE FUNCTION fleet_count_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", sum(n) AS n FROM (
      SELECT "environment", "excluded", "patchGroup", 1 AS n FROM new_rows
      UNION ALL SELECT "environment", "excluded", "patchGroup", -1 FROM old_rows) u
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0) c));
  RETURN NULL;
END $$;

CREATE FUNCTION fleet_count_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "FleetCount";
  RETURN NULL;
END $$;

CREATE TRIGGER fleet_count_insert AFTER INSERT ON "Resource" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_count_on_insert();
CREATE TRIGGER fleet_count_delete AFTER DELETE ON "Resource" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_count_on_delete();
CREATE TRIGGER fleet_count_update AFTER UPDATE ON "Resource" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fleet_count_on_update();
CREATE TRIGGER fleet_count_truncate AFTER TRUNCATE ON "Resource" FOR EACH STATEMENT EXECUTE FUNCTION fleet_count_on_truncate();
