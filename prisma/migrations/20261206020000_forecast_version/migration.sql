-- A party's forecast (lib/data/forecast.ts) is kept by each process under the "forecast" token,
-- which moves as a transaction that changes what a forecast reads commits: the servers (those of
-- their columns a forecast reads), their services' names, successful executions, patched
-- outcomes, templates' plans and who belongs to them, and the parties, their slots and the rule
-- (whose settings it uses). An execution that starts, runs or fails moves nothing: only the
-- durations of successful ones and of patched outcomes are read.
INSERT INTO "DataVersion" ("name", "token") VALUES ('forecast', gen_random_uuid());

-- With two tokens, a transaction may move both, in either order: each move first locks every
-- version row in one order, so two transactions cannot deadlock over them.
-- A transaction that has moved the token already (a bulk write fires once per row) does nothing more.
CREATE OR REPLACE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "DataVersion" WHERE "name" = TG_ARGV[0] AND "txid" = txid_current()) THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM "DataVersion" ORDER BY "name" FOR UPDATE;
  UPDATE "DataVersion" SET "token" = gen_random_uuid(), "txid" = txid_current()
  WHERE "name" = TG_ARGV[0] AND "txid" IS DISTINCT FROM txid_current();
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER forecast_version
  AFTER INSERT OR DELETE OR UPDATE OF "name", "environment", "excluded", "patchGroup", "serviceId", "clusterId", "tags" ON "Resource"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER UPDATE OF "name" ON "Service"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_insert AFTER INSERT ON "Execution"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."state" = 'SUCCEEDED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_update
  AFTER UPDATE OF "state", "startedAt", "finishedAt", "resourceId" ON "Execution"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."state" = 'SUCCEEDED' OR OLD."state" = 'SUCCEEDED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_delete AFTER DELETE ON "Execution"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."state" = 'SUCCEEDED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_insert AFTER INSERT ON "PatchOutcome"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."status" = 'PATCHED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_update AFTER UPDATE ON "PatchOutcome"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."status" = 'PATCHED' OR OLD."status" = 'PATCHED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version_delete AFTER DELETE ON "PatchOutcome"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."status" = 'PATCHED')
  EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER INSERT OR DELETE OR UPDATE OF "templateId", "resourceId" ON "TemplateMember"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER DELETE OR UPDATE OF "name", "planComponents" ON "Template"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER INSERT OR UPDATE OR DELETE ON "Party"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER INSERT OR UPDATE OR DELETE ON "PartySlot"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');
CREATE CONSTRAINT TRIGGER forecast_version AFTER INSERT OR UPDATE OR DELETE ON "PartyRule"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('forecast');

CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "Resource" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "Service" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "Execution" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "PatchOutcome" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "TemplateMember" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "Template" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "Party" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "PartySlot" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
CREATE TRIGGER forecast_version_truncate AFTER TRUNCATE ON "PartyRule" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('forecast');
