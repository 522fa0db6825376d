// The group commit's queue, without a database: batches form from what waits, never more than
// `parallel` run at once, a key is never in two running batches, and every caller gets its own result.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../config.js';
import { createGroupCommit } from './group-commit.js';

type Req = { key: string; value: number };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('group commit', () => {
  it('runs at most `parallel` batches at once, a key in one running batch at most, each caller answered with its own result', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const batches: string[][] = [];
    let running = 0;
    let most = 0;
    const live = new Set<string>();
    const run = async (reqs: Req[]) => {
      for (const r of reqs) {
        expect(live.has(r.key)).toBe(false);
        live.add(r.key);
      }
      batches.push(reqs.map((r) => r.key));
      running++;
      most = Math.max(most, running);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      running--;
      for (const r of reqs) live.delete(r.key);
    };
    const commit = createGroupCommit<Req, number>({
      max: 3,
      parallel: 2,
      key: (r) => r.key,
      one: async (r) => (await run([r]), r.value * 10),
      many: async (rs) => (await run(rs), rs.map((r) => r.value * 10)),
    });
    const keys = ['a', 'b', 'a', 'c', 'd', 'a', 'e', 'f', 'g'];
    const results = Promise.all(keys.map((key, i) => commit({ key, value: i })));
    // release the batches one at a time, as they start, until all are done
    let released = 0;
    while (released < 20) {
      await new Promise<void>((r) => setImmediate(r));
      const gate = gates[released];
      if (!gate) {
        if (batches.flat().length === keys.length) break;
        continue;
      }
      gate.resolve();
      released++;
    }
    expect(await results).toEqual(keys.map((_k, i) => i * 10));
    expect(most).toBe(2);
    expect(batches.flat().sort()).toEqual([...keys].sort());
    expect(batches[0]).toEqual(['a', 'b', 'c']); // the first tick's requests, one per key, up to max
    for (const b of batches) expect(new Set(b).size).toBe(b.length);
  });

  it('what a batch leaves undefined goes alone; a batch that throws sends each request alone, and one request’s error is its own', async () => {
    const alone: string[] = [];
    const commit = createGroupCommit<Req, string>({
      max: 8,
      key: (r) => r.key,
      one: async (r) => {
        alone.push(r.key);
        if (r.value < 0) throw new Error(`refused ${r.key}`);
        return `one:${r.key}`;
      },
      many: async (rs) => {
        if (rs.some((r) => r.key === 'boom')) throw new Error('the whole batch');
        return rs.map((r) => (r.value % 2 === 0 ? `many:${r.key}` : undefined));
      },
    });
    expect(await Promise.all([commit({ key: 'x', value: 0 }), commit({ key: 'y', value: 1 }), commit({ key: 'z', value: 2 })])).toEqual(['many:x', 'one:y', 'many:z']);
    expect(alone).toEqual(['y']);
    const settled = await Promise.allSettled([commit({ key: 'boom', value: 0 }), commit({ key: 'bad', value: -1 }), commit({ key: 'ok', value: 0 })]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['one:boom', 'refused bad', 'one:ok']);
  });

  it('a lone request goes at once, in its own statement', async () => {
    let many = 0;
    const commit = createGroupCommit<Req, number>({ max: 8, parallel: 4, key: (r) => r.key, one: async (r) => r.value, many: async (rs) => (many++, rs.map((r) => r.value)) });
    expect(await commit({ key: 'solo', value: 7 })).toBe(7);
    expect(await commit({ key: 'solo', value: 8 })).toBe(8);
    expect(many).toBe(0);
  });
  it('a backlog: room() is null while fewer requests wait, else resolves once a batch has taken enough of them', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const held = async () => {
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
    };
    const commit = createGroupCommit<Req, number>({ max: 2, backlog: 3, key: (r) => r.key, one: async (r) => (await held(), r.value), many: async (rs) => (await held(), rs.map((r) => r.value)) });
    const sent = [commit({ key: 'a', value: 0 })]; // goes at once and stays running
    await new Promise<void>((r) => setImmediate(r));
    expect(commit.room()).toBeNull();
    for (const key of ['b', 'c', 'd', 'e']) sent.push(commit({ key, value: sent.length }));
    let roomy = false;
    const room = commit.room()!.then(() => void (roomy = true));
    await new Promise<void>((r) => setImmediate(r));
    expect(roomy).toBe(false); // four wait behind the running one
    gates[0]!.resolve(); // the next batch takes two: two wait
    await room;
    expect(commit.room()).toBeNull();
    for (let i = 1; i < 3; i++) {
      while (!gates[i]) await new Promise<void>((r) => setImmediate(r));
      gates[i]!.resolve();
    }
    expect(await Promise.all(sent)).toEqual([0, 1, 2, 3, 4]);
  });

  describe('lingering', () => {
    afterEach(() => void vi.useRealTimers());
    const flushed = () => new Promise<void>((r) => setImmediate(r));
    const recording = (lingerMs: number, max = 8) => {
      const batches: string[][] = [];
      // a request keyed busy (busy0, busy1, …) goes alone and keeps its batch running until open(n)
      const gates = new Map<number, ReturnType<typeof deferred>>();
      const gate = (n: number) => gates.get(n) ?? gates.set(n, deferred()).get(n)!;
      const commit = createGroupCommit<Req, number>({
        max,
        lingerMs,
        key: (r) => r.key,
        one: async (r) => (batches.push([r.key]), r.key.startsWith('busy') ? await gate(Number(r.key.slice(4))).promise : undefined, r.value),
        many: async (rs) => (batches.push(rs.map((r) => r.key)), rs.map((r) => r.value)),
      });
      return { commit, batches, open: (n = 0) => gate(n).resolve() };
    };

    it('requests nobody waits for, one after another, share the statement of the one that cannot wait', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches } = recording(60_000);
      const first = commit({ key: 'a', value: 1 }, true);
      await flushed();
      const second = commit({ key: 'b', value: 2 }, true);
      await flushed();
      expect(batches).toEqual([]); // still waiting for company
      expect(await commit({ key: 'c', value: 3 })).toBe(3);
      expect(await Promise.all([first, second])).toEqual([1, 2]);
      expect(batches).toEqual([['a', 'b', 'c']]);
    });

    it('flush sends the lingering requests at once, together: someone is waiting for them', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches } = recording(60_000);
      const sent = ['a', 'b'].map((key, i) => commit({ key, value: i }, true));
      await flushed();
      expect(batches).toEqual([]);
      commit.flush();
      expect(await Promise.all(sent)).toEqual([0, 1]); // no time passed
      expect(batches).toEqual([['a', 'b']]);
      commit.flush(); // nothing lingering: nothing sent
      await flushed();
      expect(batches).toEqual([['a', 'b']]);
    });

    it('a lingering request goes alone when its time is up, and a full batch goes at once', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches } = recording(5, 3);
      const alone = commit({ key: 'a', value: 1 }, true);
      await flushed();
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(5);
      expect(await alone).toBe(1);
      expect(batches).toEqual([['a']]);
      const full = Promise.all(['x', 'y', 'z'].map((key, i) => commit({ key, value: i }, true)));
      expect(await full).toEqual([0, 1, 2]); // no time passed: the third filled the batch
      expect(batches).toEqual([['a'], ['x', 'y', 'z']]);
    });

    it('requests lingering while a batch runs keep waiting for company when it ends, then go together when their time is up', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches, open } = recording(10);
      const running = commit({ key: 'busy', value: 0 }); // someone waits for it: it goes at once and stays running
      await flushed();
      const later = ['a', 'b'].map((key, i) => commit({ key, value: i + 1 }, true));
      open();
      expect(await running).toBe(0);
      await flushed();
      await flushed();
      expect(batches).toEqual([['busy']]); // the batch ended; the lingering two did not follow it alone
      const third = commit({ key: 'c', value: 3 }, true);
      vi.advanceTimersByTime(9);
      await flushed();
      expect(batches).toEqual([['busy']]);
      vi.advanceTimersByTime(1); // 10 ms after the first of them
      expect(await Promise.all([...later, third])).toEqual([1, 2, 3]);
      expect(batches).toEqual([['busy'], ['a', 'b', 'c']]);
    });

    it('a batch that ends with eight or more waiting sends them at once, lingering or not: the server is busy', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches, open } = recording(60_000, 64);
      const running = commit({ key: 'busy', value: 0 });
      await flushed();
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const waiting = keys.map((key, i) => commit({ key, value: i + 1 }, true));
      open();
      expect(await Promise.all([running, ...waiting])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]); // no time passed
      expect(batches).toEqual([['busy'], keys]);
    });

    it('a request lingering while a batch runs goes when it ends if its time ran out meanwhile, or if flushed', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { commit, batches, open } = recording(10);
      const first = commit({ key: 'busy0', value: 0 });
      await flushed();
      const late = commit({ key: 'a', value: 1 }, true);
      vi.advanceTimersByTime(10); // its time is up while the batch still runs
      open(0);
      expect(await Promise.all([first, late])).toEqual([0, 1]);
      expect(batches).toEqual([['busy0'], ['a']]);
      await flushed(); // its slot is free again

      const second = commit({ key: 'busy1', value: 2 });
      await flushed();
      const flushedOne = commit({ key: 'b', value: 3 }, true);
      commit.flush(); // a read waits for it: it goes as soon as the slot is free, no time passing
      open(1);
      expect(await Promise.all([second, flushedOne])).toEqual([2, 3]);
      expect(batches).toEqual([['busy0'], ['a'], ['busy1'], ['b']]);
    });

    it('ABL_SETTLE_LINGER_MS: 10 ms unless set, whole milliseconds from 0 to 100', () => {
      expect(readSettings({}).ABL_SETTLE_LINGER_MS).toBe(10);
      expect(readSettings({ ABL_SETTLE_LINGER_MS: '0' }).ABL_SETTLE_LINGER_MS).toBe(0);
      expect(() => readSettings({ ABL_SETTLE_LINGER_MS: '101' })).toThrow(/ABL_SETTLE_LINGER_MS/);
      expect(() => readSettings({ ABL_SETTLE_LINGER_MS: 'soon' })).toThrow(/ABL_SETTLE_LINGER_MS/);
    });

    it('without lingerMs a request that may linger goes at once', async () => {
      const { commit, batches } = recording(0);
      expect(await commit({ key: 'a', value: 1 }, true)).toBe(1);
      expect(batches).toEqual([['a']]);
    });
  });
});
