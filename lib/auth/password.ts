import "server-only";
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";

const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

/** A password nobody chose: 24 characters of base64url, 144 random bits (`npm run user:add`). */
export const generatePassword = () => randomBytes(18).toString("base64url");

/**
 * Password checks take turns, one at a time in each process, and at most WAITING_MAX wait: bcrypt
 * is JavaScript here (bcryptjs) and holds the process for ~70 ms a check, so 40 sign-ins at once
 * made every other request wait twentyfold. One at a time, the rest of the portal's requests go
 * between checks; beyond the queue, a sign-in is refused at once (PasswordCheckBusy) instead of
 * waiting seconds. The sign-in limits (sign-in-limits.ts) run before this and stop repeats.
 */
const WAITING_MAX = 16;
let running = false;
const waiting: (() => void)[] = [];

export class PasswordCheckBusy extends Error {
  constructor() {
    super("Too many sign-ins at once.");
  }
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (running) {
    if (waiting.length >= WAITING_MAX) throw new PasswordCheckBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running = true;
  try {
    return await bcrypt.compare(password, hash);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running = false;
  }
}

// Compared against when the e-mail is unknown, so both failures take the same time.
export const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8DQ3zVp2b1x5Kz1p9c6Yk7p1G6k9Wm";
