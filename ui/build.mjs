// Builds the dashboard into ../internal/dashboard/dist (index.html, app.js,
// app.css, favicon.svg), which Go embeds. Deterministic: no timestamps, no
// source maps, no absolute paths, so CI can rebuild and compare with git.
//
//   cd ui && npm ci && npm run build
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'internal', 'dashboard', 'dist');

mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) rmSync(join(out, f), { recursive: true, force: true });

await build({
  absWorkingDir: here,
  entryPoints: ['src/main.js'],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  charset: 'utf8',
  sourcemap: false,
  logLevel: 'warning',
  banner: {
    js: '/* Galley dashboard. Bundles preact (MIT), htm (Apache-2.0) and pocketbase (MIT). */',
    css: '/* Galley dashboard */',
  },
});
for (const f of ['index.html', 'favicon.svg']) copyFileSync(join(here, 'src', f), join(out, f));
console.log(`built ${readdirSync(out).sort().join(', ')} in internal/dashboard/dist`);
