import "server-only";
import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";

const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

/** A password nobody chose: 24 characters of base64url, 144 random bits (`npm run user:add`). */
export const generatePassword = () => randomBytes(18).toString("base64url");

export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

// Compared against when the e-mail is unknown, so both failures take the same time.
export const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8DQ3zVp2b1x5Kz1p9c6Yk7p1G6k9Wm";
