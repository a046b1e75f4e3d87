// A site: its status history as a timeline, every claim side by side with what is documented,
// the persons documented as buried there, and its evidence with thumbnails, each with a mark
// that its ledger proof was verified in this browser; evidence upload with a progress bar.
import { all, bytes, get, post, upload } from './api';
import { followJob } from './jobs';
import { resumableFrom, uploadInPieces } from './resumable';
import { clear, h } from './dom';
import { date, num, t, term } from './i18n';
import { siteName, statusColours } from './map';
import { proveEvidence } from './proof';
import { locationMap } from './location';
import { recordedChart, recordedTable } from './estimates';
import { mayAddEvidence, mayReadLedger, session } from './state';
import { badge, loading, problem, recordLink, section, table } from './ui';

export async function sitePage(main: HTMLElement, id: string): Promise<void> {
  const site = await get(`/api/sites/${encodeURIComponent(id)}`);
  const names: Record<string, string> = site.names ?? {};
  const timeline = h(
    'ol',
    { class: 'timeline' },
    (site.history ?? []).map((c: any) =>
      h(
        'li',
        { class: `status-${c.status}` },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('strong', {}, term('status', c.status)),
        ' · ',
        h('time', { datetime: c.changed_on }, date(c.changed_on)),
        c.reported_by ? h('span', { class: 'muted' }, ` · ${c.reported_by}`) : null,
        c.note ? h('div', { class: 'muted' }, c.note) : null,
      ),
    ),
  );
  const claims = (site.claims ?? []).filter((c: any) => c.topic === 'body_count');
  const claimsTable = !claims.length ? h('p', { class: 'muted' }, t('none')) : table(
    [t('figure'), t('figure_kind'), t('source'), t('claimed_on'), t('verification')],
    claims.map((c: any) => [
      c.figure !== undefined ? num(Number(c.figure)) : '—',
      c.figure_kind ? term('kind', c.figure_kind) : '',
      names[c.source] ? recordLink(c.source, names[c.source]) : c.source,
      date(c.claimed_on),
      badge(c.verification),
    ]),
  );
  const documented = h('div', { class: 'figure-box' }, h('span', { class: 'big' }, num(site.documented_persons ?? 0)), h('span', {}, t('documented')));
  const buried = (site.links ?? []).filter((l: any) => l.type === 'buried_at' && l.to_record === site.id);
  const persons = buried.length
    ? h('ul', {}, buried.map((l: any) => h('li', {}, recordLink(l.from_record, names[l.from_record]))))
    : h('p', { class: 'muted' }, t('none'));
  const evidenceBox = h('div', { class: 'evidence' }, loading());
  const estimatesBox = h('div', {});
  showEstimates(estimatesBox, site, claims);
  const locationBox = h('div', {});
  const swatch = h('span', { class: 'swatch' });
  swatch.style.background = statusColours[site.status] ?? '#444';

  clear(
    main,
    h('p', {}, h('a', { href: '#/map' }, `← ${t('map')}`)),
    h('h1', {}, siteName(site), ' ', badge(site.status)),
    h('p', { class: 'muted' }, [site.name_ar, site.name_lat].filter(Boolean).join(' · '), ' · ', `${num(site.latitude, 5)}, ${num(site.longitude, 5)}`),
    site.description ? h('p', {}, site.description) : null,
    site.location_note ? h('p', { class: 'muted' }, site.location_note) : null,
    h('div', { class: 'columns' }, section(t('status_history'), timeline), section(t('claims'), h('div', { class: 'claims' }, documented, claimsTable))),
    section(t('location'), locationBox),
    section(t('estimates'), estimatesBox),
    section(t('documented_persons_here'), persons),
    section(t('evidence'), mayAddEvidence() ? uploadForm(site.id, () => void loadEvidence(evidenceBox, site.id, true)) : null, evidenceBox),
  );
  await Promise.all([
    loadEvidence(evidenceBox, site.id, false),
    locationMap(locationBox, site, () => undefined),
  ]);
}

// The estimates recorded for this site (its record view holds them), charted with its claims.
function showEstimates(box: HTMLElement, site: any, claims: any[]): void {
  const mine = site.estimates ?? [];
  if (!mine.length) return clear(box, h('p', { class: 'muted' }, t('none')));
  const name = () => siteName(site);
  const figures = { [site.id]: claims.filter((c: any) => c.figure).map((c: any) => Number(c.figure)) };
  clear(box, recordedChart(mine, name, figures), h('p', { class: 'muted legend-line' }, t('chart_legend')), recordedTable(mine, name));
}

async function loadEvidence(box: HTMLElement, siteId: string, signIfNeeded: boolean): Promise<void> {
  let custody: any[];
  try {
    custody = await all(`/api/custody?site=${encodeURIComponent(siteId)}&action=collected`);
  } catch (error) {
    clear(box, problem(error));
    return;
  }
  if (!custody.length) {
    clear(box, h('p', { class: 'muted' }, t('none')));
    return;
  }
  const list = h('ul', { class: 'evidence-list' });
  clear(box, list, mayReadLedger() ? bundleButton(custody.map((c) => c.evidence)) : null);
  for (const c of custody.slice(0, 50)) {
    const item = h('li', { class: 'evidence-item', 'data-id': c.evidence });
    list.append(item);
    void showEvidence(item, c, signIfNeeded);
  }
}

async function showEvidence(item: HTMLElement, custody: any, signIfNeeded: boolean): Promise<void> {
  const evidence = await get(`/api/evidence/${encodeURIComponent(custody.evidence)}`);
  const thumb = h('div', { class: 'thumb' });
  const mark = h('p', { class: 'proof', 'aria-live': 'polite' }, t('proof_checking'));
  item.append(
    thumb,
    h(
      'div',
      {},
      h('strong', {}, evidence.id),
      h('div', { class: 'muted' }, `${evidence.media_type ?? ''} · ${num(Number(evidence.size))} B · ${custody.by_whom} · ${date(custody.at)}`),
      h('div', { class: 'hash' }, h('code', {}, evidence.sha256)),
      mark,
    ),
  );
  // An image's bytes are fetched once: for its thumbnail and for the proof.
  let content: ArrayBuffer | undefined;
  if (String(evidence.media_type ?? '').startsWith('image/')) {
    try {
      content = await bytes(`/api/evidence/${evidence.id}/content`);
      const blob = new Blob([content], { type: evidence.media_type });
      thumb.append(h('img', { src: URL.createObjectURL(blob), alt: evidence.id, width: 96, height: 96 }));
    } catch {
      // no thumbnail: the proof below says whether the file is whole
    }
  }
  const entry = evidence.ledger?.[0]?.entry;
  if (entry === undefined) {
    clear(mark, t('proof_pending'));
    return;
  }
  try {
    const result = await proveEvidence(evidence.id, entry, signIfNeeded && !!session(), content);
    mark.className = `proof ${result.ok ? 'ok' : result.pending ? 'pending' : 'bad'}`;
    if (result.ok) clear(mark, `✔ ${t('proof_ok')}: `, h('span', { class: 'muted' }, t('proof_detail', { entry: num(result.entry), size: num(result.size ?? 0), key: result.key ?? '' })));
    else if (result.pending) clear(mark, `… ${t('proof_pending')}`);
    else clear(mark, `✘ ${t('proof_bad')}: ${result.problem === 'key_changed' ? t('key_changed') : result.problem}`);
  } catch (error) {
    mark.className = 'proof bad';
    clear(mark, `✘ ${t('proof_bad')}: `, error instanceof Error ? error.message : String(error));
  }
}

// A court bundle of the site's evidence (files, records, ledger proofs, checkpoint, key), written
// by a job and downloaded from it; it is checked offline with `athar bundle verify`.
function bundleButton(evidence: string[]): HTMLElement {
  const out = h('div', { class: 'bundle', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'export-bundle', class: 'secondary' }, t('export_bundle'));
  button.addEventListener('click', async () => {
    try {
      const job = await post('/api/jobs/bundle', { evidence: [...new Set(evidence)] });
      await followJob(out, job);
      clear(out, h('a', { href: `/api/jobs/${job.id}/file`, download: `athar-bundle-${job.id}.tar`, id: 'bundle-link' }, `⬇ ${t('download_bundle')}`), ' ', h('span', { class: 'muted' }, t('bundle_hint')));
    } catch {
      // followJob has shown what went wrong
    }
  });
  return h('div', { class: 'buttons' }, button, out);
}

function uploadForm(siteId: string, done: () => void): HTMLElement {
  const file = h('input', { type: 'file', id: 'evidence-file', name: 'file', multiple: true }) as HTMLInputElement;
  const folder = h('input', { type: 'file', id: 'evidence-folder', name: 'folder', multiple: true, webkitdirectory: true }) as HTMLInputElement;
  const by = h('input', { id: 'evidence-by', name: 'collected_by', value: session()?.name ?? '', required: true }) as HTMLInputElement;
  const at = h('input', { id: 'evidence-at', name: 'collected_at', value: new Date().toISOString().slice(0, 19) + 'Z', required: true }) as HTMLInputElement;
  const report = h('ul', { class: 'upload-report', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form inline', id: 'evidence-form' },
    h('label', { for: 'evidence-file' }, t('file'), file),
    h('label', { for: 'evidence-folder' }, t('folder'), folder),
    h('label', { for: 'evidence-by' }, t('collected_by'), by),
    h('label', { for: 'evidence-at' }, t('collected_at'), at),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('upload'))),
    report,
  ) as HTMLFormElement;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(report);
    for (const f of [...Array.from(file.files ?? []), ...Array.from(folder.files ?? [])]) {
      const bar = h('progress', { max: f.size || 1, value: 0 }) as HTMLProgressElement;
      const line = h('li', {}, `${f.name}: `, bar);
      report.append(line);
      const intake = { collected_by: by.value, collected_at: at.value, site: siteId };
      try {
        // Large files in pieces, resumable; small ones in one request.
        const stored =
          f.size >= resumableFrom
            ? await uploadInPieces(f, intake, (sent) => (bar.value = sent))
            : await upload(`/api/evidence?${new URLSearchParams({ ...intake, filename: f.name })}`, f, (sent) => (bar.value = sent));
        clear(line, `${f.name}: ${t('uploaded')} ${stored.evidence}${stored.stored_before ? ` (${stored.stored_before})` : ''}`);
      } catch (error) {
        clear(line, `${f.name}: `, problem(error));
      }
    }
    done();
  });
  return form;
}
