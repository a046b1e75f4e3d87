// Victim-count estimates: those recorded beside the claims (per site, per governorate, for the
// whole registry) with their intervals and warnings, and a new estimation run with the methods
// compared side by side, per site or governorate.
import { all, get, post } from './api';
import { intervalChart, IntervalRow } from './chart';
import { clear, h } from './dom';
import { date, lang, num, t } from './i18n';
import { followJob } from './jobs';
import { mayRunAnalyses } from './state';
import { problem, section, table } from './ui';

interface Recorded {
  subject: string;
  method: string;
  documented: number;
  estimate: number;
  interval: [number, number];
  created_at: string;
  warnings?: string[];
}

const interval = (i: [number, number]) => `${num(i[0])} – ${num(i[1])}`;

function warningsOf(list?: string[]): HTMLElement | null {
  return list?.length ? h('ul', { class: 'warnings' }, list.map((w) => h('li', {}, w))) : null;
}

export function recordedTable(rows: Recorded[], name: (subject: string) => string): HTMLElement {
  return table(
    [t('subject'), t('method'), t('documented'), t('estimate'), t('interval'), t('at')],
    rows.map((e) => [name(e.subject), e.method, num(e.documented), h('strong', {}, num(e.estimate)), interval(e.interval), date(e.created_at)]),
  );
}

export function recordedChart(rows: Recorded[], name: (subject: string) => string, claims: Record<string, number[]> = {}): SVGElement {
  const chartRows: IntervalRow[] = rows.map((e) => ({
    label: `${name(e.subject)} · ${e.method.replace(/\s*\[.*$/, '')}`,
    estimate: e.estimate,
    low: e.interval[0],
    high: e.interval[1],
    documented: e.documented,
    claims: claims[e.subject],
  }));
  return intervalChart(chartRows, t('estimates'));
}

export async function estimatesPage(main: HTMLElement): Promise<void> {
  const summary = await get('/api/summary');
  const governorates = (await get('/api/fields')).governorates as { code: string; name_en: string; name_ar: string }[];
  const names: Record<string, string> = { '': t('whole_registry'), all: t('whole_registry') };
  for (const g of governorates) names[g.code] = lang() === 'ar' ? g.name_ar : g.name_en;
  const claims: Record<string, number[]> = {};
  const recorded: Recorded[] = [...(summary.estimates ?? [])];
  for (const site of summary.sites ?? []) {
    names[site.id] = (lang() === 'ar' ? site.name_ar || site.name_lat : site.name_lat || site.name_ar) || site.id;
    claims[site.id] = (site.claims ?? []).filter((c: any) => c.topic === 'body_count' && c.figure).map((c: any) => Number(c.figure));
    recorded.push(...(site.estimates ?? []));
  }
  const name = (subject: string) => names[subject] ?? subject;
  const recordedBox = recorded.length
    ? h('div', {}, recordedChart(recorded, name, claims), h('p', { class: 'muted legend-line' }, t('chart_legend')), recordedTable(recorded, name))
    : h('p', { class: 'muted' }, t('none'));
  const run = h('div', { id: 'estimate-run' });
  clear(main, h('h1', {}, t('estimates')), section(t('recorded_estimates'), recordedBox), mayRunAnalyses() ? section(t('run_estimate'), runForm(run, name)) : null, run);
}

function runForm(out: HTMLElement, name: (s: string) => string): HTMLElement {
  const by = h('select', { id: 'estimate-by' }, h('option', { value: 'governorate' }, t('governorate')), h('option', { value: 'site' }, t('site')), h('option', { value: '' }, t('whole_registry'))) as HTMLSelectElement;
  const compare = h('input', { type: 'checkbox', id: 'estimate-compare' }) as HTMLInputElement;
  const record = h('input', { type: 'checkbox', id: 'estimate-record' }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'form inline', id: 'estimate-form' },
    h('label', { for: 'estimate-by' }, t('stratify_by'), by),
    h('label', { class: 'check', for: 'estimate-compare' }, compare, t('compare_methods')),
    h('label', { class: 'check', for: 'estimate-record' }, record, t('record_estimate')),
    h('button', { type: 'submit' }, t('run_estimate')),
  ) as HTMLFormElement;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { compare: compare.checked, record: record.checked, bootstrap: 200 };
    if (by.value) body.by = by.value;
    try {
      const result = await followJob(out, await post('/api/jobs/estimate', body));
      const sources: Record<string, string> = {};
      for (const source of await all<{ id: string; name?: string }>('/api/sources')) sources[source.id] = source.name ?? source.id;
      showResult(out, result, name, sources);
    } catch (error) {
      if (!out.querySelector('[role=alert]')) out.append(problem(error));
    }
  });
  return form;
}

// A model's name lists its lists' ids ("log-linear [source-0001][source-0002]"): the method's
// family is enough in a chart's label.
const family = (method: string) => method.replace(/\s*\[.*$/, '');

function showResult(out: HTMLElement, result: any, name: (s: string) => string, sources: Record<string, string>): void {
  const strata: any[] = result.strata ?? [];
  const rows = (label: string, estimates: any[]) =>
    estimates.map((e) => [label, e.method, num(e.documented), h('strong', {}, num(e.estimate)), interval(e.interval), e.assumes ?? '', warningsOf(e.warnings)]);
  const chartRows: IntervalRow[] = [...strata.flatMap((s) => s.estimates.map((e: any) => ({ s: name(s.stratum), e }))), ...(result.total ?? []).map((e: any) => ({ s: t('total'), e }))].map(({ s, e }) => ({
    label: `${s} · ${family(e.method)}`,
    estimate: e.estimate,
    low: e.interval[0],
    high: e.interval[1],
    documented: e.documented,
  }));
  clear(
    out,
    section(
      t('comparison'),
      h('p', { class: 'muted' }, `${t('lists')}: ${(result.lists ?? []).map((l: string) => sources[l] ?? l).join(' · ')}`),
      warningsOf(result.warnings),
      intervalChart(chartRows, t('comparison')),
      table(
        [t('subject'), t('method'), t('documented'), t('estimate'), t('interval'), t('assumes'), t('warnings')],
        [...strata.flatMap((s) => rows(name(s.stratum), s.estimates)), ...rows(t('total'), result.total ?? [])],
      ),
    ),
  );
}
