// Images in an OpenAI-style images answer: inline base64 (shown) or links (opened, as the CSP allows no remote images).
export type JsonImage = { kind: 'inline'; src: string } | { kind: 'link'; href: string };

export function imagesInJson(value: unknown): JsonImage[] {
  if (typeof value !== 'object' || value === null) return [];
  const data = (value as { data?: unknown }).data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((item: unknown): JsonImage[] => {
    if (typeof item !== 'object' || item === null) return [];
    const { url, b64_json: b64 } = item as { url?: unknown; b64_json?: unknown };
    if (typeof b64 === 'string' && b64.length > 0) return [{ kind: 'inline', src: `data:image/png;base64,${b64}` }];
    if (typeof url === 'string' && /^https:\/\//.test(url)) return [{ kind: 'link', href: url }];
    return [];
  });
}
