import "server-only";
// The names of prepared statements by their text (lib/db.ts), kept apart from stores.ts because
// lib/db.ts needs it and stores.ts needs lib/db.ts (through versioned.ts).
import { boundedStore } from "./store";

/** A statement's name is a hash of its text: hashed once per text (a CPU profile found the hashing on every call). */
export const statementNames = boundedStore<string>("statement-names", 5_000);
