import OAuth2Server from '@node-oauth/oauth2-server';
import { clientSecretPattern } from '../marketplace/service.js';
import type { ConsentingAdmin } from '../oauth/model.js';
import { patientDataScopes, scopeTable, type Scope } from '../scopes.js';
import { errorPage } from './accounts.js';
import { csrfValid, sessionFor, type Session, type WebContext, type WebRequest } from './context.js';
import { html, page } from './html.js';
import { htmlResponse, readForm, redirect } from './http.js';

/** The authorization request's parameters, carried from the consent page's URL into its form. */
const protocolParameters = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
type Parameters = Record<(typeof protocolParameters)[number], string | null>;

function parametersOf(source: URLSearchParams): Parameters {
  return Object.fromEntries(protocolParameters.map((name) => [name, source.get(name)?.slice(0, 2000) ?? null])) as Parameters;
}

function scopeEntry(id: string) {
  return scopeTable.find((entry) => entry.id === id);
}

function exposesPatientData(id: string): boolean {
  return patientDataScopes.has(id as Scope);
}

/** Back to the app with an OAuth error (RFC 6749 §4.1.2.1): only once the redirect URI is known to be the app's. */
function errorRedirect(redirectUri: string, error: string, description: string, state: string | null): Response {
  const target = new URL(redirectUri);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  if (state) target.searchParams.set('state', state);
  return redirect(target.toString());
}

interface Checked {
  app: { id: string; slug: string; name: string; declaredScopes: string[]; optionalScopes: string[] };
  redirectUri: string;
  requested: string[];
}

/**
 * What must hold before a person is shown a consent page. The library checks all of it again when
 * the decision is posted; this only decides whether there is anything to consent to, and where a
 * refusal may go: an unknown client or a redirect URI that is not registered character for character
 * is answered here, never redirected.
 */
async function checkRequest(context: WebContext, parameters: Parameters): Promise<Checked | Response> {
  const clientId = parameters.client_id;
  const app = clientId ? await context.prisma.app.findUnique({ where: { id: clientId } }) : null;
  if (!app || app.redirectUris.length === 0 || !app.clientSecretHash) {
    return errorPage(400, 'Unknown app', 'This install link names no app registered for the install flow (client_id). Tell the app’s developer.');
  }
  const redirectUri = parameters.redirect_uri;
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return errorPage(
      400,
      'Install link not valid',
      `This install link sends you to an address that ${app.name} did not register (redirect_uri). Nothing was installed. Tell the app’s developer.`,
    );
  }
  const state = parameters.state;
  if (parameters.response_type !== 'code') return errorRedirect(redirectUri, 'unsupported_response_type', 'response_type must be code.', state);
  if (!state) return errorRedirect(redirectUri, 'invalid_request', 'Missing parameter: state.', null);
  if (!parameters.code_challenge) {
    return errorRedirect(redirectUri, 'invalid_request', 'Missing parameter: code_challenge (PKCE with S256 is required).', state);
  }
  if (parameters.code_challenge_method !== 'S256') {
    return errorRedirect(redirectUri, 'invalid_request', 'code_challenge_method must be S256.', state);
  }
  const requested = parameters.scope ? [...new Set(parameters.scope.split(' ').filter(Boolean))] : app.declaredScopes;
  const undeclared = requested.filter((scope) => !app.declaredScopes.includes(scope));
  if (undeclared.length > 0 || requested.length === 0) {
    return errorRedirect(redirectUri, 'invalid_scope', `The app does not declare: ${undeclared.join(', ') || '(no scope requested)'}.`, state);
  }
  return { app, redirectUri, requested };
}

function signInFirst(url: URL): Response {
  return redirect(`/console/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
}

async function consentPage(
  context: WebContext,
  options: { session: Session; checked: Checked; parameters: Parameters; error?: string; status?: number },
): Promise<Response> {
  const { session, checked, parameters } = options;
  const installation = await context.prisma.installationRecord.findUnique({
    where: { appId_organizationId: { appId: checked.app.id, organizationId: session.organization.id } },
  });
  const granted = installation && !installation.uninstalledAt ? installation.grantedScopes : [];
  const patientScopes = checked.requested.filter(exposesPatientData);
  const scopes = checked.requested.map((id) => {
    const entry = scopeEntry(id);
    const optional = checked.app.optionalScopes.includes(id);
    const checkedByDefault = installation && !installation.uninstalledAt ? granted.includes(id) || !optional : !optional;
    const describedBy = `scope-${id.replace(/\W/g, '-')}-desc`;
    return html`<div class="scope"><input type="checkbox" id="scope-${id}" name="scope" value="${id}"${checkedByDefault ? html` checked` : null} aria-describedby="${describedBy}">
<label for="scope-${id}">${entry?.title ?? id} <code>${id}</code>${exposesPatientData(id) ? html`<span class="tag phi">Patient data</span>` : null}${optional ? html`<span class="tag optional">Optional</span>` : null}</label>
<p class="desc" id="${describedBy}">${entry?.description ?? ''}${granted.includes(id) ? ' Granted already.' : ''}</p></div>`;
  });
  const hidden = protocolParameters
    .filter((name) => name !== 'scope')
    .map((name) => html`<input type="hidden" name="${name}" value="${parameters[name] ?? ''}">`);
  const body = html`<div class="card"><h1>Allow ${checked.app.name} to read ${session.organization.name}’s data?</h1>
<p>${checked.app.name} (<code>${checked.app.slug}</code>) asks for the access below. It will be able to read what you allow, in this clinic only, until you narrow or remove it in the <a href="/console">console</a>.
After you decide you go to <code>${new URL(checked.redirectUri).origin}</code>.</p>
${patientScopes.length ? html`<p class="notice"><strong>Patient data:</strong> ${patientScopes.length === 1 ? 'one permission' : `${patientScopes.length} permissions`} marked “Patient data” let the app read protected health information. Every such read is recorded in the console’s access record.</p>` : null}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : null}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="csrf" value="${session.csrfToken}"><input type="hidden" name="requested" value="${checked.requested.join(' ')}">
${hidden}
<fieldset><legend>Permissions ${checked.app.name} asks for</legend>${scopes}</fieldset>
<div class="actions"><button type="submit" name="decision" value="approve">Approve selected</button><button class="secondary" type="submit" name="decision" value="deny">Deny</button></div>
</form></div>`;
  return htmlResponse(page({ title: `Install ${checked.app.name}`, body, signedIn: signedInHeader(session) }), options.status ?? 200, {
    security: { formTargets: [new URL(checked.redirectUri).origin] },
  });
}

export function signedInHeader(session: Session) {
  return { name: session.admin.name, email: session.admin.email, organization: session.organization.name, csrfToken: session.csrfToken };
}

export async function showAuthorize(web: WebRequest, context: WebContext): Promise<Response> {
  const parameters = parametersOf(web.url.searchParams);
  const checked = await checkRequest(context, parameters);
  if (checked instanceof Response) return checked;
  const session = await sessionFor(context, web.request);
  if (!session) return signInFirst(web.url);
  return consentPage(context, { session, checked, parameters });
}

/** Adapts a decision to the library: it re-checks the request, and redirects with a code or with access_denied. */
export async function decideAuthorize(web: WebRequest, context: WebContext): Promise<Response> {
  const form = await readForm(web.request);
  const session = await sessionFor(context, web.request);
  if (!session) return errorPage(401, 'Signed out', 'Your session ended before you decided. Open the app’s install link again.');
  if (!csrfValid(session.csrfSecret, form)) {
    return errorPage(403, 'Form expired', 'This form is missing its security token or it expired. Open the app’s install link again.');
  }
  const requestedText = form.get('requested') ?? '';
  const parameters = { ...parametersOf(form), scope: requestedText };
  const checked = await checkRequest(context, parameters);
  if (checked instanceof Response) return checked;
  const deny = form.get('decision') === 'deny';
  const approved = [...new Set(form.getAll('scope'))];
  const unrequested = approved.filter((scope) => !checked.requested.includes(scope));
  if (!deny && (approved.length === 0 || unrequested.length > 0)) {
    return consentPage(context, {
      session,
      checked,
      parameters,
      status: 400,
      error: approved.length === 0 ? 'Select at least one permission to approve, or choose Deny.' : 'Approve only permissions the app asked for.',
    });
  }
  const user: ConsentingAdmin = {
    adminId: session.admin.id,
    email: session.admin.email,
    organizationId: session.organization.id,
    requestedScopes: checked.requested,
  };
  const request = new OAuth2Server.Request({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    query: {},
    body: { ...Object.fromEntries(protocolParameters.map((name) => [name, parameters[name] ?? undefined])), scope: approved.join(' '), allowed: deny ? 'false' : 'true' },
  });
  const response = new OAuth2Server.Response();
  try {
    await context.oauth.authorize(request, response, { authenticateHandler: { handle: () => user } });
  } catch (error) {
    const location = response.get('location') as string | undefined;
    if (!location) {
      return errorPage(400, 'Install link not valid', error instanceof Error ? error.message : 'The install request is not valid.');
    }
  }
  const location = response.get('location') as string | undefined;
  if (!location) return errorPage(500, 'Something went wrong', 'Nothing was decided. Open the app’s install link again.');
  return redirect(location);
}

function tokenError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
  });
}

/** RFC 6749 §3.2 token endpoint, answered by the library; clients authenticate with their secret (Basic or form). */
export async function token(web: WebRequest, context: WebContext): Promise<Response> {
  let form: URLSearchParams;
  try {
    form = await readForm(web.request);
  } catch (error) {
    return tokenError(400, 'invalid_request', (error as Error).message);
  }
  const forwarded: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(form.toString().length),
  };
  const authorization = web.request.headers.get('authorization');
  if (authorization) forwarded.authorization = authorization;
  const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : null;
  const secret = basic ? basic.slice(basic.indexOf(':') + 1) : form.get('client_secret');
  // Every registered app is a confidential client: PKCE adds to its secret, never replaces it.
  if (!secret || !clientSecretPattern.test(secret)) {
    return tokenError(401, 'invalid_client', 'Send the client secret (cgs_…) with HTTP Basic or as client_secret.', {
      'WWW-Authenticate': 'Basic realm="clinicgraph"',
    });
  }
  const request = new OAuth2Server.Request({ method: 'POST', headers: forwarded, query: {}, body: Object.fromEntries(form) });
  const response = new OAuth2Server.Response();
  try {
    await context.oauth.token(request, response);
  } catch {
    // The library wrote the OAuth error into the response.
  }
  const status = response.status ?? 200;
  const body = response.body as Record<string, unknown>;
  if (status >= 500) return tokenError(500, 'server_error', 'The token could not be issued. Try the install again.');
  const headers = new Headers(response.headers as Record<string, string>);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Cache-Control', 'no-store');
  headers.set('Pragma', 'no-cache');
  return new Response(JSON.stringify(body), { status, headers });
}
