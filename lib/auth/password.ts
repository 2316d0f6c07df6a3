import "server-only";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";

const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);

/** A password nobody chose: 24 characters of base64url, 144 random bits (`npm run user:add`). */
export const generatePassword = () => randomBytes(18).toString("base64url");

/**
 * Password checks run in a worker thread of their own, one at a time, and at most WAITING_MAX
 * wait: bcrypt is JavaScript here (bcryptjs) and takes ~70 ms of CPU a check. On the request
 * thread, 40 sign-ins at once made every other request wait 20 to 60 times longer (taking turns
 * there did not help: each check still held the thread for its whole run between two of another
 * request's database reads). In the worker, the request thread only waits for the answer. Beyond
 * the queue, a sign-in is refused at once (PasswordCheckBusy) instead of waiting seconds. The
 * sign-in limits (sign-in-limits.ts) run before this and stop repeats.
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
    return await compareInWorker(password, hash);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running = false;
  }
}

// The worker: bcryptjs loaded from this installation's node_modules (resolved here, where the
// process runs, not in the bundle), answering one comparison a message.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptjs);
parentPort.on("message", ({ password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage(ok);
});`;

let worker: Worker | null = null;

function passwordWorker(): Worker {
  if (worker) return worker;
  const bcryptjs = createRequire(path.join(/* turbopackIgnore: true */ process.cwd(), "package.json")).resolve("bcryptjs");
  const made = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptjs } });
  made.unref(); // an idle worker keeps no process alive
  made.on("exit", () => {
    if (worker === made) worker = null;
  });
  return (worker = made);
}

/** One comparison in the worker (the checks take turns, so one answer is awaited at a time). */
function compareInWorker(password: string, hash: string): Promise<boolean> {
  const w = passwordWorker();
  return new Promise<boolean>((resolve, reject) => {
    const done = () => {
      w.off("message", onMessage);
      w.off("error", onError);
    };
    const onMessage = (ok: unknown) => {
      done();
      resolve(ok === true);
    };
    const onError = (error: Error) => {
      done();
      worker = null;
      reject(error);
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.postMessage({ password, hash });
  });
}

// Compared against when the e-mail is unknown, so both failures take the same time.
export const DUMMY_HASH = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8DQ3zVp2b1x5Kz1p9c6Yk7p1G6k9Wm";
