// The linkage review queue: each pair's two records side by side with every field's weight;
// the analyst decides same, different, or leaves it for later. In blind review the probability
// and weights stay hidden until the decision is made, so that the labels can measure the model.
import { get, post } from './api';
import { followJob } from './jobs';
import { clear, h } from './dom';
import { num, t } from './i18n';
import { mayRunAnalyses } from './state';
import { problem, recordLink, section } from './ui';

const blindKey = 'athar.blind_review';

export async function reviewPage(main: HTMLElement): Promise<void> {
  const pairs: any[] = await get('/api/linkage/review?limit=50');
  const blind = h('input', { type: 'checkbox', id: 'blind' }) as HTMLInputElement;
  blind.checked = localStorage.getItem(blindKey) === 'on';
  const list = h('div', { class: 'pairs' });
  const render = async () => {
    clear(list);
    if (!pairs.length) return list.append(h('p', {}, t('no_pairs')));
    for (const pair of pairs) list.append(await pairCard(pair, blind.checked));
  };
  blind.addEventListener('change', () => {
    localStorage.setItem(blindKey, blind.checked ? 'on' : 'off');
    void render();
  });
  const run = h('div', { 'aria-live': 'polite' });
  if (mayRunAnalyses()) {
    const button = h('button', { type: 'button', id: 'run-linkage', class: 'secondary' }, t('run_linkage'));
    button.addEventListener('click', async () => {
      try {
        const result = await followJob(run, await post('/api/jobs/linkage', {}));
        pairs.splice(0, pairs.length, ...(await get('/api/linkage/review?limit=50')));
        clear(run, h('p', { class: 'ok', id: 'linkage-done' }, `✔ ${t('linkage_done', { records: num(result.persons ?? 0), entities: num(result.entities ?? 0), pairs: num(result.for_review ?? pairs.length) })}`));
        await render();
      } catch {
        // followJob has shown what went wrong
      }
    });
    run.append(button);
  }
  clear(main, h('h1', {}, t('pairs_to_review')), run, h('label', { class: 'check', for: 'blind' }, blind, t('blind')), list);
  await render();
}

const shownFields = ['given_name', 'father_name', 'grandfather_name', 'family_name', 'mother_name', 'sex', 'birth_date', 'birthplace', 'governorate', 'status'];

async function pairCard(pair: any, blind: boolean): Promise<HTMLElement> {
  const [a, b] = await Promise.all([get(`/api/persons/${pair.a}`), get(`/api/persons/${pair.b}`)]);
  const score = h('div', { class: 'score' + (blind ? ' hidden' : '') });
  const weights = pair.weights ?? {};
  const fill = () =>
    clear(
      score,
      h('p', {}, `${t('probability')}: `, h('strong', {}, num(pair.probability, 3))),
      h('ul', { class: 'weights', 'aria-label': t('weights') }, Object.entries(weights).map(([field, w]) => h('li', {}, `${field}: ${num(Number(w), 2)}`))),
    );
  if (!blind) fill();
  const rows = shownFields.flatMap((f) => {
    const values = [f, `${f}_ar`, `${f}_lat`].flatMap((k) => [a[k], b[k]]);
    if (!values.some(Boolean)) return [];
    const cell = (r: any) => [r[`${f}_ar`], r[`${f}_lat`], r[f]].filter(Boolean).join(' / ');
    return [h('tr', {}, h('th', { scope: 'row' }, f), h('td', {}, cell(a)), h('td', {}, cell(b)))];
  });
  const status = h('p', { class: 'decision', 'aria-live': 'polite' }, pair.decision ? `${t('decided')}: ${t(pair.decision === 'same' ? 'same' : 'different')}` : '');
  const buttons = h('div', { class: 'buttons' });
  const card = h(
    'article',
    { class: 'card pair', 'data-a': pair.a, 'data-b': pair.b },
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col' }, recordLink(pair.a)), h('th', { scope: 'col' }, recordLink(pair.b)))), h('tbody', {}, rows)),
    score,
    buttons,
    status,
  );
  const decide = async (decision: 'same' | 'different') => {
    try {
      await post('/api/linkage/decisions', { a: pair.a, b: pair.b, decision });
      clear(status, `${t('decided')}: ${t(decision)}`);
      buttons.remove();
      score.classList.remove('hidden');
      fill();
    } catch (error) {
      clear(status, problem(error));
    }
  };
  if (mayRunAnalyses() && !pair.decision) {
    const button = (label: 'same' | 'different', cls: string) => {
      const b = h('button', { type: 'button', class: cls, 'data-decision': label }, t(label));
      b.addEventListener('click', () => void decide(label));
      return b;
    };
    const later = h('button', { type: 'button', class: 'secondary' }, t('unsure'));
    later.addEventListener('click', () => card.parentElement?.append(card));
    buttons.append(button('same', ''), button('different', ''), later);
  }
  return card;
}

export { section };
