// Drafts of unsaved edits, kept in sessionStorage so that a reload or an
// expired session (log in again) does not lose what was typed. A draft lives
// for the tab, never in localStorage.
const PREFIX = 'galley.draft.';

export function loadDraft(key) {
  try {
    const raw = sessionStorage.getItem(PREFIX + key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function saveDraft(key, value) {
  try {
    sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the draft stays in memory only
  }
}

export function dropDraft(key) {
  try {
    sessionStorage.removeItem(PREFIX + key);
  } catch {}
}
