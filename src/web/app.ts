import OAuth2Server from '@node-oauth/oauth2-server';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { accountsConfig, type AccountsOverrides } from '../accounts/config.js';
import { createSignInThrottle, type ThrottleStore } from '../accounts/throttle.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { clientAddress } from '../http/guard.js';
import { oauthModel } from '../oauth/model.js';
import { errorPage, setPassword, showSetPassword, showSignIn, signIn, signOut } from './accounts.js';
import { changeInstallation, showAccessRecord, showConsole } from './console.js';
import type { WebContext, WebRequest } from './context.js';
import { stylesheet } from './html.js';
import { FormError } from './http.js';
import { decideAuthorize, showAuthorize, token } from './oauth.js';

type Handler = (web: WebRequest, context: WebContext) => Promise<Response>;

const routes: Record<string, Partial<Record<'GET' | 'POST', Handler>>> = {
  '/console': { GET: showConsole },
  '/console/access': { GET: showAccessRecord },
  '/console/sign-in': { GET: showSignIn, POST: signIn },
  '/console/sign-out': { POST: signOut },
  '/console/set-password': { GET: showSetPassword, POST: setPassword },
  '/oauth/authorize': { GET: showAuthorize, POST: decideAuthorize },
  '/oauth/token': { POST: token },
};

const installationAction = /^\/console\/installations\/(ins_[0-9a-z]{20})\/(grant|uninstall)$/;

export function isWebPath(pathname: string): boolean {
  return pathname === '/console' || pathname.startsWith('/console/') || pathname.startsWith('/oauth/');
}

export interface WebApp {
  handle(request: Request, serverContext: unknown, url: URL): Promise<Response>;
  close(): Promise<void>;
}

export interface WebOptions {
  prisma: PrismaClient;
  accounts?: AccountsOverrides;
  logger?: Logger;
  /** Where sign-in failures are counted: the API rate limits' Redis when there is one. */
  throttleStore?: ThrottleStore;
}

/** The clinic console and the OAuth install flow: server-rendered pages over the marketplace service. */
export function createWebApp(options: WebOptions): WebApp {
  const config = accountsConfig(options.accounts);
  const context: WebContext = {
    prisma: options.prisma,
    config,
    throttle: createSignInThrottle(config.signIn, options.throttleStore),
    oauth: new OAuth2Server({
      model: oauthModel(options.prisma) as unknown as OAuth2Server.AuthorizationCodeModel,
      authorizationCodeLifetime: config.authorizationCodeTtlSeconds,
      allowEmptyState: false,
      allowExtendedTokenAttributes: true,
      requireClientAuthentication: { authorization_code: true },
    }),
  };

  async function route(web: WebRequest): Promise<Response> {
    const { pathname } = web.url;
    if (pathname === '/console/assets/style.css' && web.request.method === 'GET') {
      return new Response(stylesheet, {
        headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' },
      });
    }
    const action = installationAction.exec(pathname);
    if (action) {
      if (web.request.method !== 'POST') return errorPage(405, 'Not allowed', 'Use the buttons in the console.', { headers: { Allow: 'POST' } });
      return changeInstallation(web, context, action[1]!, action[2] as 'grant' | 'uninstall');
    }
    const methods = routes[pathname];
    if (!methods) return errorPage(404, 'Not found', 'There is no page at this address.');
    const handler = methods[web.request.method as 'GET' | 'POST'];
    if (!handler) return errorPage(405, 'Not allowed', `Use ${Object.keys(methods).join(' or ')} here.`, { headers: { Allow: Object.keys(methods).join(', ') } });
    return handler(web, context);
  }

  return {
    async handle(request, serverContext, url) {
      const web: WebRequest = { request, url, address: clientAddress(request, serverContext, config.trustProxy) };
      try {
        return await route(web);
      } catch (error) {
        if (error instanceof FormError) return errorPage(400, 'Form not accepted', error.message);
        options.logger?.error({ err: error, path: url.pathname }, 'console request failed');
        return errorPage(500, 'Something went wrong', 'Nothing was changed. Try again in a moment.');
      }
    },
    close: () => context.throttle.close(),
  };
}

/** Serves the console and the install flow from the yoga app, so in-process tests and the real server reach the same pages. */
export function useWebPages(web: WebApp): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (isWebPath(url.pathname)) endResponse(await web.handle(request, serverContext, url));
    },
    onResponse({ request, response }) {
      // Pages behind a session cookie are never readable cross-origin, whatever the API's CORS policy is.
      if (!isWebPath(new URL(request.url).pathname)) return;
      for (const name of [...response.headers.keys()]) if (name.startsWith('access-control-')) response.headers.delete(name);
    },
  };
}
