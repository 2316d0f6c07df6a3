// The scheduled work, run by graphile-worker (docs/decisions/005-job-runner.md). Tasks read the
// clock here, at the edge, and hand `now` to the data layer.
import type { TaskList } from "graphile-worker";
import { expireExclusions } from "../data/exclusion-expiry";
import { generateParties } from "../data/parties";
import { SCHEDULER } from "../data/audit";

const DAY = 86_400_000;

export const taskList: TaskList = {
  async expire_exclusions(_payload, helpers) {
    const names = await expireExclusions(new Date());
    if (names.length) helpers.logger.info(`Included ${names.length} resource(s) whose exclusion expired`);
  },
  async generate_parties() {
    const now = new Date();
    await generateParties(now, new Date(now.getTime() + 730 * DAY), now, SCHEDULER);
  },
};

/**
 * Minute, hour, day, month, weekday (UTC), task. graphile-worker runs each once per slot
 * however many workers there are, and backfills a slot missed while all workers were down.
 */
export const crontab = [
  "* * * * * expire_exclusions ?fill=1h",
  "17 3 * * * generate_parties ?fill=2d",
].join("\n");
