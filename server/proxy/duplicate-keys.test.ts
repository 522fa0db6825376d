import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './duplicate-keys.js';

describe('findDuplicateKey', () => {
  it('finds a repeated top-level key, escapes decoded', () => {
    expect(findDuplicateKey('{"model":"gpt-4o-mini","messages":[],"model":"o3"}')).toEqual({ key: 'model', field: 'model', nested: false });
    expect(findDuplicateKey('{"model":"gpt-4o-mini","\\u006dodel":"o3"}')).toEqual({ key: 'model', field: 'model', nested: false });
    expect(findDuplicateKey('{ "a" : 1 , "b":{"a":2} , "a" : 3 }')).toEqual({ key: 'a', field: 'a', nested: false });
  });

  it('finds a repeated key in a nested object and names the top-level field', () => {
    const text = '{"model":"m","tools":[{"type":"function"},{"type":"web_search","type":"function"}]}';
    expect(findDuplicateKey(text)).toEqual({ key: 'type', field: 'tools', nested: true });
    expect(findDuplicateKey('[{"a":1,"a":2}]')).toEqual({ key: 'a', field: null, nested: true });
  });

  it('is not fooled by keys inside string values, escaped quotes or equal keys in sibling objects', () => {
    expect(findDuplicateKey('{"model":"m","content":"\\"model\\": \\"x\\", {\\"model\\":1}","messages":[{"role":"user"},{"role":"user"}]}')).toBeNull();
    expect(findDuplicateKey('{"a\\\\":"\\\\","b":"{\\"a\\":1,\\"a\\":2}"}')).toBeNull();
    expect(findDuplicateKey('{"x":{"k":1},"y":{"k":1},"z":[{"k":1},{"k":2}]}')).toBeNull();
    expect(findDuplicateKey('"just a string"')).toBeNull();
    expect(findDuplicateKey('{}')).toBeNull();
  });

  it('agrees with a reference on generated JSON (no false positives; duplicates spliced in are found)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (obj, key) => {
        const text = JSON.stringify(obj);
        expect(findDuplicateKey(text)).toBeNull();
        // the same key twice at the top level, whatever it contains
        const twice = `{${JSON.stringify(key)}:1,${text.slice(1, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(key)}:2}`;
        expect(findDuplicateKey(twice)?.key).toBe(key);
      }),
      { numRuns: 300 },
    );
  });
});
