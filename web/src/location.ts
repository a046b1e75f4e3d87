// A site's place on a small map: its point and outline over the offline basemap. Roles that
// write records may move the point (drag it) and draw the outline (click its corners), then
// save; the change is a ledger entry like any other.
import L from 'leaflet';
import { request } from './api';
import { clear, h } from './dom';
import { t } from './i18n';
import { loadBasemap } from './map';
import { mayWriteRecords } from './state';
import { problem } from './ui';

export async function locationMap(box: HTMLElement, site: any, saved: () => void): Promise<void> {
  const mapBox = h('div', { class: 'map small', id: 'site-map', role: 'region', 'aria-label': t('location') });
  const tools = h('div', { class: 'buttons' });
  const message = h('div', { 'aria-live': 'polite' });
  clear(box, mapBox, tools, message);
  const geo = await loadBasemap();
  const point = L.latLng(site.latitude, site.longitude);
  // The view first: Leaflet's vector layers need one before they are added.
  const map = L.map(mapBox, { zoomSnap: 0.25 }).setView(point, 11);
  map.attributionControl.setPrefix(false);
  L.geoJSON(geo.country, { style: { color: '#3a3a3a', weight: 2, fill: true, fillColor: '#f3efe6', fillOpacity: 1 } }).addTo(map);
  L.geoJSON(geo.governorates, { style: { color: '#8a8170', weight: 1, fill: false }, attribution: t('attribution') }).addTo(map);
  const marker = L.circleMarker(point, { radius: 8, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 1 }).addTo(map);
  let corners: L.LatLng[] = [];
  if (site.polygon) {
    try {
      // [[lon, lat], ...]: the API gives it parsed; older replies as its JSON text.
      const points: number[][] = typeof site.polygon === 'string' ? JSON.parse(site.polygon) : site.polygon;
      corners = points.map(([lon, lat]) => L.latLng(lat, lon));
    } catch {
      corners = [];
    }
  }
  // Leaflet cannot draw a polygon of no corners: the layer exists only while there are some.
  let outline: L.Polygon | null = null;
  const showOutline = () => {
    outline?.remove();
    outline = corners.length ? L.polygon(corners, { color: '#a1201a', weight: 2, fillOpacity: 0.15 }).addTo(map) : null;
  };
  showOutline();
  const drawn = outline as L.Polygon | null;  // set by showOutline()
  if (drawn && corners.length >= 3) map.fitBounds(drawn.getBounds().extend(point), { padding: [20, 20], maxZoom: 16 });
  requestAnimationFrame(() => map.invalidateSize());
  if (!mayWriteRecords()) return;

  let moved = point;
  let mode: 'none' | 'point' | 'outline' = 'none';
  map.on('click', (event: L.LeafletMouseEvent) => {
    if (mode === 'point') {
      moved = event.latlng;
      marker.setLatLng(moved);
    } else if (mode === 'outline') {
      corners.push(event.latlng);
      showOutline();
    }
  });
  const button = (id: string, label: string, action: () => void, secondary = true) => {
    const b = h('button', { type: 'button', id, class: secondary ? 'secondary' : '' }, label);
    b.addEventListener('click', action);
    return b;
  };
  const setMode = (next: typeof mode, hint: string) => {
    mode = next;
    mapBox.classList.toggle('picking', next !== 'none');
    clear(message, h('p', { class: 'hint', role: 'status' }, hint));
  };
  tools.append(
    button('move-point', t('move_point'), () => setMode('point', t('move_point_hint'))),
    button('draw-outline', t('draw_outline'), () => {
      corners = [];
      showOutline();
      setMode('outline', t('draw_outline_hint'));
    }),
    button(
      'save-location',
      t('save'),
      async () => {
        const fields: Record<string, string | null> = { latitude: moved.lat.toFixed(6), longitude: moved.lng.toFixed(6) };
        if (corners.length >= 3) fields.polygon = JSON.stringify(corners.map((c) => [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))]));
        try {
          const updated = await request('PATCH', `/api/sites/${encodeURIComponent(site.id)}`, { fields });
          mode = 'none';
          mapBox.classList.remove('picking');
          const warnings: any[] = updated.warnings ?? [];
          clear(message, h('p', { class: 'ok', id: 'location-saved' }, `✔ ${t('location_saved')}`), warnings.length ? h('ul', { class: 'warnings' }, warnings.map((w) => h('li', {}, w.text ?? w.problem))) : null);
          saved();
        } catch (error) {
          clear(message, problem(error));
        }
      },
      false,
    ),
  );
}
