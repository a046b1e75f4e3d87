// Finding a person by any spelling in either script, and a person's page: name parts in both
// scripts, the sources that list them, events, links, DNA status and every change.
import { get } from './api';
import { clear, h } from './dom';
import { date, num, t, term } from './i18n';
import { badge, loading, problem, recordLink, section, table } from './ui';

export function personsPage(main: HTMLElement, query: string): void {
  const input = h('input', { id: 'person-query', type: 'search', name: 'q', value: query, 'aria-describedby': 'person-hint', autocomplete: 'off', dir: 'auto' }) as HTMLInputElement;
  const results = h('div', { id: 'person-results', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form inline', role: 'search' },
    h('label', { for: 'person-query' }, t('search_persons'), input),
    h('button', { type: 'submit' }, t('search')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    history.replaceState(null, '', `#/persons?q=${encodeURIComponent(input.value)}`);
    void search(results, input.value);
  });
  clear(main, h('h1', {}, t('persons')), form, h('p', { id: 'person-hint', class: 'muted' }, t('search_hint')), results);
  input.focus();
  if (query) void search(results, query);
}

async function search(results: HTMLElement, query: string): Promise<void> {
  if (!query.trim()) return clear(results);
  clear(results, loading());
  try {
    const found = await get(`/api/search/persons?q=${encodeURIComponent(query)}&limit=50`);
    if (!found.hits.length) {
      clear(results, h('p', {}, t('no_results')));
      performance.mark('athar-results');
      return;
    }
    clear(
      results,
      table(
        [t('name'), t('arabic'), t('latin'), t('claimed_on'), t('status'), t('score')],
        found.hits.map((p: any) => [
          recordLink(p.id, p.id),
          h('span', { lang: 'ar', dir: 'rtl' }, p.name_ar ?? ''),
          h('span', { lang: 'en', dir: 'ltr' }, p.name_lat ?? ''),
          date(p.birth_date),
          p.status ? badge(p.status) : '',
          num(p.score, 2),
        ]),
        t('results'),
      ),
    );
    performance.mark('athar-results');
  } catch (error) {
    clear(results, problem(error));
  }
}

const nameParts = ['given_name', 'father_name', 'grandfather_name', 'family_name', 'mother_name', 'mother_family_name'];
const fullName = (p: any, script: 'ar' | 'lat') =>
  nameParts
    .slice(0, 4)
    .map((part) => p[`${part}_${script}`])
    .filter(Boolean)
    .join(' ');

export async function personPage(main: HTMLElement, id: string): Promise<void> {
  const p = await get(`/api/persons/${encodeURIComponent(id)}`);
  p.name_ar = fullName(p, 'ar');
  p.name_lat = fullName(p, 'lat');
  const names: Record<string, string> = p.names ?? {};
  const parts = nameParts.filter((part) => p[`${part}_ar`] || p[`${part}_lat`]);
  const nameTable = table(
    [t('field'), t('arabic'), t('latin')],
    [
      ...parts.map((part) => [part, h('span', { lang: 'ar', dir: 'rtl' }, p[`${part}_ar`] ?? ''), h('span', { lang: 'en', dir: 'ltr' }, p[`${part}_lat`] ?? '')]),
    ],
  );
  const links: any[] = p.links ?? [];
  const other = (l: any) => (l.from_record === p.id ? l.to_record : l.from_record);
  const listedBy = links.filter((l) => l.type === 'listed_by');
  const events = links.filter((l) => other(l).startsWith('event-'));
  const rest = links.filter((l) => l.type !== 'listed_by' && !other(l).startsWith('event-'));
  const linkList = (ls: any[]) =>
    ls.length ? h('ul', {}, ls.map((l) => h('li', {}, h('span', { class: 'muted' }, `${l.type}: `), recordLink(other(l), names[other(l)]), l.note ? h('span', { class: 'muted' }, ` — ${l.note}`) : null))) : h('p', { class: 'muted' }, t('none'));
  const fields = Object.entries(p).filter(([k, v]) => typeof v !== 'object' && !k.endsWith('_ar') && !k.endsWith('_lat'));
  clear(
    main,
    h('p', {}, h('a', { href: '#/persons' }, `← ${t('persons')}`)),
    h('h1', {}, h('span', { lang: 'ar', dir: 'rtl' }, p.name_ar ?? ''), p.name_ar && p.name_lat ? ' · ' : '', h('span', { lang: 'en', dir: 'ltr' }, p.name_lat ?? ''), ' ', p.status ? badge(p.status) : null),
    h('div', { class: 'columns' }, section(t('name_parts'), nameTable), section(t('fields'), table([t('field'), ''], fields.map(([k, v]) => [k, k === 'status' ? term('status', String(v)) : String(v)])))),
    h('div', { class: 'columns' }, section(t('listed_by'), linkList(listedBy)), section(t('events'), linkList(events))),
    section(t('links'), linkList(rest)),
    ['missing', 'detained', 'dead'].includes(p.status) ? planSection(p.id) : null,
    section(
      t('dna_status'),
      h('p', { class: 'muted' }, p.dna_status ?? (p.status === 'identified' ? term('status', 'identified') : t('none'))),
      p.status === 'identified' ? reportLinks({ person: p.id }) : null,
    ),
    changesSection(p.changes ?? []),
  );
}

export function changesSection(changes: any[]): HTMLElement {
  return section(
    t('changes'),
    changes.length
      ? table(
          [t('at'), t('by'), t('field'), t('old_value'), t('new_value'), t('reason'), t('entry')],
          changes.map((c) => [date(c.at), c.by, c.field, c.old, c.new, c.reason, h('a', { href: `#/ledger?at=${c.entry}` }, num(c.entry))]),
        )
      : h('p', { class: 'muted' }, t('none')),
  );
}

// The identification report of an identified person (or of one confirmed candidate), as PDF in
// either language: for the family liaison to hand to the family. Each download is a ledger entry.
export function reportLinks(which: Record<string, string>): HTMLElement {
  const link = (lang: 'ar' | 'en', label: string) => {
    const query = new URLSearchParams({ ...which, lang }).toString();
    return h('a', { href: `/api/kinship/report?${query}`, download: '', class: 'report-link', 'data-lang': lang }, `⬇ ${label}`);
  };
  return h('p', { class: 'report-links' }, `${t('identification_report')}: `, link('ar', 'العربية'), ' · ', link('en', 'English'));
}

// For a family liaison: which relative's sample would help most, worked out on request (it
// simulates, so it is not computed on every visit). Figures only, no genotype.
function planSection(id: string): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const percent = (x: number) => `${num(100 * x, 1)}%`;
  const button = h('button', { type: 'button', id: 'plan-button' }, t('plan_button')) as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    clear(out, loading());
    try {
      const plan = await get(`/api/persons/${encodeURIComponent(id)}/identification-plan`);
      clear(
        out,
        h('p', {}, t('plan_now', { power: percent(plan.now.power_at_threshold), exclusion: num(plan.now.exclusion_power, 6) })),
        table(
          [t('plan_relative'), t('plan_power'), t('plan_exclusion')],
          plan.with_one_more.map((c: any) => [term('relation', c.relation), percent(c.expected.power_at_threshold), num(c.expected.exclusion_power, 6)]),
        ),
      );
    } catch (error) {
      clear(out, problem(error));
    } finally {
      button.disabled = false;
    }
  });
  return section(t('identification_plan'), button, out);
}
