import { describe, expect, it } from 'vitest';
import { saveBlob, type SaveEnv } from './saveBlob';

describe('saving a Blob as a file', () => {
  it('clicks a hidden download link to an object URL, then lets the URL go', () => {
    const events: string[] = [];
    const link = {
      href: '',
      download: '',
      rel: '',
      style: { display: '' },
      click: () => events.push(`click ${link.href} as ${link.download}`),
      remove: () => events.push('remove'),
    };
    let pending: (() => void) | null = null;
    const env: SaveEnv = {
      createObjectURL: () => 'blob:http://x/1',
      revokeObjectURL: (u) => events.push(`revoke ${u}`),
      document: {
        createElement: (() => link) as unknown as Document['createElement'],
        body: { appendChild: () => events.push('append') } as unknown as HTMLElement,
      },
      later: (fn) => {
        pending = fn;
      },
    };
    saveBlob(new Blob(['a,b\r\n']), 'usage.csv', env);
    expect(events).toEqual(['append', 'click blob:http://x/1 as usage.csv', 'remove']);
    expect(link.style.display).toBe('none');
    expect(pending).not.toBeNull();
    pending!();
    expect(events.at(-1)).toBe('revoke blob:http://x/1');
  });
});
