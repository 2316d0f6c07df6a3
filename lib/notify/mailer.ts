// The SMTP transport notices are sent with (SMTP_URL), or none: notices then wait, recorded.
import "server-only";
import nodemailer from "nodemailer";
import type { MailTransport } from "../data/notifications";
import { env } from "../env";

export function mailTransportFromEnv(): MailTransport | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  // A transport per delivery round: it holds no connection between rounds (no pool), so there is
  // nothing to keep, and a changed SMTP_URL takes effect at the next round.
  return nodemailer.createTransport(url) as unknown as MailTransport;
}
