// The CI step `.ci/npm-audit`: fails on high or critical advisories in production dependencies,
// passes a clean (or low-only) report, and only notices an unreachable audit endpoint. Fed with
// `npm audit --json` outputs in each shape (the registry here answers the audit endpoint 405).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'abl-audit-'));

function audit(report: unknown): Promise<{ code: number; output: string }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof report === 'string' ? report : JSON.stringify(report));
  return new Promise((resolve) => {
    execFile(join(process.cwd(), '.ci', 'npm-audit'), [], { env: { ...process.env, ABL_AUDIT_JSON: file } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, output: stdout + stderr });
    });
  });
}

const counts = (over: Record<string, number>) => ({ info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...over });

describe('.ci/npm-audit', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on a high or critical advisory, naming it', async () => {
    const r = await audit({
      auditReportVersion: 2,
      vulnerabilities: {
        fastify: { name: 'fastify', severity: 'high', range: '<5.3.2', via: [{ title: 'Content-Type parsing bypass', url: 'https://github.com/advisories/GHSA-x' }], fixAvailable: true },
      },
      metadata: { vulnerabilities: counts({ high: 1, total: 1 }) },
    });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/high\s+fastify <5\.3\.2 Content-Type parsing bypass/);
    expect((await audit({ auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: counts({ critical: 2, total: 2 }) } })).code).toBe(1);
  });

  it('passes a report with nothing above moderate', async () => {
    const r = await audit({ auditReportVersion: 2, vulnerabilities: { x: { severity: 'low', via: [] } }, metadata: { vulnerabilities: counts({ low: 1, moderate: 2, total: 3 }) } });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/no high or critical vulnerabilities in production dependencies \(3 lower ones\)/);
  });

  it('only notices an unreachable audit endpoint, or no JSON at all', async () => {
    const unreachable = await audit({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } });
    expect(unreachable.code).toBe(0);
    expect(unreachable.output).toMatch(/NOTICE: npm audit could not reach the registry audit endpoint \(405 Method Not Allowed/);
    expect(unreachable.output).toMatch(/NOT audited/);
    const offline = await audit('');
    expect(offline.code).toBe(0);
    expect(offline.output).toMatch(/NOT audited/);
  });
});
