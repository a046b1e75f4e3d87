// The ledger: its newest entries (every write, each decision and each read of a protected field
// is one), and `verify` run as a job with each problem named.
import { get, post } from './api';
import { clear, h } from './dom';
import { date, num, t } from './i18n';
import { problem, recordLink, section, table } from './ui';

export async function ledgerPage(main: HTMLElement, before?: number): Promise<void> {
  const page = await get(`/api/ledger?limit=50${before === undefined ? '' : `&before=${before + 1}`}`);
  const result = h('div', { 'aria-live': 'polite' });
  const verify = h('button', { type: 'button', id: 'verify' }, t('verify'));
  verify.addEventListener('click', () => void runVerify(result));
  const key = await get('/api/ledger/key');
  clear(
    main,
    h('h1', {}, t('ledger')),
    h('p', {}, `${t('ledger_size')}: `, h('strong', { id: 'ledger-size' }, num(page.size))),
    h('p', { class: 'muted' }, `${t('key')}: `, h('code', {}, key.verifier_key)),
    section(t('verify'), verify, result),
    table(
      [t('entry'), t('operation'), t('record'), t('actor'), t('at')],
      page.entries.map((e: any) => [
        num(e.index),
        h('code', {}, e.entry.op),
        /^[a-zA-Z]+-\d+$/.test(e.entry.record ?? '') ? recordLink(e.entry.record) : h('code', {}, e.entry.record ?? ''),
        e.entry.actor,
        date(e.entry.at),
      ]),
    ),
  );
}

async function runVerify(result: HTMLElement): Promise<void> {
  clear(result, h('progress', {}), ' ', t('verify_running'));
  try {
    const job = await post('/api/jobs/verify');
    for (;;) {
      const state = await get(`/api/jobs/${job.id}`);
      if (state.state === 'done' || state.state === 'failed' || state.state === 'cancelled') {
        const report = state.result ?? {};
        const problems: any[] = report.findings ?? [];
        const warnings: string[] = report.warnings ?? [];
        if (state.state !== 'done') return clear(result, problem(new Error(state.error ?? state.state)));
        return clear(
          result,
          warnings.length ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', {}, w))) : null,
          problems.length || report.ok === false
            ? h('div', { class: 'error' }, h('strong', {}, `${t('verify_problems')}: ${num(problems.length)}`), h('ul', {}, problems.map((p) => h('li', {}, typeof p === 'string' ? p : p.message ?? JSON.stringify(p)))))
            : h('p', { class: 'ok', id: 'verify-ok' }, `✔ ${t('verify_ok')}: ${num(report.entries ?? 0)} ${t('entry')}, ${num(report.records ?? 0)} ${t('record')}`),
        );
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  } catch (error) {
    clear(result, problem(error));
  }
}
