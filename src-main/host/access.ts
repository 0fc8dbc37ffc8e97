import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

/** The HttpOnly cookie a browser holds once it has joined; scripts send the header instead. */
export const tokenCookie = 'radstation_token';
export const tokenHeader = 'x-radstation-token';
/** Where a browser exchanges a one-time join code for the cookie. */
export const joinRoute = '/join';

export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * The token comes in a cookie (a browser that joined) or a header (scripts). Never in
 * the URL: a URL lands in the browser's history, in proxy logs and on screen.
 */
export function requestToken(request: http.IncomingMessage): string | undefined {
  const header = request.headers[tokenHeader];
  return (typeof header === 'string' ? header : undefined) ?? cookieValue(request.headers.cookie, tokenCookie);
}

/**
 * Lax, not Strict: a student who clicks the join link in another site (a class chat)
 * must arrive joined, and Strict would withhold the cookie from the redirect that ends
 * that cross-site navigation. Lax still keeps it off every cross-site request that can
 * act: socket upgrades (which also check Origin) and POSTs such as /upload.
 */
export function tokenCookieHeader(token: string): string {
  return `${tokenCookie}=${token}; HttpOnly; SameSite=Lax; Path=/`;
}

/**
 * The request target as a URL, or undefined when it cannot be one (`//[bad`,
 * `http://[::1`): the caller answers 400 instead of letting URL's exception escape.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://host.invalid');
  } catch {
    return undefined;
  }
}

/**
 * Whether a WebSocket upgrade may come from this Origin. No Origin is a script (browsers
 * always send one); otherwise it must be this host's own. `null` (a sandboxed frame, a
 * file: page) and anything unparseable are refused, never thrown.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === hostHeader;
  } catch {
    return false;
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/**
 * One-time join codes. The printed link carries one instead of the token, so what lands
 * in a browser's history opens nothing once used. Only digests are kept, so looking a
 * code up reveals nothing through timing; the oldest unused codes are forgotten beyond
 * a bound, so a token holder minting codes in a loop cannot grow memory.
 */
export class JoinCodes {
  private readonly unused = new Set<string>();

  constructor(private readonly maxUnused = 256) {}

  issue(): string {
    const code = randomBytes(24).toString('base64url');
    this.unused.add(digest(code));
    while (this.unused.size > this.maxUnused) this.unused.delete(this.unused.values().next().value as string);
    return code;
  }

  /** True once per issued code; false for anything else, a used code included. */
  redeem(code: string | null): boolean {
    if (code === null || code.length === 0 || code.length > 200) return false;
    return this.unused.delete(digest(code));
  }
}
