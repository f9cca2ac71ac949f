import { adminForSignIn, createSession, normalizeEmail, passwordLinkAdmin, revokeSession, setPasswordWithLink } from '../accounts/service.js';
import { hashPassword, maxPasswordLength, minPasswordLength, passwordProblem, verifyPassword } from '../accounts/passwords.js';
import { csrfValid, sessionFor, type WebContext, type WebRequest } from './context.js';
import { html, page, type Html } from './html.js';
import { cookie, cookiesOf, csrfTokens, htmlResponse, preSessionCookie, readForm, redirect, safeNext, sessionCookie } from './http.js';

/** The CSRF secret of forms shown before sign-in, from its cookie, or a new one with the cookie that carries it. */
function preSession(web: WebRequest, context: WebContext): { secret: string; cookies: string[] } {
  const existing = cookiesOf(web.request)[preSessionCookie];
  if (existing && existing.length < 100) return { secret: existing, cookies: [] };
  const secret = csrfTokens.secretSync();
  return {
    secret,
    cookies: [cookie(preSessionCookie, secret, { request: web.request, config: context.config, maxAgeSeconds: 3600, sameSite: 'strict' })],
  };
}

export function errorPage(status: number, title: string, message: Html | string, extra: { cookies?: string[]; headers?: Record<string, string> } = {}): Response {
  const response = htmlResponse(
    page({ title, body: html`<div class="card narrow"><h1>${title}</h1><p role="alert">${message}</p><p><a href="/console">Go to the console</a></p></div>` }),
    status,
    { cookies: extra.cookies },
  );
  for (const [name, value] of Object.entries(extra.headers ?? {})) response.headers.set(name, value);
  return response;
}

const notices: Record<string, string> = {
  signed_out: 'You are signed out.',
  password_set: 'Your password is set. Sign in with it.',
  expired: 'Your session ended. Sign in again.',
};

function signInPage(options: { csrf: string; next: string; email?: string; error?: string; notice?: string }): string {
  return page({
    title: 'Sign in',
    body: html`<div class="card narrow"><h1>Sign in to your clinic</h1>
${options.notice ? html`<p class="ok" role="status">${options.notice}</p>` : null}
${options.error ? html`<p class="error" role="alert" id="sign-in-error">${options.error}</p>` : null}
<form method="post" action="/console/sign-in">
<input type="hidden" name="csrf" value="${options.csrf}"><input type="hidden" name="next" value="${options.next}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${options.email ?? ''}"${options.error ? html` aria-describedby="sign-in-error"` : null}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="${maxPasswordLength}">
<div class="actions"><button type="submit">Sign in</button></div>
</form>
<p class="muted">No account or forgot your password? Ask whoever runs clinicgraph for your clinic to send you a set-password link.</p></div>`,
  });
}

export async function showSignIn(web: WebRequest, context: WebContext): Promise<Response> {
  const next = safeNext(web.url.searchParams.get('next'));
  if (await sessionFor(context, web.request)) return redirect(next);
  const { secret, cookies } = preSession(web, context);
  const notice = notices[web.url.searchParams.get('notice') ?? ''];
  return htmlResponse(signInPage({ csrf: csrfTokens.create(secret), next, notice }), 200, { cookies });
}

export async function signIn(web: WebRequest, context: WebContext): Promise<Response> {
  const form = await readForm(web.request);
  const next = safeNext(form.get('next'));
  const { secret, cookies } = preSession(web, context);
  if (!csrfValid(cookiesOf(web.request)[preSessionCookie], form)) {
    return htmlResponse(signInPage({ csrf: csrfTokens.create(secret), next, error: 'The form expired. Sign in again.' }), 403, { cookies });
  }
  const email = normalizeEmail(form.get('email') ?? '').slice(0, 254);
  const password = (form.get('password') ?? '').slice(0, maxPasswordLength + 1);
  const retryAfter = await context.throttle.retryAfter(email, web.address);
  if (retryAfter > 0) {
    const minutes = Math.ceil(retryAfter / 60);
    const response = htmlResponse(
      signInPage({ csrf: csrfTokens.create(secret), next, email, error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` }),
      429,
      { cookies },
    );
    response.headers.set('Retry-After', String(retryAfter));
    return response;
  }
  const admin = email ? await adminForSignIn(context.prisma, email) : null;
  const valid = await verifyPassword(admin && !admin.disabledAt ? admin.passwordHash : null, password, context.config.argon2);
  if (!admin || !valid) {
    await context.throttle.failed(email, web.address);
    return htmlResponse(signInPage({ csrf: csrfTokens.create(secret), next, email, error: 'That email and password do not match an account.' }), 401, { cookies });
  }
  await context.throttle.succeeded(email);
  // A new session and a new CSRF secret: nothing from before sign-in carries over (no session fixation).
  const session = await createSession(context.prisma, { adminId: admin.id, csrfSecret: csrfTokens.secretSync(), ttlMs: context.config.session.ttlMs });
  return redirect(next, {
    cookies: [
      cookie(sessionCookie, session.token, { request: web.request, config: context.config, maxAgeSeconds: Math.floor(context.config.session.ttlMs / 1000) }),
      cookie(preSessionCookie, '', { request: web.request, config: context.config, maxAgeSeconds: 0, sameSite: 'strict' }),
    ],
  });
}

export async function signOut(web: WebRequest, context: WebContext): Promise<Response> {
  const form = await readForm(web.request);
  const session = await sessionFor(context, web.request);
  if (!session) return redirect('/console/sign-in');
  if (!csrfValid(session.csrfSecret, form)) return errorPage(403, 'Form expired', 'This form is missing its security token or it expired. Go back, reload the page and try again.');
  await revokeSession(context.prisma, session.sessionId);
  return redirect('/console/sign-in?notice=signed_out', {
    cookies: [cookie(sessionCookie, '', { request: web.request, config: context.config, maxAgeSeconds: 0 })],
  });
}

function setPasswordPage(options: { csrf: string; token: string; email: string; name: string; error?: string }): string {
  return page({
    title: 'Set your password',
    body: html`<div class="card narrow"><h1>Set your password</h1>
<p>Hello ${options.name}. Choose the password you will sign in with as <strong>${options.email}</strong>.</p>
${options.error ? html`<p class="error" role="alert" id="password-error">${options.error}</p>` : null}
<form method="post" action="/console/set-password">
<input type="hidden" name="csrf" value="${options.csrf}"><input type="hidden" name="token" value="${options.token}">
<input type="hidden" name="username" autocomplete="username" value="${options.email}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" maxlength="${maxPasswordLength}" aria-describedby="password-help${options.error ? ' password-error' : ''}">
<p id="password-help" class="muted">At least ${minPasswordLength} characters. A passphrase of several words is easy to type and hard to guess.</p>
<label for="confirmation">Type it again</label>
<input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required minlength="${minPasswordLength}" maxlength="${maxPasswordLength}">
<div class="actions"><button type="submit">Set password</button></div>
</form></div>`,
  });
}

const linkUnusable = 'This set-password link was used already, has expired, or is not one we issued. Ask for a new link.';

export async function showSetPassword(web: WebRequest, context: WebContext): Promise<Response> {
  const token = web.url.searchParams.get('token') ?? '';
  const admin = token.length <= 100 ? await passwordLinkAdmin(context.prisma, token) : null;
  if (!admin) return errorPage(404, 'Link not valid', linkUnusable);
  const { secret, cookies } = preSession(web, context);
  return htmlResponse(setPasswordPage({ csrf: csrfTokens.create(secret), token, email: admin.email, name: admin.name }), 200, { cookies });
}

export async function setPassword(web: WebRequest, context: WebContext): Promise<Response> {
  const form = await readForm(web.request);
  const token = (form.get('token') ?? '').slice(0, 100);
  const admin = await passwordLinkAdmin(context.prisma, token);
  if (!admin) return errorPage(404, 'Link not valid', linkUnusable);
  const { secret, cookies } = preSession(web, context);
  const again = (error: string, status: number) =>
    htmlResponse(setPasswordPage({ csrf: csrfTokens.create(secret), token, email: admin.email, name: admin.name, error }), status, { cookies });
  if (!csrfValid(cookiesOf(web.request)[preSessionCookie], form)) return again('The form expired. Type your new password again.', 403);
  const password = form.get('password') ?? '';
  const problem = passwordProblem(password, form.get('confirmation') ?? '');
  if (problem) return again(problem, 400);
  const stored = await setPasswordWithLink(context.prisma, token, await hashPassword(password, context.config.argon2));
  if (!stored) return errorPage(404, 'Link not valid', linkUnusable);
  return redirect('/console/sign-in?notice=password_set');
}
