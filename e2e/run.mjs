#!/usr/bin/env node
// E2E runner: builds (or takes) a galley binary, starts it on a free port with
// a fresh data dir and a superuser, runs `node --test` on tests/*.test.mjs
// against it with GALLEY_URL set, and always stops the server afterwards.
//
// Usage (from e2e/):
//   node run.mjs                     build ../cmd/galley and run every test file
//   node run.mjs tests/records.test.mjs   run only the given files
//   GALLEY_BIN=/path/to/galley node run.mjs   use an already built binary
//   GALLEY_URL=http://127.0.0.1:8090 node run.mjs   use a running server
//     (it must already have the superuser admin@example.com / Secret123!)
//   GALLEY_E2E_KEEP=1 node run.mjs   keep the temp dir (data, server.log)
//   GALLEY_E2E_DB=postgres://… node run.mjs   run the binary on that (empty)
//     PostgreSQL database instead of SQLite (galley --db)
//
// Exit code: 0 when every test passed, non-zero otherwise.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'Secret123!';

function log(msg) {
  process.stderr.write(`[e2e] ${msg}\n`);
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

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitHealthy(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) {
      throw new Error(`galley serve exited early with code ${proc.exitCode}`);
    }
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

function testFiles(args) {
  if (args.length > 0) return args;
  const dir = join(here, 'tests');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => join('tests', f));
}

function runNodeTest(files, env) {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', `--test-timeout=${process.env.GALLEY_E2E_TEST_TIMEOUT || 60000}`, ...files], {
      cwd: here,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

function stopServer(proc) {
  return new Promise((res) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return res();
    const killTimer = setTimeout(() => {
      try {
        proc.kill('SIGKILL');
      } catch {}
    }, 5000);
    proc.once('exit', () => {
      clearTimeout(killTimer);
      res();
    });
    try {
      proc.kill('SIGTERM');
    } catch {
      clearTimeout(killTimer);
      res();
    }
  });
}

function tail(file, lines) {
  try {
    const text = readFileSync(file, 'utf8').split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function main() {
  const files = testFiles(process.argv.slice(2));
  if (files.length === 0) {
    log('no test files found');
    return 1;
  }

  // An already running server: just run the tests against it.
  if (process.env.GALLEY_URL) {
    const url = process.env.GALLEY_URL.replace(/\/+$/, '');
    log(`using running server ${url}`);
    await waitHealthy(url, null, 10000);
    return runNodeTest(files, { ...process.env, GALLEY_URL: url });
  }

  const tmp = mkdtempSync(join(tmpdir(), 'galley-e2e-'));
  const dataDir = join(tmp, 'data');
  const serverLog = join(tmp, 'server.log');
  let server = null;
  let code = 1;

  const cleanup = async () => {
    await stopServer(server);
    if (!process.env.GALLEY_E2E_KEEP) {
      rmSync(tmp, { recursive: true, force: true });
    } else {
      log(`kept ${tmp}`);
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

    log(`creating superuser ${ADMIN_EMAIL} in ${dataDir}`);
    const dbArgs = process.env.GALLEY_E2E_DB ? ['--db', process.env.GALLEY_E2E_DB] : [];
    log(`database: ${process.env.GALLEY_E2E_DB ? 'PostgreSQL' : 'SQLite'}`);
    const su = spawnSync(bin, ['superuser', 'upsert', ADMIN_EMAIL, ADMIN_PASSWORD, '--dir', dataDir, ...dbArgs], {
      encoding: 'utf8',
    });
    if (su.status !== 0) {
      throw new Error(
        `galley superuser upsert failed (exit ${su.status ?? su.error?.message}):\n${su.stdout ?? ''}${su.stderr ?? ''}`,
      );
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const fd = openSync(serverLog, 'a');
    log(`starting galley serve on ${url}`);
    // Every test runs from 127.0.0.1: allow more failed log-ins per IP than the
    // default 10 a minute, so deliberate failures across files never add up to a 429.
    // e2e/hooks holds the JavaScript hooks of hooks.test.mjs.
    server = spawn(bin, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dataDir, '--login-failures-per-ip', '1000',
      '--hooks-dir', join(repoRoot, 'e2e', 'hooks'), ...dbArgs], {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    server.on('error', (e) => log(`server process error: ${e.message}`));

    await waitHealthy(url, server, 30000);
    log('server is healthy, running tests');

    code = await runNodeTest(files, { ...process.env, GALLEY_URL: url, GALLEY_BIN: bin });
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
