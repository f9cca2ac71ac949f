/**
 * Server-rendered pages: a tagged template that escapes every interpolated value unless it is markup
 * this module produced. No client script anywhere, so the Content-Security-Policy allows none.
 */
const brand = Symbol('html');

export interface Html {
  readonly [brand]: true;
  readonly text: string;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => escapes[c]!);
}

function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && brand in value;
}

export type Interpolated = Html | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isHtml(value)) return value.text;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return { [brand]: true, text };
}

/** Markup built elsewhere in this module (the SVG chart): never pass text that came from a request. */
export function trusted(text: string): Html {
  return { [brand]: true, text };
}

export const stylesheet = `
:root { color-scheme: light; --ink: #1a1f2b; --muted: #4a5365; --line: #c9cfdb; --accent: #0b5cad; --accent-ink: #fff;
  --danger: #a4161a; --warn-bg: #fff4d6; --warn-ink: #5c3d00; --bg: #f6f7f9; --card: #fff; }
* { box-sizing: border-box; }
html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; z-index: 1; }
header.top { background: var(--card); border-bottom: 1px solid var(--line); padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; }
header.top .who { color: var(--muted); font-size: .9rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.narrow { max-width: 32rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=email], input[type=password], input[type=text], input[type=date], select {
  width: 100%; max-width: 100%; font: inherit; padding: .55rem .6rem; border: 1px solid #6b7385; border-radius: .35rem; background: #fff; color: var(--ink); }
button, .button { font: inherit; font-weight: 600; padding: .6rem 1.1rem; border-radius: .35rem; border: 2px solid var(--accent); background: var(--accent); color: var(--accent-ink); cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1.25rem; }
fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: 1rem 0; padding: .5rem 1rem 1rem; }
legend { font-weight: 700; padding: 0 .25rem; }
.scope { display: grid; grid-template-columns: auto 1fr; gap: .25rem .75rem; align-items: start; padding: .6rem 0; border-top: 1px solid #e4e7ee; }
.scope:first-of-type { border-top: 0; }
.scope input { width: 1.25rem; height: 1.25rem; margin: .2rem 0 0; }
.scope label { margin: 0; }
.scope .desc { grid-column: 2; color: var(--muted); margin: 0; }
.tag { display: inline-block; font-size: .8rem; font-weight: 700; border-radius: 1rem; padding: 0 .55rem; margin-left: .4rem; vertical-align: middle; }
.tag.phi { background: var(--warn-bg); color: var(--warn-ink); border: 1px solid #d9a400; }
.tag.optional { background: #e8eefb; color: #173f7a; }
.notice { background: var(--warn-bg); color: var(--warn-ink); border: 1px solid #d9a400; border-radius: .4rem; padding: .6rem .8rem; }
.error { background: #fde8e8; color: #7a0e12; border: 1px solid var(--danger); border-radius: .4rem; padding: .6rem .8rem; }
.ok { background: #e6f4ea; color: #0f4a22; border: 1px solid #2e7d32; border-radius: .4rem; padding: .6rem .8rem; }
.muted { color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid #e4e7ee; vertical-align: top; }
th { background: #eef1f6; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0 1rem; align-items: end; }
.filters button { margin-top: .75rem; }
.chart { width: 100%; height: auto; max-width: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; list-style: none; margin: .5rem 0 0; }
.legend svg { vertical-align: middle; margin-right: .3rem; }
ul.plain { padding-left: 1.2rem; margin: .25rem 0; }
@media (max-width: 36rem) { main { padding: .5rem; } .card { padding: .75rem; } th, td { padding: .35rem .3rem; } }
`;

export interface PageOptions {
  title: string;
  body: Html;
  /** Signed-in admin, for the header and its sign-out form. */
  signedIn?: { name: string; email: string; organization: string; csrfToken: string };
}

export function page({ title, body, signedIn }: PageOptions): string {
  const header = signedIn
    ? html`<header class="top"><strong>clinicgraph · ${signedIn.organization}</strong>
<span class="who">${signedIn.name} (${signedIn.email})</span>
<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${signedIn.csrfToken}"><button class="secondary" type="submit">Sign out</button></form></header>`
    : html`<header class="top"><strong>clinicgraph</strong></header>`;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · clinicgraph</title><link rel="stylesheet" href="/console/assets/style.css"></head>
<body><a class="skip" href="#main">Skip to content</a>${header}<main id="main">${body}</main></body></html>`.text}`;
}
