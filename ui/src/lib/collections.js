// The collections list, shared by the sidebar, the overview and the
// editors (relation targets, rule completions).
import { pb } from './pb.js';
import { createStore } from './store.js';

export const collections = createStore({ items: [], loaded: false, error: null });

let pending = null;

/** loadCollections (re)reads every collection; concurrent calls share one request. */
export function loadCollections() {
  if (pending) return pending;
  pending = pb.collections
    .getFullList({ perPage: 500, sort: 'name' })
    .then((items) => collections.set({ items, loaded: true, error: null }))
    .catch((error) => collections.set((s) => ({ ...s, error })))
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** findCollection returns the collection with that id or name, or undefined. */
export function findCollection(idOrName) {
  return collections.get().items.find((c) => c.id === idOrName || c.name === idOrName);
}

/** isSystem tells system collections (their names start with "_"). */
export function isSystem(c) {
  return c.system || c.name.startsWith('_');
}
