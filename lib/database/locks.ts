// The advisory lock under which the schema and its rights change: migrations, and the grants to
// the app's role. Any constant works; it only has to be the same for every instance of the app.
// GRANT and ALTER ROLE run at the same time by two instances fail ("tuple concurrently updated").
import "server-only";
export const MIGRATION_LOCK = 72_616_001;
