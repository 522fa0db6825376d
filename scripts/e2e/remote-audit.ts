// The ledger audit of a deployed server, through its operator endpoint GET /api/v1/admin/audit
// (the admin secret it keeps in its data directory): reachable only when the operator provides it.
import { request } from 'undici';
import type { LedgerAuditResult } from './suite.js';

export function remoteAudit(baseUrl: string, adminSecret: string | null): () => Promise<LedgerAuditResult | null> {
  return async () => {
    if (!adminSecret) return null;
    const res = await request(`${baseUrl.replace(/\/+$/, '')}/api/v1/admin/audit`, {
      headers: { authorization: `Admin ${adminSecret}` },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) return { ok: false, problems: [`GET /api/v1/admin/audit answered ${res.statusCode}: ${text.slice(0, 200)}`] };
    const body = JSON.parse(text) as { ok?: unknown; problems?: unknown };
    return { ok: body.ok === true, problems: Array.isArray(body.problems) ? body.problems.map(String) : [] };
  };
}
