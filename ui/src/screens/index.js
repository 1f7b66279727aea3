// Every screen of the dashboard registers here, in one place: import a
// screen module and call its register(). A new screen (records, logs,
// settings, ...) is a module under screens/ exporting register(), which
// calls route() for its paths and navItem() for its sidebar entry.
import { route } from '../lib/router.js';
import { LoginScreen } from './login.js';
import { InstallScreen } from './install.js';
import * as collections from './collections/index.js';
import * as records from './records/index.js';
import * as logs from './logs.js';
import * as settings from './settings.js';
import * as backups from './backups.js';
import * as nodes from './nodes.js';

export function registerScreens() {
  route('/login', LoginScreen, { public: true, title: 'Log in' });
  route('/install', InstallScreen, { public: true, title: 'Install' });
  collections.register();
  records.register();
  logs.register();
  settings.register();
  backups.register();
  nodes.register();
}
