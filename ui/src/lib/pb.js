// The one API client of the dashboard: the pocketbase SDK against this
// server, with the superuser's session in localStorage under a key of its
// own (an app served from the same origin keeps its own session).
import PocketBase, { LocalAuthStore } from 'pocketbase';
import { createStore } from './store.js';

export const pb = new PocketBase(location.origin, new LocalAuthStore('galley_dashboard_auth'));
// Screens may load the same list twice (sidebar and overview): never cancel.
pb.autoCancellation(false);

/**
 * session holds {user, expired}: user is the superuser record when logged
 * in; expired is true when a call answered 401 while a token was held, so
 * the shell asks for the password again over the screen (which stays
 * mounted, with what was typed).
 */
export const session = createStore({ user: currentUser(), expired: false });

function currentUser() {
  return pb.authStore.isValid && pb.authStore.isSuperuser ? pb.authStore.record : null;
}

pb.authStore.onChange(() => {
  const user = currentUser();
  session.set((s) => ({ user: user || (s.expired ? s.user : null), expired: user ? false : s.expired }));
});

// Calls that answer 401 because of credentials, not of a session.
const AUTH_CALLS = /\/(auth-with-password|auth-with-otp|request-otp|install|auth-methods)(\?|$)/;

pb.afterSend = (response, data, options) => {
  // Only a refusal of the token held now ends the session: an answer to a
  // call sent with an older token (before a new log-in) does not.
  const sentWith = options?.headers?.Authorization || options?.headers?.authorization || '';
  if (response.status === 401 && session.get().user && !AUTH_CALLS.test(response.url) && sentWith && sentWith === pb.authStore.token) {
    session.set((s) => ({ ...s, expired: true }));
  }
  return data;
};

/** logOut forgets the session. */
export function logOut() {
  pb.authStore.clear();
  session.set({ user: null, expired: false });
}

/**
 * checkSession refreshes a stored token at start: a token that the server
 * no longer accepts (expired, password changed) ends the session.
 */
export async function checkSession() {
  if (!pb.authStore.token) return;
  if (!pb.authStore.isValid || !pb.authStore.isSuperuser) {
    logOut();
    return;
  }
  try {
    await pb.collection('_superusers').authRefresh();
  } catch (e) {
    if (e.status === 401 || e.status === 403 || e.status === 404) logOut();
  }
}
