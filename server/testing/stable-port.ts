// Ports for test servers that go away and listen again on the same address (a node "cut off"):
// chosen below the kernel's range of ephemeral ports (32768–60999 on Linux), so an outgoing
// connection of another test cannot take the port while the server is down.
import type { Server } from 'node:net';

const LOW = 20_000;
const SPAN = 12_000;

const inUse = (err: unknown): boolean => (err as { code?: string }).code === 'EADDRINUSE';

/** Listens on 127.0.0.1:`port`; rejects (rather than throwing later) when the port is taken. */
export function listenOn(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Runs `listen` on a random port of the stable range until one is free; the port it took. */
export async function listenOnStablePort(listen: (port: number) => Promise<unknown>): Promise<number> {
  for (let tries = 1; ; tries++) {
    const port = LOW + Math.floor(Math.random() * SPAN);
    try {
      await listen(port);
      return port;
    } catch (err) {
      if (!inUse(err) || tries >= 50) throw err;
    }
  }
}
