import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import Tokens from 'csrf';
import type { AccountsConfig } from '../accounts/config.js';

export const sessionCookie = 'cg_session';
/** Before sign-in there is no session: the CSRF secret of the sign-in and set-password forms lives in this cookie. */
export const preSessionCookie = 'cg_csrf';

export const csrfTokens = new Tokens();

export interface PageSecurity {
  /** Origins a form on the page may be redirected to after submission (the consent page's redirect URI). */
  formTargets?: readonly string[];
}

/**
 * No script at all: `default-src 'none'` with only the server's own stylesheet. `form-action` names
 * the redirect URI's origin on the consent page because Chromium applies it to the redirect that
 * follows a form submission.
 */
export function contentSecurityPolicy(security: PageSecurity = {}): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self'${(security.formTargets ?? []).map((origin) => ` ${origin}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Headers every page and redirect of the console and the install flow carries. */
export function securityHeaders(security: PageSecurity = {}): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(security),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Links and redirects never tell the next site the URL (it may hold a set-password token, state or a code).
    'Referrer-Policy': 'no-referrer',
    // Pages show patient data, grants or one-time links: never stored by a browser or a proxy.
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export interface Reply {
  status: number;
  headers: Headers;
}

export function htmlResponse(body: string, status = 200, extra: { security?: PageSecurity; cookies?: string[] } = {}): Response {
  const headers = new Headers({ ...securityHeaders(extra.security), 'Content-Type': 'text/html; charset=utf-8' });
  for (const cookie of extra.cookies ?? []) headers.append('Set-Cookie', cookie);
  return new Response(body, { status, headers });
}

export function redirect(location: string, extra: { cookies?: string[]; status?: number; security?: PageSecurity } = {}): Response {
  const headers = new Headers({ ...securityHeaders(extra.security), Location: location });
  for (const cookie of extra.cookies ?? []) headers.append('Set-Cookie', cookie);
  return new Response(null, { status: extra.status ?? 303, headers });
}

export function cookiesOf(request: Request): Record<string, string | undefined> {
  const header = request.headers.get('cookie');
  return header ? parseCookies(header) : {};
}

/** Over TLS, directly or per the proxy's X-Forwarded-Proto when the proxy is trusted. */
export function arrivedOverTls(request: Request, config: Pick<AccountsConfig, 'trustProxy'>): boolean {
  if (new URL(request.url).protocol === 'https:') return true;
  return config.trustProxy && request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export function cookie(
  name: string,
  value: string,
  options: { request: Request; config: Pick<AccountsConfig, 'secureCookies' | 'trustProxy'>; maxAgeSeconds?: number; sameSite?: 'lax' | 'strict' },
): string {
  const secure = options.config.secureCookies === 'always' || (options.config.secureCookies === 'auto' && arrivedOverTls(options.request, options.config));
  const attributes: SerializeOptions = {
    httpOnly: true,
    // Lax, not Strict: an app's install link opened from another site must arrive signed in.
    sameSite: options.sameSite ?? 'lax',
    path: '/',
    secure,
    ...(options.maxAgeSeconds !== undefined ? { maxAge: options.maxAgeSeconds } : {}),
  };
  return serializeCookie(name, value, attributes);
}

export const maxFormBytes = 16_384;

export class FormError extends Error {}

/** An urlencoded form body, bounded in size; a form of another kind is refused. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new FormError('Send the form as application/x-www-form-urlencoded.');
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxFormBytes) throw new FormError(`The form is larger than ${maxFormBytes} bytes.`);
  const text = await request.text();
  if (text.length > maxFormBytes) throw new FormError(`The form is larger than ${maxFormBytes} bytes.`);
  return new URLSearchParams(text);
}

/** A same-site path to continue to after sign-in; anything else (another host, `//evil`) falls back to the console. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/console';
  return next.slice(0, 4000);
}
