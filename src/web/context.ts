import OAuth2Server from '@node-oauth/oauth2-server';
import type { AccountsConfig } from '../accounts/config.js';
import { sessionOf, type SignedIn } from '../accounts/service.js';
import type { SignInThrottle } from '../accounts/throttle.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { cookiesOf, csrfTokens, sessionCookie } from './http.js';

export interface WebContext {
  prisma: PrismaClient;
  config: AccountsConfig;
  throttle: SignInThrottle;
  oauth: OAuth2Server;
}

export interface WebRequest {
  request: Request;
  url: URL;
  /** The client address (X-Forwarded-For only with TRUST_PROXY), for sign-in throttling. */
  address: string;
}

export interface Session extends SignedIn {
  csrfToken: string;
}

/** The signed-in admin of this request, with a fresh CSRF token for the page's forms; null without a valid session. */
export async function sessionFor(context: WebContext, request: Request): Promise<Session | null> {
  const token = cookiesOf(request)[sessionCookie];
  if (!token || token.length > 100) return null;
  const signedIn = await sessionOf(context.prisma, token, { idleMs: context.config.session.idleMs });
  return signedIn ? { ...signedIn, csrfToken: csrfTokens.create(signedIn.csrfSecret) } : null;
}

export function csrfValid(secret: string | undefined, form: URLSearchParams): boolean {
  const token = form.get('csrf');
  return Boolean(secret && token && csrfTokens.verify(secret, token));
}
