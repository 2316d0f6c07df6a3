import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "PatchParty", template: "%s · PatchParty" },
  description: "Plan, run and audit the patching of your whole fleet.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered for its request, none prerendered at build: Next puts the request's
  // CSP nonce (scripts/request-edge.mjs) on its scripts only as it renders, and a prerendered page's scripts would
  // carry none and be blocked (the 404 page was the one prerendered page).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
