// The map of sites: Syria's country and governorate outlines shipped with Athar (no tiles, no
// internet), an online tile layer only when the server's operator configures one, sites drawn
// on a canvas and coloured by status; a click opens the site. Adding a site: click the map, fill
// in the form; the governorate is proposed from the outline the point falls in.
import L from 'leaflet';
import { all, get, post } from './api';
import { clear, h } from './dom';
import { lang, num, t, term } from './i18n';
import { problem } from './ui';
import { mayWriteRecords } from './state';

export const statusColours: Record<string, string> = {
  reported: '#6b6b6b',
  unsecured: '#b3261e',
  tampered: '#7a1fa2',
  secured: '#1b6e3a',
  excavating: '#a65c00',
  excavated: '#0b57a4',
};

interface Governorate {
  code: string;
  name_en: string;
  name_ar: string;
}

interface SiteRecord {
  id: string;
  name_ar?: string;
  name_lat?: string;
  latitude: number;
  longitude: number;
  status: string;
  governorate?: string;
}

type Ring = number[][];
// While a new site's point is being picked, a click on a site's marker picks a point too.
let picking = false;
let basemap: { country: any; governorates: any } | null = null;

export async function loadBasemap() {
  if (!basemap) {
    const [country, governorates] = await Promise.all([
      fetch('/geo/syria-country.geojson').then((r) => r.json()),
      fetch('/geo/syria-governorates.geojson').then((r) => r.json()),
    ]);
    basemap = { country, governorates };
  }
  return basemap;
}

function insideRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function governorateAt(lon: number, lat: number, governorates: Governorate[]): string {
  for (const feature of basemap?.governorates.features ?? []) {
    const g = feature.geometry;
    const polygons: Ring[][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const hit = polygons.some((p) => insideRing(lon, lat, p[0]) && !p.slice(1).some((hole) => insideRing(lon, lat, hole)));
    if (hit) {
      const match = governorates.find((x) => x.name_en === feature.properties.name_en || x.name_ar === feature.properties.name_ar);
      if (match) return match.code;
    }
  }
  return '';
}

export function siteName(site: { name_ar?: string; name_lat?: string; id: string }): string {
  const first = lang() === 'ar' ? site.name_ar || site.name_lat : site.name_lat || site.name_ar;
  return first || site.id;
}

export async function mapPage(main: HTMLElement): Promise<void> {
  const mapBox = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': t('map') });
  const side = h('div', { class: 'map-side' });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  clear(main, h('h1', {}, t('sites')), count, h('div', { class: 'map-layout' }, mapBox, side));

  const [geo, sites, fields] = await Promise.all([
    loadBasemap(),
    all<SiteRecord>('/api/sites'),
    get<{ governorates: Governorate[] }>('/api/fields'),
  ]);

  const map = L.map(mapBox, { preferCanvas: true, zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  L.geoJSON(geo.country, { style: { color: '#3a3a3a', weight: 2, fill: true, fillColor: '#f3efe6', fillOpacity: 1 } }).addTo(map);
  const outlines = L.geoJSON(geo.governorates, {
    style: { color: '#8a8170', weight: 1, fill: false },
    attribution: t('attribution'),
  }).addTo(map);
  map.fitBounds(outlines.getBounds(), { padding: [8, 8] });
  // An online tile layer only when the server's operator configured one (athar serve --tiles).
  const config: { tiles?: string; tiles_attribution?: string } = await fetch('/config.json')
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  if (config.tiles) L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.tiles_attribution ?? '' }).addTo(map);

  const renderer = L.canvas({ padding: 0.2 });
  for (const site of sites) {
    const marker = L.circleMarker([site.latitude, site.longitude], {
      renderer,
      radius: 7,
      color: '#ffffff',
      weight: 1.5,
      fillColor: statusColours[site.status] ?? '#444',
      fillOpacity: 0.95,
    });
    marker.bindTooltip(`${siteName(site)} · ${term('status', site.status)}`);
    marker.on('click', () => {
      if (!picking) location.hash = `#/sites/${site.id}`;
    });
    marker.addTo(map);
  }
  count.textContent = `${num(sites.length)} ${t('sites')}`;

  // A list beside the map: every site reachable by keyboard, and the legend.
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': t('legend') },
    Object.entries(statusColours).map(([status, colour]) =>
      h('li', {}, h('span', { class: 'swatch', 'data-colour': colour }), term('status', status)),
    ),
  );
  for (const swatch of legend.querySelectorAll<HTMLElement>('.swatch')) swatch.style.background = swatch.dataset.colour ?? '';
  const list = h(
    'ol',
    { class: 'site-list' },
    sites.slice(0, 200).map((s) => h('li', {}, h('a', { href: `#/sites/${s.id}` }, siteName(s)), ' ', h('span', { class: `badge status-${s.status}` }, term('status', s.status)))),
  );
  const adding = h('div', { class: 'add-site' });
  if (mayWriteRecords()) {
    const button = h('button', { type: 'button', id: 'add-site' }, t('add_site'));
    button.addEventListener('click', () => startAdding(map, adding, fields.governorates));
    adding.append(button);
  }
  side.append(adding, h('h2', {}, t('legend')), legend, h('h2', {}, t('sites')), list);
  requestAnimationFrame(() => map.invalidateSize());
}

function startAdding(map: L.Map, box: HTMLElement, governorates: Governorate[]): void {
  clear(box, h('p', { class: 'hint', role: 'status' }, t('add_site_hint')));
  map.getContainer().classList.add('picking');
  picking = true;
  let pin: L.CircleMarker | null = null;
  map.once('click', (event: L.LeafletMouseEvent) => {
    map.getContainer().classList.remove('picking');
    picking = false;
    const { lat, lng } = event.latlng;
    pin = L.circleMarker(event.latlng, { radius: 9, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1 }).addTo(map);
    const field = (name: string, label: string, input: HTMLElement) =>
      h('label', { for: `site-${name}` }, label, input);
    const text = (name: string, value = '') => h('input', { id: `site-${name}`, name, value, autocomplete: 'off' });
    const governorate = h(
      'select',
      { id: 'site-governorate', name: 'governorate', required: true },
      h('option', { value: '' }, '—'),
      governorates.map((g) => h('option', { value: g.code }, lang() === 'ar' ? g.name_ar : g.name_en)),
    ) as HTMLSelectElement;
    governorate.value = governorateAt(lng, lat, governorates);
    const status = h(
      'select',
      { id: 'site-status', name: 'status' },
      Object.keys(statusColours).map((s) => h('option', { value: s }, term('status', s))),
    ) as HTMLSelectElement;
    const message = h('div', { 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'form', id: 'site-form' },
      field('latitude', t('latitude'), text('latitude', lat.toFixed(5))),
      field('longitude', t('longitude'), text('longitude', lng.toFixed(5))),
      field('name_ar', t('name_ar'), text('name_ar')),
      field('name_lat', t('name_lat'), text('name_lat')),
      field('governorate', t('governorate'), governorate),
      field('status', t('status'), status),
      field('description', t('description'), h('textarea', { id: 'site-description', name: 'description' })),
      message,
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('save')), h('button', { type: 'button', class: 'secondary', id: 'site-cancel' }, t('cancel'))),
    ) as HTMLFormElement;
    form.querySelector('#site-cancel')?.addEventListener('click', () => {
      pin?.remove();
      clear(box);
      void mapPageAgain();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const values: Record<string, string> = {};
      for (const [k, v] of data.entries()) if (String(v).trim()) values[k] = String(v).trim();
      try {
        const created = await post('/api/sites', { fields: values });
        const warnings: any[] = created.warnings ?? [];
        if (!warnings.length) {
          location.hash = `#/sites/${created.id}`;
          return;
        }
        // Stored all the same; the investigator reads what looks wrong before moving on.
        clear(
          message,
          h('div', { class: 'warnings', role: 'status', id: 'site-warnings' }, t('saved_with_warnings'), h('ul', {}, warnings.map((w) => h('li', {}, w.text ?? w.problem)))),
          h('a', { href: `#/sites/${created.id}` }, t('open_site')),
        );
      } catch (error) {
        clear(message, problem(error));
      }
    });
    clear(box, form);
    (form.querySelector('#site-name_ar') as HTMLElement | null)?.focus();
  });
}

async function mapPageAgain() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
