import { describe, expect, it } from 'vitest';
import { imagesInJson } from './imagesInJson';

describe('imagesInJson', () => {
  it('shows base64 images inline and links https URLs', () => {
    expect(imagesInJson({ data: [{ b64_json: 'AAAA' }, { url: 'https://img.example/x.png' }, { url: 'javascript:alert(1)' }] })).toEqual([
      { kind: 'inline', src: 'data:image/png;base64,AAAA' },
      { kind: 'link', href: 'https://img.example/x.png' },
    ]);
  });

  it('finds nothing in other answers', () => {
    expect(imagesInJson({ choices: [] })).toEqual([]);
    expect(imagesInJson('text')).toEqual([]);
  });
});
