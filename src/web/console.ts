import { listPhiAccess, phiAccessPerDay, scopeUsageReport } from '../audit/queries.js';
import { typeOfId } from '../ids.js';
import { MarketplaceError, uninstallApp, updateGrant } from '../marketplace/service.js';
import { canonicalScopes, patientDataScopes, scopeTable, type Scope } from '../scopes.js';
import { errorPage } from './accounts.js';
import { recordsPerDayChart } from './chart.js';
import { csrfValid, sessionFor, type Session, type WebContext, type WebRequest } from './context.js';
import { html, page, type Html } from './html.js';
import { htmlResponse, readForm, redirect } from './http.js';
import { signedInHeader } from './oauth.js';

const unusedWindowDays = 30;

function scopeLabel(id: string): Html {
  const entry = scopeTable.find((e) => e.id === id);
  const phi = patientDataScopes.has(id as Scope);
  return html`${entry?.title ?? id} <code>${id}</code>${phi ? html`<span class="tag phi">Patient data</span>` : null}`;
}

function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never';
}

const notices: Record<string, string> = {
  narrowed: 'The grant is narrowed. The app’s next request holds only the permissions left.',
  uninstalled: 'The app is uninstalled. Its next request is refused; its keys for this clinic are revoked.',
};

async function requireSession(web: WebRequest, context: WebContext): Promise<Session | Response> {
  const session = await sessionFor(context, web.request);
  if (session) return session;
  if (web.request.method === 'GET') return redirect(`/console/sign-in?next=${encodeURIComponent(web.url.pathname + web.url.search)}`);
  return errorPage(401, 'Signed out', 'Sign in to manage your clinic’s apps.');
}

export async function showConsole(web: WebRequest, context: WebContext): Promise<Response> {
  const session = await requireSession(web, context);
  if (session instanceof Response) return session;
  const organizationId = session.organization.id;
  const [report, states, perDay] = await Promise.all([
    scopeUsageReport(context.prisma, { organizationId, days: unusedWindowDays }),
    context.prisma.installationRecord.findMany({
      where: { organizationId, uninstalledAt: null },
      select: {
        id: true,
        lastRequestAt: true,
        events: { orderBy: { createdAt: 'desc' }, take: 1, select: { kind: true, createdAt: true, admin: { select: { name: true } } } },
      },
    }),
    phiAccessPerDay(context.prisma, { organizationId, days: 30 }),
  ]);
  const stateOf = new Map(states.map((state) => [state.id, state]));
  const notice = notices[web.url.searchParams.get('done') ?? ''];
  const cards = report.installations.map((installation) => {
    const state = stateOf.get(installation.installationId);
    const last = state?.events[0];
    const unused = new Set(installation.unused.map((u) => u.scope));
    const headingId = `app-${installation.installationId}`;
    return html`<section class="card" aria-labelledby="${headingId}" id="${installation.installationId}">
<h2 id="${headingId}">${installation.app.name} <code>${installation.app.slug}</code></h2>
<ul class="plain"><li>Installed ${when(installation.installedAt)}</li>
<li>Last request: ${when(state?.lastRequestAt)} <span class="muted">(recorded within seconds)</span></li>
${last ? html`<li>Last change: ${last.kind.replace('_', ' ')} ${when(last.createdAt)} by ${last.admin?.name ?? 'the command line'}</li>` : null}</ul>
<form method="post" action="/console/installations/${installation.installationId}/grant">
<input type="hidden" name="csrf" value="${session.csrfToken}">
<fieldset><legend>Granted permissions (uncheck to take one back)</legend>
${installation.grantedScopes.map(
  (scope) => html`<div class="scope"><input type="checkbox" id="${installation.installationId}-${scope}" name="scope" value="${scope}" checked>
<label for="${installation.installationId}-${scope}">${scopeLabel(scope)}</label>
<p class="desc">${unused.has(scope) ? html`<strong>Not used in the last ${unusedWindowDays} days.</strong>` : 'Used in the last 30 days.'}</p></div>`,
)}
</fieldset>
<div class="actions"><button type="submit">Save narrower grant</button></div></form>
<form method="post" action="/console/installations/${installation.installationId}/uninstall">
<input type="hidden" name="csrf" value="${session.csrfToken}">
<div class="actions"><button class="danger" type="submit">Uninstall ${installation.app.name}</button></div></form>
</section>`;
  });
  const body = html`<h1>Apps in ${session.organization.name}</h1>
${notice ? html`<p class="ok" role="status">${notice}</p>` : null}
${cards.length ? cards : html`<p class="card">No app is installed. Apps ask for access with an install link; you approve it here.</p>`}
<section class="card" aria-labelledby="chart-heading"><h2 id="chart-heading">Patient-data access, last 30 days</h2>
${recordsPerDayChart({ days: perDay.days, series: perDay.apps.map((app) => ({ name: app.name, values: app.records })), title: 'PHI access records per day per app' })}
<p><a href="/console/access">Open the PHI access record</a> to see which app read which patient’s data.</p></section>`;
  return htmlResponse(page({ title: 'Console', body, signedIn: signedInHeader(session) }));
}

async function installationOfClinic(context: WebContext, session: Session, id: string) {
  // Another clinic's installation is not found, exactly like one that does not exist.
  return context.prisma.installationRecord.findFirst({
    where: { id, organizationId: session.organization.id, uninstalledAt: null },
    include: { app: { select: { slug: true, name: true } } },
  });
}

export async function changeInstallation(web: WebRequest, context: WebContext, id: string, action: 'grant' | 'uninstall'): Promise<Response> {
  const session = await requireSession(web, context);
  if (session instanceof Response) return session;
  const form = await readForm(web.request);
  if (!csrfValid(session.csrfSecret, form)) {
    return errorPage(403, 'Form expired', 'This form is missing its security token or it expired. Go back, reload the page and try again.');
  }
  const installation = await installationOfClinic(context, session, id);
  if (!installation) return errorPage(404, 'Not found', 'No installed app of your clinic has this id. Reload the console.');
  const target = { slug: installation.app.slug, organizationId: session.organization.id, adminId: session.admin.id };
  if (action === 'uninstall') {
    await uninstallApp(context.prisma, target);
    return redirect('/console?done=uninstalled');
  }
  const kept = [...new Set(form.getAll('scope'))];
  const granted = new Set(canonicalScopes(installation.grantedScopes));
  const widened = kept.filter((scope) => !granted.has(scope as never) && !installation.grantedScopes.includes(scope));
  if (kept.length === 0) return errorPage(400, 'Nothing left', 'To take back every permission, uninstall the app instead.');
  if (widened.length > 0) {
    return errorPage(400, 'Only narrowing here', `The console only takes permissions back. ${installation.app.name} asks for more with its install link.`);
  }
  try {
    await updateGrant(context.prisma, { ...target, grant: kept });
  } catch (error) {
    if (error instanceof MarketplaceError) return errorPage(400, 'Not changed', error.message);
    throw error;
  }
  return redirect(`/console?done=narrowed#${installation.id}`);
}

const dateInput = /^\d{4}-\d{2}-\d{2}$/;

export async function showAccessRecord(web: WebRequest, context: WebContext): Promise<Response> {
  const session = await requireSession(web, context);
  if (session instanceof Response) return session;
  const organizationId = session.organization.id;
  const params = web.url.searchParams;
  const filters = {
    app: params.get('app')?.trim().slice(0, 60) || '',
    patient: params.get('patient')?.trim().slice(0, 40) || '',
    from: params.get('from')?.trim().slice(0, 10) || '',
    to: params.get('to')?.trim().slice(0, 10) || '',
  };
  const apps = await context.prisma.app.findMany({
    where: { installations: { some: { organizationId } } },
    select: { slug: true, name: true },
    orderBy: { name: 'asc' },
  });
  const problems: string[] = [];
  if (filters.app && !apps.some((app) => app.slug === filters.app)) problems.push('Choose an app from the list.');
  if (filters.patient && typeOfId(filters.patient) !== 'Patient') problems.push('A patient id looks like pat_ followed by 20 letters and digits.');
  for (const [name, value] of [['From', filters.from], ['To', filters.to]] as const) {
    if (value && (!dateInput.test(value) || Number.isNaN(Date.parse(value)))) problems.push(`${name} must be a date (YYYY-MM-DD).`);
  }
  let records: Awaited<ReturnType<typeof listPhiAccess>>['records'] = [];
  if (problems.length === 0) {
    const before = filters.to ? new Date(Date.parse(`${filters.to}T00:00:00.000Z`) + 86_400_000).toISOString() : undefined;
    try {
      records = (
        await listPhiAccess(context.prisma, {
          organizationId,
          app: filters.app || undefined,
          patient: filters.patient || undefined,
          since: filters.from || undefined,
          before,
          limit: 200,
        })
      ).records;
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      problems.push(error.message);
    }
  }
  const body = html`<h1>PHI access record</h1>
<p>Every request that returned patient data: which app, with which key, which patients and which fields. Newest first, at most 200.</p>
<form class="card filters" method="get" action="/console/access" role="search" aria-label="Filter the record">
<div><label for="f-app">App</label><select id="f-app" name="app"><option value="">All apps</option>
${apps.map((app) => html`<option value="${app.slug}"${app.slug === filters.app ? html` selected` : null}>${app.name}</option>`)}</select></div>
<div><label for="f-patient">Patient id</label><input id="f-patient" name="patient" type="text" inputmode="latin" placeholder="pat_…" value="${filters.patient}"></div>
<div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${filters.from}"></div>
<div><label for="f-to">To (inclusive)</label><input id="f-to" name="to" type="date" value="${filters.to}"></div>
<div><button type="submit">Filter</button></div></form>
${problems.length ? html`<div class="error" role="alert"><ul class="plain">${problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : null}
<div class="card table-wrap" tabindex="0" role="region" aria-label="Access records (scrolls sideways on narrow screens)"><table><caption>${records.length} record${records.length === 1 ? '' : 's'}</caption>
<thead><tr><th scope="col">When</th><th scope="col">App</th><th scope="col">Key</th><th scope="col">Operation</th><th scope="col">Patients</th><th scope="col">Fields</th></tr></thead>
<tbody>${records.map(
  (record) => html`<tr><td>${when(record.at)}</td><td>${record.app}</td><td><code>${record.key}</code></td><td>${record.operationName ?? '(anonymous)'}</td>
<td>${record.patientIds.map((id) => html`<code>${id}</code> `)}</td><td>${record.fieldPaths.slice(0, 12).map((path) => html`<code>${path}</code> `)}${record.fieldPaths.length > 12 ? ` and ${record.fieldPaths.length - 12} more` : ''}</td></tr>`,
)}</tbody></table></div>
<p><a href="/console">Back to the apps</a></p>`;
  return htmlResponse(page({ title: 'PHI access record', body, signedIn: signedInHeader(session) }), problems.length ? 400 : 200);
}
