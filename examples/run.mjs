#!/usr/bin/env node
// Runs one example app's browser tests against a real galley binary.
//
// Usage (from examples/):
//   node run.mjs <app> [--db <postgres dsn>] [test files…]
//
// It builds ../cmd/galley (or takes GALLEY_BIN), makes a fresh temp --dir,
// creates the superuser admin@example.com / Secret123!, starts
//   galley serve --dir … --hooks-dir <app>/pb_hooks --migrations-dir <app>/pb_migrations
//                --public-dir <app>/pb_public
// on a free port, waits for /api/health and runs `node --test <app>/tests/*.test.mjs`
// with GALLEY_URL set, then always stops the server.
//
// With --db (or GALLEY_E2E_DB) a PostgreSQL DSN: a fresh database is created on that
// server for the run (psql, as scripts/test.sh does for e2e) and dropped afterwards.
//
// The tests may stop, start and restart the server (same port, same --dir and database)
// through a small control server: POST $GALLEY_CONTROL_URL/stop|start|restart
// (examples/lib.mjs has control()).
//
// Environment: GALLEY_BIN, GALLEY_E2E_DB, GALLEY_EXAMPLES_KEEP=1 (keep the temp dir and
// the database), GALLEY_EXAMPLES_TEST_TIMEOUT (ms per test file, default 120000).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'Secret123!';

function log(msg) {
  process.stderr.write(`[examples] ${msg}\n`);
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`galley serve exited early with code ${proc.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      lastErr = `status ${res.status}`;
    } catch (e) {
      lastErr = e?.cause?.code || e.message;
    }
    await sleep(100);
  }
  throw new Error(`GET ${url}/api/health did not answer 200 within ${timeoutMs} ms (last: ${lastErr})`);
}

function stopProcess(proc) {
  return new Promise((res) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return res();
    const killTimer = setTimeout(() => {
      try { proc.kill('SIGKILL'); } catch {}
    }, 5000);
    proc.once('exit', () => { clearTimeout(killTimer); res(); });
    try { proc.kill('SIGTERM'); } catch { clearTimeout(killTimer); res(); }
  });
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function parseArgs(argv) {
  const out = { app: null, db: process.env.GALLEY_E2E_DB || '', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') out.db = argv[++i] ?? '';
    else if (a.startsWith('--db=')) out.db = a.slice(5);
    else if (!out.app) out.app = a.replace(/\/+$/, '');
    else out.files.push(a);
  }
  return out;
}

/** Replaces the database name of a postgres DSN. */
function withDatabase(dsn, name) {
  const u = new URL(dsn);
  u.pathname = `/${name}`;
  return u.toString();
}

function psql(adminDsn, sql) {
  const r = spawnSync('psql', [adminDsn, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.app) {
    log('usage: node run.mjs <app> [--db <postgres dsn>] [test files…]');
    return 2;
  }
  const appDir = join(here, args.app);
  if (!existsSync(appDir)) {
    log(`no app ${appDir}`);
    return 2;
  }
  let files = args.files.map((f) => resolve(f));
  if (files.length === 0) {
    const dir = join(appDir, 'tests');
    files = existsSync(dir)
      ? readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(dir, f))
      : [];
  }
  if (files.length === 0) {
    log(`no test files in ${args.app}/tests`);
    return 1;
  }

  const tmp = mkdtempSync(join(tmpdir(), `galley-ex-${args.app}-`));
  const dataDir = join(tmp, 'data');
  const serverLog = join(tmp, 'server.log');
  let server = null;
  let control = null;
  let code = 1;
  let pgAdmin = '';
  let pgName = '';

  const cleanup = async () => {
    await stopProcess(server);
    await new Promise((r) => (control ? control.close(() => r()) : r()));
    if (process.env.GALLEY_EXAMPLES_KEEP) {
      log(`kept ${tmp}${pgName ? ` and database ${pgName}` : ''}`);
      return;
    }
    rmSync(tmp, { recursive: true, force: true });
    if (pgName) {
      try { psql(pgAdmin, `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`); } catch (e) { log(e.message); }
    }
  };
  const onSignal = (sig) => {
    log(`received ${sig}, stopping server`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let bin = process.env.GALLEY_BIN;
    if (bin) {
      bin = resolve(bin);
      if (!existsSync(bin)) throw new Error(`GALLEY_BIN=${bin} does not exist`);
    } else {
      bin = join(tmp, 'galley');
      log(`building ${bin}`);
      const b = spawnSync('go', ['build', '-o', bin, './cmd/galley'], { cwd: repoRoot, stdio: 'inherit' });
      if (b.status !== 0) throw new Error(`go build failed (exit ${b.status ?? b.error?.message})`);
    }

    const dbArgs = [];
    if (args.db) {
      pgName = `galley_ex_${args.app.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
      pgAdmin = withDatabase(args.db, 'postgres');
      psql(pgAdmin, `DROP DATABASE IF EXISTS ${pgName}`);
      psql(pgAdmin, `CREATE DATABASE ${pgName}`);
      dbArgs.push('--db', withDatabase(args.db, pgName));
      log(`database: PostgreSQL (fresh database ${pgName})`);
    } else {
      log('database: SQLite');
    }

    log(`creating superuser ${ADMIN_EMAIL} in ${dataDir}`);
    const su = spawnSync(bin, ['superuser', 'upsert', ADMIN_EMAIL, ADMIN_PASSWORD, '--dir', dataDir, ...dbArgs], { encoding: 'utf8' });
    if (su.status !== 0) {
      throw new Error(`galley superuser upsert failed (exit ${su.status ?? su.error?.message}):\n${su.stdout ?? ''}${su.stderr ?? ''}`);
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serveArgs = ['serve', '--http', `127.0.0.1:${port}`, '--dir', dataDir, '--login-failures-per-ip', '1000'];
    for (const [flag, sub] of [['--hooks-dir', 'pb_hooks'], ['--migrations-dir', 'pb_migrations'], ['--public-dir', 'pb_public']]) {
      if (existsSync(join(appDir, sub))) serveArgs.push(flag, join(appDir, sub));
    }
    serveArgs.push(...dbArgs);

    const start = async () => {
      if (server && server.exitCode === null && server.signalCode === null) return;
      const fd = openSync(serverLog, 'a');
      log(`starting galley ${serveArgs.join(' ')}`);
      server = spawn(bin, serveArgs, { stdio: ['ignore', fd, fd] });
      closeSync(fd);
      server.on('error', (e) => log(`server process error: ${e.message}`));
      await waitHealthy(url, server, 30000);
    };
    const stop = async () => {
      await stopProcess(server);
    };

    // The control server: tests stop and start galley through it.
    control = createHttpServer(async (req, res) => {
      try {
        const action = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '');
        if (req.method !== 'POST') throw new Error('POST only');
        if (action === 'stop') await stop();
        else if (action === 'start') await start();
        else if (action === 'restart') { await stop(); await start(); }
        else throw new Error(`unknown action ${action}`);
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e.message));
      }
    });
    const controlPort = await freePort();
    await new Promise((r) => control.listen(controlPort, '127.0.0.1', r));

    await start();
    log(`server is healthy at ${url}, running ${files.length} test file(s)`);

    code = await new Promise((res) => {
      const child = spawn(process.execPath, [
        '--test', '--test-reporter=spec', '--test-concurrency=1',
        `--test-timeout=${process.env.GALLEY_EXAMPLES_TEST_TIMEOUT || 120000}`, ...files,
      ], {
        cwd: appDir,
        env: {
          ...process.env,
          GALLEY_URL: url,
          GALLEY_CONTROL_URL: `http://127.0.0.1:${controlPort}`,
          GALLEY_EXAMPLE_APP: args.app,
          GALLEY_EXAMPLE_DB: args.db ? 'postgres' : 'sqlite',
        },
        stdio: 'inherit',
      });
      child.on('exit', (c, signal) => res(c ?? (signal ? 1 : 0)));
    });
    if (code !== 0) {
      log(`tests failed (exit ${code}); last lines of the server log:`);
      process.stderr.write(tail(serverLog, 60) + '\n');
    }
  } catch (e) {
    log(`error: ${e.message}`);
    if (existsSync(serverLog)) process.stderr.write(tail(serverLog, 60) + '\n');
    code = 1;
  } finally {
    await cleanup();
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`fatal: ${e.stack || e}`);
    process.exit(1);
  },
);
