// The collections screens: overview, editor (new and existing), import and
// export. /collections/:id is the collection's home, which the records
// screen will take over (register it with a higher priority); until then it
// opens the editor.
import { useEffect } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { route, navItem, navigate } from '../../lib/router.js';
import { CollectionsOverview } from './overview.js';
import { CollectionEditor } from './editor.js';
import { ImportScreen, ExportScreen } from './transfer.js';

function CollectionHome({ params }) {
  useEffect(() => navigate(`#/collections/${encodeURIComponent(params.id)}/edit`, { replace: true }), [params.id]);
  return html`<p role="status">Opening…</p>`;
}

export function register() {
  route('/collections', CollectionsOverview, { title: 'Collections' });
  route('/collections/new', CollectionEditor, { title: 'New collection' });
  route('/collections/import', ImportScreen, { title: 'Import collections' });
  route('/collections/export', ExportScreen, { title: 'Export collections' });
  route('/collections/:id/edit', CollectionEditor, { title: 'Edit collection' });
  route('/collections/:id', CollectionHome, { priority: -1 });
  navItem({ label: 'Collections', href: '#/collections', order: 10, match: /^\/collections/ });
}
