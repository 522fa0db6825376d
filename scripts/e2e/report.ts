// Check results: each check runs, prints one progress line (PASS/FAIL/SKIP, endpoint, what it saw)
// and is recorded for the summary. A check fails by throwing; `ensure` throws a CheckFailure
// whose message is the line's detail.
export type Outcome = 'PASS' | 'FAIL' | 'SKIP';
/** The summary columns; `suite` holds checks about the whole run (top-up, balance, ledger). */
export type Column = 'token' | 'l402' | 'invalid' | 'required' | 'suite';

export interface CheckRecord {
  endpoint: string;
  column: Column;
  name: string;
  outcome: Outcome;
  detail: string;
}

export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

export class Recorder {
  readonly records: CheckRecord[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** Runs one check; its function returns the detail of a pass. Answers whether it passed. */
  async run(endpoint: string, column: Column, name: string, check: () => Promise<string>): Promise<boolean> {
    try {
      this.add({ endpoint, column, name, outcome: 'PASS', detail: await check() });
      return true;
    } catch (err) {
      const detail = err instanceof CheckFailure ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
      this.add({ endpoint, column, name, outcome: 'FAIL', detail });
      return false;
    }
  }

  skip(endpoint: string, column: Column, name: string, reason: string): void {
    this.add({ endpoint, column, name, outcome: 'SKIP', detail: reason });
  }

  counts(): { passed: number; failed: number; skipped: number } {
    const count = (o: Outcome) => this.records.filter((r) => r.outcome === o).length;
    return { passed: count('PASS'), failed: count('FAIL'), skipped: count('SKIP') };
  }

  private add(r: CheckRecord): void {
    this.records.push(r);
    this.log(`${r.outcome.padEnd(4)}  ${r.endpoint}  ${r.name}: ${r.detail}`);
  }
}
