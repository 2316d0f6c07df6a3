// The types of security-headers.mjs (plain JavaScript: the request edge loads it before Next).
export function portalOrigin(nextAuthUrl: string | undefined, requestUrl: string): string;
export const servedOverHttps: (nextAuthUrl: string | undefined) => boolean;
export function baseSecurityHeaders(https: boolean): Record<string, string>;
export const API_CONTENT_SECURITY_POLICY: string;
export function pageContentSecurityPolicy(nonce: string, options: { https: boolean; dev: boolean }): string;
export function newNonce(): string;
export function hasSessionCookie(cookieHeader: string | undefined): boolean;
export type PageRequest = { url: string | undefined; cookie: string | undefined; prefetch: boolean };
export type PageEdge = { policy: string; headers: Record<string, string>; redirect: string | null };
export function pageEdge(request: PageRequest, options: { https: boolean; dev: boolean }): PageEdge | null;
