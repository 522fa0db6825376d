// The files an archive leaves: <name>.jsonl (one journal row with its entries per line, in id
// order) and <name>.manifest.json (counts, per-account sums, sha256 of the lines file and the
// checkpoints it replaced). Written to temporary names and renamed, the manifest last.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, openSync, closeSync, fsyncSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export const ARCHIVE_FORMAT = 'alittlebitofmoney-ledger-archive/1';

export interface ArchivedRow {
  id: string;
  kind: string;
  ref: string | null;
  memo: string | null;
  created_at: string;
  /** [account id, amount msat] as decimal strings */
  entries: [string, string][];
}

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  name: string;
  /** the operator's cut: rows created before it, and below below_journal_id */
  before: string;
  below_journal_id: string;
  created_at: string;
  journal_rows: number;
  entries: number;
  file: { name: string; bytes: number; sha256: string };
  /** each account's sum over the archived entries: the carry-forward row left in the ledger */
  per_account_msat: Record<string, string>;
  carry_forward_journal_id: string;
  /** the verified checkpoints whose rows this archive took, with their digests and chain hashes */
  replaced_checkpoints: { from_journal_id: string; below_journal_id: string; digest: string; chain: string; archive: string | null }[];
}

/** Archived rows' entries summed per account, and per account money in (credits) and out (debits) apart. */
export class EntrySums {
  readonly sums = new Map<string, bigint>();
  readonly credits = new Map<string, bigint>();
  readonly debits = new Map<string, bigint>();

  add(entries: readonly [account: string, msat: string][]): void {
    for (const [account, msat] of entries) {
      const v = BigInt(msat);
      this.sums.set(account, (this.sums.get(account) ?? 0n) + v);
      const side = v < 0n ? this.debits : this.credits;
      side.set(account, (side.get(account) ?? 0n) + v);
    }
  }
}

/** Appends lines to <dir>/<name>.jsonl.tmp, hashing and summing as it goes. */
export class ArchiveWriter extends EntrySums {
  readonly path: string;
  private fd: number;
  private hash = createHash('sha256');
  bytes = 0;
  rows = 0;
  entries = 0;

  constructor(dir: string, name: string) {
    super();
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${name}.jsonl`);
    this.fd = openSync(`${this.path}.tmp`, 'w');
  }

  write(row: ArchivedRow): void {
    const line = Buffer.from(JSON.stringify(row) + '\n', 'utf8');
    writeSync(this.fd, line);
    this.hash.update(line);
    this.bytes += line.length;
    this.rows++;
    this.entries += row.entries.length;
    this.add(row.entries);
  }

  /** fsync and rename into place; returns the file's description for the manifest */
  finish(): ArchiveManifest['file'] {
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(`${this.path}.tmp`, this.path);
    return { name: basename(this.path), bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

export function writeManifest(dir: string, manifest: ArchiveManifest): string {
  const path = join(dir, `${manifest.name}.manifest.json`);
  const fd = openSync(`${path}.tmp`, 'w');
  writeSync(fd, JSON.stringify(manifest, null, 2) + '\n');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Re-reads an archive: the file's checksum and size, every row balanced, counts and per-account sums as the manifest says. */
export async function verifyArchive(manifestPath: string): Promise<{ ok: boolean; problems: string[]; manifest: ArchiveManifest }> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ArchiveManifest;
  const problems: string[] = [];
  if (manifest.format !== ARCHIVE_FORMAT) problems.push(`unknown format ${String(manifest.format)}`);
  const file = join(dirname(manifestPath), manifest.file.name);
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  let entries = 0;
  let lastId = -1n;
  const sums = new Map<string, bigint>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const raw = Buffer.from(line + '\n', 'utf8');
    hash.update(raw);
    bytes += raw.length;
    rows++;
    const row = JSON.parse(line) as ArchivedRow;
    if (BigInt(row.id) <= lastId) problems.push(`journal ${row.id} is out of order`);
    lastId = BigInt(row.id);
    let sum = 0n;
    for (const [account, msat] of row.entries) {
      entries++;
      sum += BigInt(msat);
      sums.set(account, (sums.get(account) ?? 0n) + BigInt(msat));
    }
    if (sum !== 0n) problems.push(`journal ${row.id} does not balance (${sum} msat)`);
  }
  const sha = hash.digest('hex');
  if (sha !== manifest.file.sha256) problems.push(`${manifest.file.name}: sha256 ${sha}, the manifest says ${manifest.file.sha256}`);
  if (bytes !== manifest.file.bytes) problems.push(`${manifest.file.name}: ${bytes} bytes, the manifest says ${manifest.file.bytes}`);
  if (rows !== manifest.journal_rows) problems.push(`${rows} journal rows, the manifest says ${manifest.journal_rows}`);
  if (entries !== manifest.entries) problems.push(`${entries} entries, the manifest says ${manifest.entries}`);
  for (const account of new Set([...sums.keys(), ...Object.keys(manifest.per_account_msat)])) {
    const got = sums.get(account) ?? 0n;
    const said = BigInt(manifest.per_account_msat[account] ?? '0');
    if (got !== said) problems.push(`account ${account}: the rows sum to ${got} msat, the manifest says ${said} msat`);
  }
  return { ok: problems.length === 0, problems, manifest };
}
