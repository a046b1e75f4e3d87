// Any other record (source, unit, event, testimony, claim, link, evidence, remains, sample): its
// fields, links and history.
import { get } from './api';
import { clear, h } from './dom';
import { t } from './i18n';
import { changesSection } from './persons';
import { recordLink, section, table } from './ui';

const plurals: Record<string, string> = {
  source: 'sources', site: 'sites', unit: 'units', person: 'persons', W: 'witnesses', testimony: 'testimonies',
  event: 'events', claim: 'claims', link: 'links', evidence: 'evidence', custody: 'custody',
  remains: 'remains', sample: 'samples',
};

export async function recordPage(main: HTMLElement, id: string): Promise<void> {
  const plural = plurals[id.split('-')[0]] ?? 'records';
  const r = await get(`/api/${plural}/${encodeURIComponent(id)}`);
  const names: Record<string, string> = r.names ?? {};
  const value = (v: unknown) => {
    const text = String(v);
    return /^[a-zA-Z]+-\d+$/.test(text) ? recordLink(text, names[text]) : text;
  };
  const links: any[] = r.links ?? [];
  clear(
    main,
    h('h1', {}, id),
    section(t('fields'), table([t('field'), ''], Object.entries(r).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, value(v)]))),
    links.length ? section(t('links'), h('ul', {}, links.map((l) => { const other = l.from_record === id ? l.to_record : l.from_record; return h('li', {}, `${l.type}: `, recordLink(other, names[other])); }))) : null,
    changesSection(r.changes ?? []),
  );
}
