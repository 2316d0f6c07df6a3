// The SMTP transport notices are sent with (SMTP_URL), or none: notices then wait, recorded.
import nodemailer from "nodemailer";
import type { MailTransport } from "../data/notifications";
import { env } from "../env";

let cached: { url: string; transport: MailTransport } | null = null;

export function mailTransportFromEnv(): MailTransport | null {
  const url = env().SMTP_URL;
  if (!url) return null;
  if (cached?.url !== url) cached = { url, transport: nodemailer.createTransport(url) as unknown as MailTransport };
  return cached.transport;
}
