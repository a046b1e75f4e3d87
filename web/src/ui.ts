// Pieces every page uses: headings, tables, status badges, error and refusal messages.
import { ApiError } from './api';
import { Child, h } from './dom';
import { t, term } from './i18n';
import { session } from './state';

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, term('status', status));
}

export function table(headers: string[], rows: Child[][], caption?: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
    ),
  );
}

export function recordLink(id: string, label?: string): HTMLElement {
  const kind = id.split('-')[0];
  const route = kind === 'site' ? 'sites' : kind === 'person' ? 'persons' : kind === 'W' ? 'witnesses' : 'records';
  return h('a', { href: `#/${route}/${encodeURIComponent(id)}` }, label || id);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

// An error as the server worded it; a refusal by role says so plainly.
export function problem(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.status === 403 && session()) {
    return h('p', { class: 'refusal', role: 'alert' }, t('not_allowed', { role: term('role', session()?.role ?? '') }), ' ', h('small', {}, error.message));
  }
  const message = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${message}`);
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', 'aria-live': 'polite' }, t('loading'));
}
