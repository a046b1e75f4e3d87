// Bulk import of a persons list (CSV) or a file of records (JSON): the file goes up with a
// progress bar, the import runs as a job (progress, cancel), and it ends with a report: how
// many rows, what was added, every warning; or every problem, by row, field and value, with
// nothing written. "Check only" lists the problems without writing anything.
import { all, ApiError, upload } from './api';
import { clear, h } from './dom';
import { num, t } from './i18n';
import { followJob, Job } from './jobs';
import { problem, section, table } from './ui';

export async function importPage(main: HTMLElement): Promise<void> {
  const sources = await all<{ id: string; name?: string }>('/api/sources');
  const format = h('select', { id: 'import-format' }, h('option', { value: 'persons-csv' }, t('persons_csv')), h('option', { value: 'json' }, t('records_json'))) as HTMLSelectElement;
  const source = h('select', { id: 'import-source' }, h('option', { value: '' }, t('source_column')), sources.map((s) => h('option', { value: s.id }, `${s.name ?? s.id} (${s.id})`))) as HTMLSelectElement;
  const file = h('input', { type: 'file', id: 'import-file', required: true, accept: '.csv,.tsv,.txt,.json' }) as HTMLInputElement;
  const checkOnly = h('input', { type: 'checkbox', id: 'import-check' }) as HTMLInputElement;
  const force = h('input', { type: 'checkbox', id: 'import-force' }) as HTMLInputElement;
  const report = h('div', { id: 'import-report', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form inline', id: 'import-form' },
    h('label', { for: 'import-format' }, t('format'), format),
    h('label', { for: 'import-source' }, t('listed_by'), source),
    h('label', { for: 'import-file' }, t('file'), file),
    h('label', { class: 'check', for: 'import-check' }, checkOnly, t('check_only')),
    h('label', { class: 'check', for: 'import-force' }, force, t('import_again')),
    h('button', { type: 'submit' }, t('import')),
  ) as HTMLFormElement;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const query = new URLSearchParams({ format: format.value, filename: chosen.name, check: String(checkOnly.checked), force: String(force.checked) });
    if (format.value === 'persons-csv' && source.value) query.set('source', source.value);
    const bar = h('progress', { max: chosen.size || 1, value: 0 }) as HTMLProgressElement;
    clear(report, h('p', {}, `${t('uploading')} ${chosen.name} `, bar));
    try {
      const job: Job = await upload(`/api/jobs/import?${query}`, chosen, (sent) => (bar.value = sent));
      const result = await followJob(report, job);
      showReport(report, chosen.name, result);
    } catch (error) {
      showProblems(report, chosen.name, error);
    }
  });
  clear(main, h('h1', {}, t('import')), section(t('import'), h('p', { class: 'muted' }, t('import_hint')), form), report);
}

function showReport(box: HTMLElement, name: string, result: any): void {
  const added = Object.entries(result.added ?? {}) as [string, number][];
  const warnings: any[] = result.warnings ?? [];
  clear(
    box,
    section(
      `${t('report')}: ${name}`,
      h('p', { class: 'ok', id: 'import-done' }, result.checked_only ? `✔ ${t('checked_no_problem', { rows: num(result.rows ?? 0) })}` : `✔ ${t('imported_rows', { rows: num(result.rows ?? 0) })}`),
      added.length ? table([t('record_kind'), t('added')], added.map(([kind, n]) => [kind, num(n)])) : null,
      result.imported_before ? h('p', { class: 'warnings' }, result.imported_before) : null,
      warnings.length
        ? h('div', {}, h('h3', {}, `${t('warnings')}: ${num(warnings.length)}`), table([t('record'), t('field'), t('value'), t('problem')], warnings.map((w) => [w.subject ?? '', w.field ?? '', w.value ?? '', [w.problem, w.detail].filter(Boolean).join(': ')])))
        : null,
    ),
  );
}

function showProblems(box: HTMLElement, name: string, error: unknown): void {
  if (!(error instanceof ApiError)) return clear(box, problem(error));
  // A failed job's error came with the server's list of problems (one per row and field).
  const detail = (error as any).detail;
  const problems: any[] = detail?.problems ?? [];
  clear(
    box,
    section(
      `${t('report')}: ${name}`,
      h('p', { class: 'error', role: 'alert', id: 'import-refused' }, `✘ ${t('nothing_written')} ${error.message.split('\n')[0]}`),
      problems.length ? table([t('record'), t('field'), t('value'), t('problem')], problems.map((p) => [p.record ?? '', p.field ?? '', p.value ?? '', p.problem ?? p.message])) : null,
      detail?.count > problems.length ? h('p', { class: 'muted' }, t('more_problems', { count: num(detail.count - problems.length) })) : null,
    ),
  );
}
