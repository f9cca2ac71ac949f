import { demoOAuthApp } from './seed.js';

/** What a person needs to try the demo, printed once at start. */
export interface DemoBanner {
  /** The server's origin (http://localhost:4000). */
  base: string;
  /** The demo app's key (public: demo data only). */
  secret: string;
  organizations: readonly { id: string; name: string }[];
  /** Demo clinic admins for the console, with their public demo passwords. */
  admins?: readonly { organizationId: string; email: string; password: string }[];
  /** The demo app registered for the OAuth install flow. */
  oauthAppId?: string;
}

export function demoBannerText({ base, secret, organizations, admins = [], oauthAppId }: DemoBanner): string {
  const lines = [
    '',
    `clinicgraph is ready: open ${base}/graphql (GraphiQL, demo headers filled in).`,
    'Demo app key (demo data only; never created when NODE_ENV=production). Paste into GraphiQL or curl:',
    `Authorization: Bearer ${secret}`,
    ...organizations.map((organization) => `X-Organization-Id: ${organization.id}   # ${organization.name}`),
  ];
  if (admins.length) {
    lines.push('', `Demo clinic admins (demo data only; never created when NODE_ENV=production). Sign in at ${base}/console:`);
    for (const admin of admins) {
      const clinic = organizations.find((organization) => organization.id === admin.organizationId)?.name ?? admin.organizationId;
      lines.push(`${admin.email}  password: ${admin.password}   # ${clinic}`);
    }
  }
  if (oauthAppId) {
    lines.push(
      `Demo OAuth app "${demoOAuthApp.slug}": client_id ${oauthAppId}, client_secret ${demoOAuthApp.clientSecret}, redirect_uri ${demoOAuthApp.redirectUris[0]}`,
    );
  }
  return [...lines, ''].join('\n');
}

/**
 * The banner is for a person at a terminal: it goes to stderr, so stdout carries only JSON log lines
 * that a log shipper can parse.
 */
export function printDemoBanner(banner: DemoBanner, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(`${demoBannerText(banner)}\n`);
}
