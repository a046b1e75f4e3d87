// Witnesses by pseudonym. Identity and contact are protected: shown only to roles the server
// allows, after an explicit request that the ledger records with the reader's name.
import { all, get, post } from './api';
import { clear, h } from './dom';
import { date, t } from './i18n';
import { mayRevealWitnesses } from './state';
import { problem, recordLink, section, table } from './ui';

export async function witnessesPage(main: HTMLElement): Promise<void> {
  const witnesses = await all('/api/witnesses');
  clear(
    main,
    h('h1', {}, t('witnesses')),
    table(
      [t('pseudonym'), t('identity')],
      witnesses.map((w: any) => [recordLink(w.id), h('span', { class: 'muted' }, `[${t('protected')}]`)]),
    ),
  );
}

export async function witnessPage(main: HTMLElement, id: string): Promise<void> {
  const w = await get(`/api/witnesses/${encodeURIComponent(id)}`);
  const body = h('div', { id: 'witness-fields' });
  const render = (record: any) =>
    clear(
      body,
      table(
        [t('field'), ''],
        Object.entries(record)
          .filter(([, v]) => typeof v !== 'object')
          .map(([k, v]) => [k, h('span', { class: v === '[protected]' ? 'muted protected' : '' }, String(v))]),
      ),
    );
  render(w);
  const actions = h('div', { class: 'buttons' });
  if (mayRevealWitnesses()) {
    const button = h('button', { type: 'button', id: 'reveal' }, t('reveal'));
    button.addEventListener('click', async () => {
      try {
        render(await post(`/api/witnesses/${encodeURIComponent(id)}/reveal`));
        button.remove();
      } catch (error) {
        actions.append(problem(error));
      }
    });
    actions.append(button, h('p', { class: 'muted' }, t('reveal_note')));
  }
  // The testimonies this witness gave, under the pseudonym.
  const testimonies = await all(`/api/testimonies?witness=${encodeURIComponent(id)}`);
  const given = testimonies.length
    ? table(
        [t('testimony'), t('claimed_on'), t('place_given'), t('summary')],
        testimonies.map((x: any) => [recordLink(x.id), date(x.given_on), x.place ?? '', x.summary ?? '']),
      )
    : h('p', { class: 'muted' }, t('none'));
  clear(main, h('p', {}, h('a', { href: '#/witnesses' }, `← ${t('witnesses')}`)), h('h1', {}, w.id), section(t('fields'), body, actions), section(t('testimonies'), given));
}
