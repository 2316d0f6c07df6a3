import { afterAll, inject } from "vitest";
import { disconnectDb } from "../../lib/db";
import { TEST_SESSION_SECRET } from "../integration/fixtures/session";

process.env.DATABASE_URL = inject("databaseUrl");
// Sessions in tests are encrypted with it (tests/integration/fixtures/session.ts).
process.env.NEXTAUTH_SECRET = TEST_SESSION_SECRET;

afterAll(() => disconnectDb());
