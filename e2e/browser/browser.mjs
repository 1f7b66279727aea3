// Browser helpers for the e2e tests: find Debian's chromium, launch it
// headless through playwright-core (which never downloads a browser of its
// own), and serve the static pages of this folder on a free local port.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

/** Where chromium is looked for; GALLEY_E2E_CHROMIUM overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Returns the chromium executable, or null when there is none. The message
 * for the missing case is MISSING_CHROMIUM.
 */
export function findChromium() {
  const env = process.env.GALLEY_E2E_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export const MISSING_CHROMIUM =
  'chromium is not installed: the browser tests drive Debian\'s chromium (apt-get install -y chromium), ' +
  'or set GALLEY_E2E_CHROMIUM to a Chromium executable';

/** Launches headless chromium (no sandbox: CI runs as root). */
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css' };

/**
 * Serves the files of e2e/browser/ on 127.0.0.1 at a free port; resolves to
 * {url, close()}. Only plain files directly in the folder are served.
 */
export function serveStatic() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    const ext = path.slice(path.lastIndexOf('.'));
    if (path.includes('/') || path.includes('..') || !TYPES[ext] || !existsSync(join(here, path))) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[ext], 'Cache-Control': 'no-store' });
    res.end(readFileSync(join(here, path)));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
