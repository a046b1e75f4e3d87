// DNA kinship: each family's pedigree drawn (squares men, circles women, diamonds unknown;
// filled: a typed reference; ringed red: the missing person), and a screening run of every
// remains profile against every family's missing members, its candidates shown per family with
// the likelihood ratio and posterior; an analyst confirms or rejects each with a reason (a
// ledger entry each), and the decisions stay listed under the family.
import { get, post } from './api';
import { svg } from './chart';
import { clear, h } from './dom';
import { date, num, t } from './i18n';
import { followJob } from './jobs';
import { reportLinks } from './persons';
import { mayRunAnalyses } from './state';
import { problem, section, table } from './ui';

interface Member {
  name: string;
  sex: string;
  father: string | null;
  mother: string | null;
  sample: string | null;
  missing: boolean;
}
interface Family {
  id: string;
  members: Member[];
}

// Generations: a child one below its lower parent; a founder one above its highest child.
function generations(members: Member[]): Map<string, number> {
  const gen = new Map<string, number>(members.map((m) => [m.name, 0]));
  for (let pass = 0; pass < members.length + 1; ++pass) {
    for (const m of members) {
      const parents = [m.father, m.mother].filter((p): p is string => !!p && gen.has(p));
      if (parents.length) gen.set(m.name, Math.max(...parents.map((p) => gen.get(p)! + 1), gen.get(m.name)!));
    }
    for (const m of members) {
      if (m.father || m.mother) continue;
      const children = members.filter((c) => c.father === m.name || c.mother === m.name);
      if (children.length) gen.set(m.name, Math.min(...children.map((c) => gen.get(c.name)! - 1)));
    }
  }
  const low = Math.min(...gen.values());
  for (const [k, v] of gen) gen.set(k, v - low);
  return gen;
}

export function pedigree(family: Family): SVGElement {
  const gen = generations(family.members);
  const rows: Member[][] = [];
  for (const m of family.members) (rows[gen.get(m.name)!] ??= []).push(m);
  const width = Math.max(260, 110 * Math.max(...rows.map((r) => r?.length ?? 0)));
  const height = 80 * rows.length + 10;
  const at = new Map<string, { x: number; y: number }>();
  rows.forEach((row, g) => row?.forEach((m, i) => at.set(m.name, { x: ((i + 0.5) * width) / row.length, y: 30 + g * 80 })));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'pedigree', role: 'img', 'aria-label': `${t('pedigree')} ${family.id}` });
  chart.append(svg('title', {}, `${t('pedigree')} ${family.id}`));
  for (const m of family.members) {
    const parents = [m.father, m.mother].filter((p): p is string => !!p && at.has(p)).map((p) => at.get(p)!);
    if (!parents.length) continue;
    const child = at.get(m.name)!;
    const top = { x: parents.reduce((s, p) => s + p.x, 0) / parents.length, y: parents[0].y + 14 };
    if (parents.length === 2) chart.append(svg('line', { x1: parents[0].x, y1: parents[0].y, x2: parents[1].x, y2: parents[1].y, stroke: '#5a5650' }));
    chart.append(svg('path', { d: `M${top.x} ${parents.length === 2 ? parents[0].y : top.y} V${(top.y + child.y) / 2 - 4} H${child.x} V${child.y - 14}`, fill: 'none', stroke: '#5a5650' }));
  }
  for (const m of family.members) {
    const { x, y } = at.get(m.name)!;
    const fill = m.sample ? '#0b57a4' : '#ffffff';
    const stroke = m.missing ? '#a1201a' : '#1d1b18';
    const strokeWidth = m.missing ? 3 : 1.5;
    const shape =
      m.sex === 'male'
        ? svg('rect', { x: x - 12, y: y - 12, width: 24, height: 24, fill, stroke, 'stroke-width': strokeWidth })
        : m.sex === 'female'
          ? svg('circle', { cx: x, cy: y, r: 12, fill, stroke, 'stroke-width': strokeWidth })
          : svg('path', { d: `M${x} ${y - 14} L${x + 14} ${y} L${x} ${y + 14} L${x - 14} ${y} Z`, fill, stroke, 'stroke-width': strokeWidth });
    shape.append(svg('title', {}, `${m.name}${m.sample ? ` · ${m.sample}` : ''}${m.missing ? ` · ${t('missing_member')}` : ''}`));
    chart.append(shape, svg('text', { x, y: y + 28, 'text-anchor': 'middle', 'font-size': 11, fill: '#1d1b18' }, m.name));
  }
  return chart;
}

const lr = (log10: number) => (log10 >= 6 ? `10^${num(log10, 1)}` : num(Math.pow(10, log10), log10 < 0 ? 3 : 0));

interface Decision {
  remains: string;
  family: string;
  member: string;
  decision: 'confirmed' | 'rejected';
  log10_lr: string;
  reason: string;
  decided_by: string;
  decided_at: string;
  exact_log10_lr?: string;
  state?: 'final' | 'awaiting_second_review';
  first_reviewer?: string;
  identified?: string;
}

function decisionList(decisions: Decision[]): HTMLElement {
  if (!decisions.length) return h('div', {});
  return h(
    'div',
    { class: 'decisions' },
    h('h3', {}, t('decisions')),
    // Each value isolated (bdi): names, dates and the reviewer's words keep their own direction.
    h(
      'ul',
      {},
      decisions.map((d) =>
        h(
          'li',
          { 'data-remains': d.remains },
          h('strong', {}, h('bdi', {}, d.remains), ' → ', h('bdi', {}, d.member), `: ${t(d.decision === 'confirmed' ? 'confirmed' : 'rejected')}`),
          ' (',
          h('bdi', {}, d.decided_by),
          ', ',
          h('bdi', {}, date(d.decided_at)),
          ') — ',
          h('bdi', {}, d.reason),
          // Below the reporting threshold a second account confirms; a final one may identify.
          d.state === 'awaiting_second_review' ? h('span', { class: 'awaiting' }, ` · ${t('awaiting_second_review')}`) : null,
          d.first_reviewer ? h('span', {}, ` · ${t('second_review_of')} `, h('bdi', {}, d.first_reviewer)) : null,
          d.identified ? h('span', { class: 'identified' }, ` · ${t('identified_remains')} `, h('bdi', {}, d.identified)) : null,
          d.decision === 'confirmed' && d.state === 'final' ? reportLinks({ remains: d.remains, family: d.family, member: d.member }) : null,
        ),
      ),
    ),
  );
}

// Confirm or reject, with a reason the reviewer writes first.
function decideCell(candidate: any, onDecided: (d: Decision) => void): HTMLElement {
  const id = `reason-${candidate.remains}-${candidate.family}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const reason = h('input', { id, class: 'reason', 'aria-label': `${t('reason')} (${candidate.remains})`, placeholder: t('reason') }) as HTMLInputElement;
  const out = h('span', { 'aria-live': 'polite' });
  const send = async (decision: 'confirmed' | 'rejected') => {
    try {
      const d = await post<Decision>('/api/kinship/decisions', {
        remains: candidate.remains,
        family: candidate.family,
        member: candidate.member,
        decision,
        log10_lr: String(candidate.log10_lr),
        reason: reason.value,
        ...(candidate.run ? { run: candidate.run } : {}),
      });
      onDecided(d);
      clear(out, `✔ ${t(decision)}`);
    } catch (error) {
      clear(out, problem(error));
    }
  };
  const button = (decision: 'confirmed' | 'rejected', label: string) => {
    const b = h('button', { type: 'button', class: decision === 'rejected' ? 'secondary' : '', 'data-decision': decision }, label);
    b.addEventListener('click', () => void send(decision));
    return b;
  };
  return h('div', { class: 'decide' }, reason, button('confirmed', t('confirm')), button('rejected', t('reject')), out);
}

export async function kinshipPage(main: HTMLElement): Promise<void> {
  const families = await get<Family[]>('/api/kinship/families');
  const decisions = await get<Decision[]>('/api/kinship/decisions');
  const candidatesOf = new Map<string, HTMLElement>();
  const decisionsOf = new Map<string, HTMLElement>();
  const decidedIn = (family: string) => decisions.filter((d) => d.family === family);
  const cards = families.map((f) => {
    const box = h('div', { class: 'candidates', 'data-family': f.id });
    const decided = h('div', { class: 'family-decisions', 'data-family': f.id }, decisionList(decidedIn(f.id)));
    candidatesOf.set(f.id, box);
    decisionsOf.set(f.id, decided);
    return h('article', { class: 'card family', id: `family-${f.id}` }, h('h2', {}, f.id), h('div', { class: 'family-body' }, pedigree(f), box), decided);
  });
  const onDecided = (d: Decision) => {
    const at = decisions.findIndex((x) => x.remains === d.remains && x.family === d.family && x.member === d.member);
    if (at >= 0) decisions.splice(at, 1);
    decisions.push(d);
    const box = decisionsOf.get(d.family);
    if (box) clear(box, decisionList(decidedIn(d.family)));
  };
  const run = h('div', { id: 'screening-run', 'aria-live': 'polite' });
  const threshold = h('input', { id: 'screening-threshold', type: 'number', min: 1, value: 10000 }) as HTMLInputElement;
  const form = h('form', { class: 'form inline', id: 'screening-form' }, h('label', { for: 'screening-threshold' }, t('lr_threshold'), threshold), h('button', { type: 'submit' }, t('screen')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const result = await followJob(run, await post('/api/jobs/screening', { threshold: Number(threshold.value) }));
      clear(run, h('p', { id: 'screening-done' }, t('screening_done', { remains: num(result.remains), missing: num(result.missing_persons), candidates: num(result.candidates.length), prior: num(result.prior, 3) })));
      for (const box of candidatesOf.values()) clear(box, h('p', { class: 'muted' }, t('no_candidates')));
      const byFamily = new Map<string, any[]>();
      // Each decision names the kept run its candidate came from.
      for (const c of result.candidates) (byFamily.get(c.family) ?? byFamily.set(c.family, []).get(c.family)!).push({ ...c, run: result.run });
      for (const [family, list] of byFamily) {
        const box = candidatesOf.get(family);
        if (!box) continue;
        clear(box, table([t('remains'), t('member'), t('lr'), t('posterior'), t('markers'), t('decision')], list.map((c) => [c.remains, c.member, h('strong', {}, lr(c.log10_lr)), num(c.posterior, 4), num(c.markers_compared), decideCell(c, onDecided)]), t('candidates')));
      }
    } catch {
      // followJob has shown what went wrong
    }
  });
  clear(
    main,
    h('h1', {}, t('kinship')),
    mayRunAnalyses() ? section(t('screen'), h('p', { class: 'muted' }, t('screen_hint')), form, run) : null,
    families.length ? h('div', { class: 'families' }, cards) : h('p', { class: 'muted' }, t('no_families')),
  );
}
