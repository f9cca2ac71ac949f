import { escapeHtml, html, trusted, type Html } from './html.js';

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, each ≥ 3:1 against white. */
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00', '#56147D', '#000000'];

export interface Series {
  name: string;
  values: number[];
}

function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((candidate) => candidate * 4 >= value) ?? 10 * magnitude;
  return step * 4;
}

/**
 * A stacked bar chart of records per day per app, drawn as inline SVG by the server: no script, no
 * external asset, a title and description for screen readers, and the same numbers as a table.
 */
export function recordsPerDayChart(options: { days: string[]; series: Series[]; title: string }): Html {
  const { days, series } = options;
  const width = 720;
  const height = 260;
  const left = 44;
  const right = 12;
  const top = 12;
  const bottom = 40;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max / 4) * tick;
    const ty = y(value).toFixed(1);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${ty}" y2="${ty}" stroke="#d5d9e2" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#3d4555">${Number.isInteger(value) ? value : value.toFixed(1)}</text>`);
  }
  days.forEach((day, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let base = 0;
    series.forEach((s, si) => {
      const value = s.values[i] ?? 0;
      if (value <= 0) return;
      const y0 = y(base);
      const y1 = y(base + value);
      base += value;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(1, y0 - y1).toFixed(1)}" fill="${palette[si % palette.length]}"><title>${escapeHtml(`${s.name}: ${value} on ${day}`)}</title></rect>`,
      );
    });
    // Every seventh day is labelled, and the last one unless it would overlap the label before it.
    if (i % 7 === 0 || (i === days.length - 1 && i % 7 >= 3)) {
      parts.push(`<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="#3d4555">${escapeHtml(day.slice(5))}</text>`);
    }
  });
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#4a5365" stroke-width="1"/>`);
  parts.push(`<text x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle" font-size="11" fill="#3d4555">Day (UTC, month-day)</text>`);
  const total = totals.reduce((a, b) => a + b, 0);
  const description = series.length
    ? `${total} records from ${days[0]} to ${days[days.length - 1]}: ${series.map((s) => `${s.name} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ')}.`
    : `No records from ${days[0]} to ${days[days.length - 1]}.`;
  const svg = trusted(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">` +
      `<title id="chart-title">${escapeHtml(options.title)}</title><desc id="chart-desc">${escapeHtml(description)}</desc>${parts.join('')}</svg>`,
  );
  const legend = series.map(
    (s, si) => html`<li>${trusted(`<svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${palette[si % palette.length]}"/></svg>`)}${s.name}</li>`,
  );
  const rows = days
    .map((day, i) => ({ day, values: series.map((s) => s.values[i] ?? 0), total: totals[i] ?? 0 }))
    .filter((row) => row.total > 0);
  return html`<figure class="chart-figure">${svg}
${series.length ? html`<ul class="legend" aria-label="Apps">${legend}</ul>` : html`<p class="muted">${description}</p>`}
<details><summary>The chart’s numbers as a table</summary><div class="table-wrap" tabindex="0" role="region" aria-label="${options.title}, as a table"><table><caption>${options.title}</caption>
<thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${rows.length ? rows.map((row) => html`<tr><th scope="row">${row.day}</th>${row.values.map((v) => html`<td>${v}</td>`)}</tr>`) : html`<tr><td colspan="${series.length + 1}">No records.</td></tr>`}</tbody></table></div></details></figure>`;
}
