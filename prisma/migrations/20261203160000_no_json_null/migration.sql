-- A nullable JSON column holds SQL NULL for "nothing", never a JSON null: a backup writes both as
-- null and cannot tell them apart, so a restored copy would differ (a CSV import audited a new
-- resource's "before" as JSON null). The checks make the database refuse it from any writer.
UPDATE "AuditEvent" SET before = NULL WHERE jsonb_typeof(before) = 'null';
UPDATE "AuditEvent" SET after = NULL WHERE jsonb_typeof(after) = 'null';
UPDATE "UpgradeSchedule" SET custom = NULL WHERE jsonb_typeof(custom) = 'null';
UPDATE "Template" SET "planComponents" = NULL WHERE jsonb_typeof("planComponents") = 'null';

ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_before_not_json_null" CHECK (jsonb_typeof(before) <> 'null');
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_after_not_json_null" CHECK (jsonb_typeof(after) <> 'null');
ALTER TABLE "UpgradeSchedule" ADD CONSTRAINT "UpgradeSchedule_custom_not_json_null" CHECK (jsonb_typeof(custom) <> 'null');
ALTER TABLE "Template" ADD CONSTRAINT "Template_planComponents_not_json_null" CHECK (jsonb_typeof("planComponents") <> 'null');
