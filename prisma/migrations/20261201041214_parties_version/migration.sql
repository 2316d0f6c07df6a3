-- CreateTable
CREATE TABLE "DataVersion" (
    "name" TEXT NOT NULL,
    "token" UUID NOT NULL,
    "txid" BIGINT,

    CONSTRAINT "DataVersion_pkey" PRIMARY KEY ("name")
);

-- Kept by the database: a transaction that inserts, updates or deletes parties, their slots or the
-- party rule gives "parties" a new token once, as it commits (a deferred trigger: the version row
-- is the last lock such a transaction takes, so two of them cannot deadlock over it). The token
-- is random, so no other database, and no state of this one, has the same token for other data.
INSERT INTO "DataVersion" ("name", "token") VALUES ('parties', gen_random_uuid());

CREATE FUNCTION data_version_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DataVersion" SET "token" = gen_random_uuid(), "txid" = txid_current()
  WHERE "name" = TG_ARGV[0] AND "txid" IS DISTINCT FROM txid_current();
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER parties_version AFTER INSERT OR UPDATE OR DELETE ON "Party"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('parties');
CREATE CONSTRAINT TRIGGER parties_version AFTER INSERT OR UPDATE OR DELETE ON "PartySlot"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('parties');
CREATE CONSTRAINT TRIGGER parties_version AFTER INSERT OR UPDATE OR DELETE ON "PartyRule"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_move('parties');
CREATE TRIGGER parties_version_truncate AFTER TRUNCATE ON "Party" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('parties');
CREATE TRIGGER parties_version_truncate AFTER TRUNCATE ON "PartySlot" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('parties');
CREATE TRIGGER parties_version_truncate AFTER TRUNCATE ON "PartyRule" FOR EACH STATEMENT EXECUTE FUNCTION data_version_move('parties');
