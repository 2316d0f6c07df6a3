-- Issue 21: a completed party's outcomes are counted per team (an owner reads their teams' counts
-- on the home page and the calendar) and kept by each process under the "resource-teams" token
-- (lib/cache/stores.ts). A completed party's outcomes never change (outcomes are written only
-- while one of its runs is open); which team a server belongs to may. So the token moves as a
-- transaction that gives a server another team, or deletes one, commits (data_version_move of
-- 20261206020000_forecast_version: once per transaction, every version row locked in one order).
INSERT INTO "DataVersion" ("name", "token") VALUES ('resource-teams', gen_random_uuid());

CREATE CONSTRAINT TRIGGER resource_teams_version AFTER UPDATE OF "teamId" ON "Resource"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."teamId" IS DISTINCT FROM NEW."teamId")
  EXECUTE FUNCTION data_version_move('resource-teams');
CREATE CONSTRAINT TRIGGER resource_teams_version_delete AFTER DELETE ON "Resource"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('resource-teams');
CREATE TRIGGER resource_teams_version_truncate AFTER TRUNCATE ON "Resource" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('resource-teams');
