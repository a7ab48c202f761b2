/**
 * Harness versions end to end, as a user runs them: `kilobench run --harness kilo@7.7.2,kilo@7.7.9`
 * with the real Kilo binaries (each fetched once through npm into the user cache, side by side) on
 * a bundled task, against the simulated provider through the real metering proxy; then the report's
 * "harness versions" view. An unknown version must fail before any trial, listing what npm offers
 * (asked of a registry on loopback that serves the package's real versions document).
 * KILOBENCH_KILO_ALL_VERSIONS=1 runs every release KiloBench lists (7.0.33 and 7.7.7 too).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareKilo } from '../../../src/core/harness/kilo/binary';
import { KILO_TESTED_VERSIONS } from '../../../src/core/harness/kilo/versions';
import { Store, type TrialRecord } from '../../../src/core/store';
import { kilobench, kilobenchAsync } from '../../helpers/cli';
import { tempDir } from '../../helpers/task-fixtures';

const VERSIONS = process.env.KILOBENCH_KILO_ALL_VERSIONS === '1' ? [...KILO_TESTED_VERSIONS] : ['7.7.2', '7.7.9'];
const PACKAGE = '@kilocode/cli-linux-x64';

/** The npm registry's one route `npm view <package> versions` needs, on loopback; 404 elsewhere. */
async function startRegistry(versions: string[]): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url === `/${PACKAGE.replace('/', '%2f')}`) {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const entries = versions.map((v) => [v, { name: PACKAGE, version: v, dist: { tarball: `${base}/${PACKAGE}/-/cli-linux-x64-${v}.tgz`, integrity: 'sha512-AAAA' } }]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ _id: PACKAGE, name: PACKAGE, 'dist-tags': { latest: versions[versions.length - 1] }, versions: Object.fromEntries(entries) }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function storeContents(db: string): Promise<{ runs: number; trials: TrialRecord[]; findings: Record<string, unknown>[] }> {
  const store = await Store.open(db);
  try {
    const runs = store.listRuns();
    const trials = runs.flatMap((r) => store.listTrials(r.id));
    return { runs: runs.length, trials, findings: trials.flatMap((t) => t.findings as Record<string, unknown>[]) };
  } finally {
    await store.close();
  }
}

describe(`kilo harness versions (real binaries ${VERSIONS.join(', ')})`, function () {
  this.timeout(900_000);
  let root: string;
  before(async function () {
    this.timeout(1_200_000);
    root = tempDir();
    // Test setup: each version's build once into the user cache (no-op when cached, as in CI reruns).
    for (const version of VERSIONS) await prepareKilo({ version });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs the same model through each version; trials carry their version; the report compares versions', async () => {
    const db = join(root, 'versions', 'results.sqlite');
    const harness = VERSIONS.map((v) => `kilo@${v}`).join(',');
    const result = await kilobenchAsync(['run', '--tasks', 'stacktrace-extract', '--models', 'sim/direct', '--harness', harness, '--trials', '1', '--concurrency', '2', '--db', db], { timeoutMs: 840_000 });
    assert.equal(result.code, 0, result.stderr);
    for (const v of VERSIONS) assert.match(result.stdout, new RegExp(`sim/direct · kilo@${v.replace(/\./g, '\\.')}\\s+1\\s+1\\s+0`), result.stdout);

    const { trials, findings } = await storeContents(db);
    assert.equal(trials.length, VERSIONS.length);
    for (const v of VERSIONS) {
      const trial = trials.find((t) => t.harness === `kilo@${v}`);
      assert.ok(trial, `no trial of kilo@${v}`);
      assert.equal(trial.status, 'passed', `${trial.id}: ${trial.error}`);
      // Recorded from the binary's own --version.
      assert.equal(trial.harnessVersion, v);
      // Kilo's own usage reconciles with the metered calls for every release.
      const reconciliation = (trial.findings as Record<string, unknown>[]).find((f) => f.kind === 'kilo_reconciliation');
      assert.ok(reconciliation, `no reconciliation on ${trial.id}`);
      assert.equal(reconciliation.kiloVersion, v);
      assert.equal(reconciliation.mismatches, 0, JSON.stringify(findings.filter((f) => f.explained === false)));
      assert.ok((reconciliation.matched as number) >= 1);
    }

    const json = kilobench(['report', '--format', 'json', '--db', db]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { harnessVersions: { model: string; from: { version: string }; to: { version: string }; tasks: number; costPerAttempt: { estimate: number | null }; callsPerAttempt: { estimate: number | null }; sentence: string }[] };
    assert.deepEqual(report.harnessVersions.map((s) => [s.model, s.from.version, s.to.version, s.tasks]), VERSIONS.slice(1).map((v, i) => ['sim/direct', VERSIONS[i], v, 1]));
    for (const step of report.harnessVersions) {
      // The releases differ in what one attempt costs (prompt, tools, title call): a real, non-zero change.
      assert.ok(step.costPerAttempt.estimate !== null && step.costPerAttempt.estimate !== 0, step.sentence);
      assert.ok(step.callsPerAttempt.estimate !== null);
    }
    const table = kilobench(['report', '--format', 'table', '--db', db]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Harness versions/);
    assert.match(table.stdout, new RegExp(`sim/direct\\s+kilo\\s+${VERSIONS[0]!.replace(/\./g, '\\.')} → ${VERSIONS[1]!.replace(/\./g, '\\.')}`));
    assert.match(table.stdout, new RegExp(`kilo ${VERSIONS[1]!.replace(/\./g, '\\.')} vs ${VERSIONS[0]!.replace(/\./g, '\\.')}, sim/direct: .*cost per attempt`));
  });

  it('an unknown version fails before any trial, listing the versions npm offers', async () => {
    const registry = await startRegistry(['7.0.33', '7.7.2', '7.7.7', '7.7.9']);
    try {
      const db = join(root, 'unknown', 'results.sqlite');
      const result = await kilobenchAsync(['run', '--tasks', 'stacktrace-extract', '--models', 'sim/direct', '--harness', `kilo@${VERSIONS[0]},kilo@7.99.1`, '--trials', '1', '--db', db], {
        env: { npm_config_registry: registry.url },
        timeoutMs: 180_000,
      });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /Kilo CLI 7\.99\.1 is not published on npm \(@kilocode\/cli-linux-x64\); npm offers: 7\.0\.33, 7\.7\.2, 7\.7\.7, 7\.7\.9/);
      assert.deepEqual(registry.requests, ['GET /@kilocode%2fcli-linux-x64']);
      const { runs, trials } = await storeContents(db);
      assert.equal(runs, 0);
      assert.equal(trials.length, 0);
    } finally {
      await registry.close();
    }
  });
});
