// Saves a Blob as a file: an object URL on a temporary link with `download`, clicked, then let go.
// The data were fetched with the token in a header: no secret ever goes into a URL.

export interface SaveEnv {
  createObjectURL: (blob: Blob) => string;
  revokeObjectURL: (url: string) => void;
  document: Pick<Document, 'createElement' | 'body'>;
  /** runs a callback once the browser has taken the download (a timer in the app) */
  later: (fn: () => void) => void;
}

export const browserSaveEnv = (): SaveEnv => ({
  createObjectURL: (b) => URL.createObjectURL(b),
  revokeObjectURL: (u) => URL.revokeObjectURL(u),
  document,
  later: (fn) => window.setTimeout(fn, 10_000),
});

export function saveBlob(blob: Blob, fileName: string, env: SaveEnv = browserSaveEnv()): void {
  const url = env.createObjectURL(blob);
  const a = env.document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  env.document.body.appendChild(a);
  a.click();
  a.remove();
  env.later(() => env.revokeObjectURL(url));
}
