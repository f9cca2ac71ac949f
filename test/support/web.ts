import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(options: {
  base?: string;
  clientId: string;
  redirectUri: string;
  state: string;
  challenge?: string | null;
  method?: string | null;
  scope?: string;
}): string {
  const url = new URL('/oauth/authorize', options.base ?? 'http://yoga');
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', options.state);
  if (options.scope) url.searchParams.set('scope', options.scope);
  if (options.challenge !== null) url.searchParams.set('code_challenge', options.challenge ?? pkcePair().challenge);
  if (options.method !== null) url.searchParams.set('code_challenge_method', options.method ?? 'S256');
  return url.toString();
}

/** The token request an OAuth client sends. */
export function tokenRequest(fields: Record<string, string | undefined>): RequestInit {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.set(name, value);
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() };
}

/** The value of a hidden input in a page, e.g. the CSRF token. */
export function hiddenValue(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`No hidden input "${name}" in the page`);
  return match[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** A cookie-keeping client over a fetch function (the app in process, or a real server). */
export class CookieClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly fetchFn: (url: string, init?: RequestInit) => Promise<Response>,
    private readonly base = 'http://yoga',
  ) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await this.fetchFn(new URL(path, this.base).toString(), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (!value || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
  }

  /** Signs in through the form, as a person would: the page first (its CSRF token), then the post. */
  async signIn(email: string, password: string, next = '/console'): Promise<Response> {
    const form = await (await this.fetch(`/console/sign-in?next=${encodeURIComponent(next)}`)).text();
    return this.post('/console/sign-in', { csrf: hiddenValue(form, 'csrf'), next, email, password });
  }
}
