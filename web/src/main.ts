// The web UI's shell: sign-in, the navigation, the language switch, and a router on the
// location's hash (#/sites/site-0001), so that any page can be bookmarked and the server only
// ever serves index.html and its assets.
import './app.css';
import { ApiError, get, post, request, setCsrf, SignedIn } from './api';
import { clear, h } from './dom';
import { applyToDocument, lang, setIndicDigits, setLang, t, term, useIndicDigits } from './i18n';
import { estimatesPage } from './estimates';
import { importPage } from './import';
import { kinshipPage } from './kinship';
import { ledgerPage } from './ledger';
import { mapPage } from './map';
import { personPage, personsPage } from './persons';
import { recordPage } from './record';
import { reviewPage } from './review';
import { sitePage } from './site';
import { mayImport, mayReadLedger, mayReadRecords, mayRunAnalyses, session, setSession } from './state';
import { loading, problem } from './ui';
import { witnessesPage, witnessPage } from './witnesses';

const root = document.getElementById('app') as HTMLElement;

function header(): HTMLElement {
  const me = session();
  const link = (hash: string, label: string, shown = true) =>
    shown ? h('li', {}, h('a', { href: hash, 'aria-current': location.hash.startsWith(hash) ? 'page' : null }, label)) : null;
  const language = h('button', { type: 'button', id: 'language', class: 'secondary', lang: lang() === 'ar' ? 'en' : 'ar', title: t('language_label') }, t('language'));
  language.addEventListener('click', () => {
    setLang(lang() === 'ar' ? 'en' : 'ar');
    void render();
  });
  const digits = h('input', { type: 'checkbox', id: 'digits' }) as HTMLInputElement;
  digits.checked = useIndicDigits();
  digits.addEventListener('change', () => {
    setIndicDigits(digits.checked);
    void render();
  });
  const signOut = h('button', { type: 'button', id: 'sign-out', class: 'secondary' }, t('sign_out'));
  signOut.addEventListener('click', async () => {
    await request('DELETE', '/api/session').catch(() => undefined);
    setSession(null);
    location.hash = '#/login';
  });
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/map' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'أثر'), h('span', {}, t('app'))),
    me
      ? h(
          'nav',
          { 'aria-label': t('app') },
          h(
            'ul',
            {},
            link('#/map', t('map')),
            link('#/persons', t('persons'), mayReadRecords()),
            link('#/witnesses', t('witnesses'), mayReadRecords()),
            link('#/review', t('review'), mayReadRecords()),
            link('#/estimates', t('estimates')),
            link('#/import', t('import'), mayImport()),
            link('#/kinship', t('kinship'), mayRunAnalyses()),
            link('#/ledger', t('ledger'), mayReadLedger()),
          ),
        )
      : null,
    h(
      'div',
      { class: 'tools' },
      lang() === 'ar' ? h('label', { class: 'check', for: 'digits' }, digits, t('digits')) : null,
      language,
      me ? h('span', { class: 'who' }, `${t('signed_in_as')} `, h('strong', {}, me.name), ` (${term('role', me.role)})`) : null,
      me ? signOut : null,
    ),
  );
}

function loginPage(main: HTMLElement): void {
  const message = h('div', { 'aria-live': 'polite' });
  const field = (id: string, label: string, type = 'text', autocomplete = '') =>
    h('label', { for: id }, label, h('input', { id, name: id.replace('login-', ''), type, autocomplete, required: id !== 'login-totp' }));
  const form = h(
    'form',
    { class: 'form card login', id: 'login' },
    h('h1', {}, t('sign_in')),
    field('login-name', t('name'), 'text', 'username'),
    field('login-password', t('password'), 'password', 'current-password'),
    field('login-totp', t('totp'), 'text', 'one-time-code'),
    message,
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('sign_in'))),
  ) as HTMLFormElement;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const signed = await post<SignedIn>('/api/session', { name: data.get('name'), password: data.get('password'), totp: data.get('totp') || undefined });
      setCsrf(signed.csrf ?? '');
      setSession({ name: signed.name, role: signed.role });
      location.hash = '#/map';
    } catch (error) {
      clear(message, problem(error));
    }
  });
  clear(main, form, h('p', { class: 'muted tagline' }, t('tagline')));
  (form.querySelector('#login-name') as HTMLElement).focus();
}

async function route(main: HTMLElement): Promise<void> {
  const [path, queryText] = (location.hash.slice(1) || '/map').split('?');
  const query = new URLSearchParams(queryText ?? '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!session() && parts[0] !== 'login') {
    location.hash = '#/login';
    return;
  }
  switch (parts[0]) {
    case 'login':
      return loginPage(main);
    case 'sites':
      return parts[1] ? sitePage(main, parts[1]) : mapPage(main);
    case 'persons':
      return parts[1] ? personPage(main, parts[1]) : personsPage(main, query.get('q') ?? '');
    case 'witnesses':
      return parts[1] ? witnessPage(main, parts[1]) : witnessesPage(main);
    case 'review':
      return reviewPage(main);
    case 'estimates':
      return estimatesPage(main);
    case 'import':
      return importPage(main);
    case 'kinship':
      return kinshipPage(main);
    case 'ledger':
      return ledgerPage(main, query.has('at') ? Number(query.get('at')) : undefined);
    case 'records':
      return recordPage(main, parts[1] ?? '');
    default:
      return mapPage(main);
  }
}

let rendering = 0;
async function render(): Promise<void> {
  const mine = ++rendering;
  delete document.body.dataset.ready;
  applyToDocument();
  const main = h('main', { id: 'main', tabindex: '-1' }, loading());
  clear(root, header(), main);
  try {
    await route(main);
  } catch (error) {
    if (mine !== rendering) return;
    if (error instanceof ApiError && error.status === 401) {
      setSession(null);
      location.hash = '#/login';
      return;
    }
    clear(main, problem(error));
  }
  if (mine === rendering) {
    document.body.dataset.ready = location.hash || '#/map';
    // The browser tests read how long the first page took from this mark.
    if (!performance.getEntriesByName('athar-ready').length) performance.mark('athar-ready');
  }
}

async function start(): Promise<void> {
  applyToDocument();
  try {
    setSession(await get<SignedIn>('/api/session'));
  } catch {
    setSession(null);
  }
  window.addEventListener('hashchange', () => {
    delete document.body.dataset.ready;
    void render();
  });
  await render();
}

void start();
