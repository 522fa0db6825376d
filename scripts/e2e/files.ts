// Small, valid files for the catalog examples' `@file:<name>.<ext>` placeholders, so multipart
// endpoints receive a real upload: a short silent MP3 or WAV for audio, a 1×1 PNG for images.
const SILENT_SECONDS = 1;

export interface GeneratedFile {
  name: string;
  type: string;
  bytes: Buffer;
}

const FILE_PLACEHOLDER = /^@file:(.+)$/;

/** The file name a field value stands for, or null when the value is plain text. */
export function filePlaceholder(value: string): string | null {
  return FILE_PLACEHOLDER.exec(value)?.[1] ?? null;
}

export function generateFile(name: string): GeneratedFile {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  switch (ext) {
    case 'mp3':
    case 'mpga':
    case 'mpeg':
      return { name, type: 'audio/mpeg', bytes: silentMp3(SILENT_SECONDS) };
    case 'wav':
      return { name, type: 'audio/wav', bytes: silentWav(SILENT_SECONDS) };
    case 'png':
      return { name, type: 'image/png', bytes: Buffer.from(PNG_1X1, 'base64') };
    case 'txt':
      return { name, type: 'text/plain', bytes: Buffer.from('A little bit of money goes a long way.\n') };
    case 'json':
    case 'jsonl':
      return { name, type: 'application/json', bytes: Buffer.from('{"hello":"world"}\n') };
    default:
      return { name, type: 'application/octet-stream', bytes: Buffer.alloc(1024, 0x5a) };
  }
}

/** ID3v2 tag, then MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz) whose all-zero payload decodes to silence. */
function silentMp3(seconds: number): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]); // "ID3" v2.4, empty
  const frameBytes = Math.floor((144 * 128_000) / 44_100); // 417 without padding
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const frame = Buffer.alloc(frameBytes);
  frame.set([0xff, 0xfb, 0x90, 0x64]); // sync, MPEG-1 L3 no CRC, 128 kbit/s 44.1 kHz, joint stereo
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}

/** RIFF/WAVE, 16-bit mono PCM at 16 kHz, all zeros. */
function silentWav(seconds: number): Buffer {
  const rate = 16_000;
  const data = rate * 2 * seconds;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data, 40);
  return Buffer.concat([h, Buffer.alloc(data)]);
}

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
