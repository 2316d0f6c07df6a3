-- Issue 21 (decision 021): a server retired by an inventory sync (gone from its source, kept with
-- its history) takes no part in parties, so the fleet counts that the pages and slot counts read
-- leave it out. The triggers of 20261130214020_fleet_counts count only rows without "retiredAt":
-- retiring a server moves it out of its bucket (an UPDATE whose new row is not counted), restoring
-- it moves it back.
CREATE OR REPLACE FUNCTION fleet_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", count(*) AS n FROM new_rows WHERE "retiredAt" IS NULL GROUP BY 1, 2, 3) c));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fleet_count_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", -count(*) AS n FROM old_rows WHERE "retiredAt" IS NULL GROUP BY 1, 2, 3) c));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION fleet_count_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fleet_count_add((SELECT COALESCE(jsonb_agg(c), '[]') FROM (
    SELECT "environment", "excluded", "patchGroup", sum(n) AS n FROM (
      SELECT "environment", "excluded", "patchGroup", 1 AS n FROM new_rows WHERE "retiredAt" IS NULL
      UNION ALL SELECT "environment", "excluded", "patchGroup", -1 FROM old_rows WHERE "retiredAt" IS NULL) u
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0) c));
  RETURN NULL;
END $$;

-- Counted again from the rows, in case a server was retired before this migration.
DELETE FROM "FleetCount";
INSERT INTO "FleetCount" ("environment", "excluded", "patchGroup", "shard", "count")
SELECT "environment", "excluded", "patchGroup", 0, count(*)::int FROM "Resource" WHERE "retiredAt" IS NULL GROUP BY 1, 2, 3;
