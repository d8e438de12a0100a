#!/usr/bin/env node
'use strict';
// Small shim: TypeScript sources run through tsx (CommonJS), the CLI lives in cli.ts.
// On a fresh clone the npm dependencies are not there yet: install them once (npm ci), saying so in one line.
ensureNodeVersion();
ensureDependencies();
require('tsx/cjs');
const { main } = require('./cli.ts');
const { exitInProgress } = require('../harness/deploy/cleanup.ts');

// Exit once the command is done: a request still hanging on a broken homeserver must not keep the run alive.
// After a signal, the signal handler exits (130/143) once its cleanup is done.
const exit = (code) => {
  if (exitInProgress()) return;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
};

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err) => {
    if (err && err.exitCode === 2) {
      process.stderr.write(`knockknock: ${err.message}\n`);
      exit(2);
    } else {
      process.stderr.write(`knockknock: ${err && err.stack ? err.stack : String(err)}\n`);
      exit(1);
    }
  },
);

function ensureDependencies() {
  const path = require('node:path');
  const root = path.resolve(__dirname, '..');
  try {
    require.resolve('tsx/cjs', { paths: [root] });
    return;
  } catch {
    // not installed yet
  }
  process.stderr.write(`knockknock: installing the npm dependencies (npm ci in ${root}, first run only)…\n`);
  const { spawnSync } = require('node:child_process');
  const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (npm.status !== 0) {
    process.stderr.write(
      `knockknock: npm ci failed (${npm.error ? npm.error.message : `exit ${npm.status}`}): run \`npm ci\` in ${root} and try again\n`,
    );
    process.exit(2);
  }
}

/** package.json's engines.node, checked before anything else runs (an older Node fails later with cryptic errors). */
function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 20 || (major === 20 && minor >= 19)) return;
  process.stderr.write(`knockknock: Node.js 20.19 or newer is required (this is ${process.version}): install it from https://nodejs.org\n`);
  process.exit(2);
}
