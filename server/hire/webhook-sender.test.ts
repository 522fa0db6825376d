// The webhook sender refuses addresses inside the operator's network (outside development mode).
import { describe, expect, it } from 'vitest';
import { httpWebhookSender, isPublicHost } from './webhook-sender.js';

describe('webhook sender', () => {
  it('tells public addresses from internal ones', async () => {
    for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.1.1', '169.254.169.254', '[::1]', '[fd00::1]', '0.0.0.0', '[::ffff:127.0.0.1]']) expect(await isPublicHost(host), host).toBe(false);
    for (const host of ['1.1.1.1', '[2606:4700::1111]']) expect(await isPublicHost(host), host).toBe(true);
  });

  it('refuses to POST into the local network unless allowed', async () => {
    await expect(httpWebhookSender({ allowInternal: false })('http://127.0.0.1:9/hook', '{}', {})).rejects.toThrow(/private or local network/);
    await expect(httpWebhookSender({ allowInternal: false })('http://[::ffff:127.0.0.1]:9/hook', '{}', {})).rejects.toThrow(/private or local network/);
    // allowed (development): it tries, and the closed port is a network error, not a refusal
    await expect(httpWebhookSender({ allowInternal: true })('http://127.0.0.1:9/hook', '{}', {})).rejects.not.toThrow(/private or local network/);
  });
});
