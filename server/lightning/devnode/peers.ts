// Other development nodes this one can pay: found by node id (learnt from their /getinfo) and
// asked to settle their own invoice through POST /_devnode/settle.
import { z } from 'zod';
import { PhoenixdHttp, PhoenixdTransportError } from '../phoenixd/http.js';
import { nodeInfoSchema, parseAnswer } from '../phoenixd/responses.js';

export interface PeerConfig {
  url: string;
  password: string;
}

export type SettleAnswer = { preimage: string } | { reason: string };

interface Peer {
  url: string;
  http: PhoenixdHttp;
  nodeId: string | null;
}

const settleAnswerSchema = z.union([
  z.object({ preimage: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ reason: z.string() }),
]);

export class PeerDirectory {
  private readonly peers: Peer[];

  constructor(configs: readonly PeerConfig[], timeoutMs = 5_000) {
    this.peers = configs.map((c) => ({ url: c.url, http: new PhoenixdHttp({ baseUrl: c.url, password: c.password, timeoutMs }), nodeId: null }));
  }

  /** The peer with this node id; peers not heard from yet are asked again (they may start later). */
  async find(nodeId: string): Promise<Peer | null> {
    const known = this.peers.find((p) => p.nodeId === nodeId);
    if (known) return known;
    await Promise.all(this.peers.filter((p) => p.nodeId === null).map((p) => this.learnNodeId(p)));
    return this.peers.find((p) => p.nodeId === nodeId) ?? null;
  }

  async settle(peer: Peer, bolt11: string, amountMsat: bigint): Promise<SettleAnswer> {
    try {
      const answer = await peer.http.postForm('_devnode/settle', { invoice: bolt11, amountMsat: amountMsat.toString() });
      const parsed = answer.status === 200 ? parseAnswer(settleAnswerSchema, answer.text) : null;
      return parsed ?? { reason: `peer ${peer.url} answered HTTP ${answer.status}` };
    } catch (err) {
      if (err instanceof PhoenixdTransportError) return { reason: `peer ${peer.url} unreachable` };
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.http.close()));
  }

  private async learnNodeId(peer: Peer): Promise<void> {
    try {
      const answer = await peer.http.get('getinfo');
      const info = answer.status === 200 ? parseAnswer(nodeInfoSchema, answer.text) : null;
      if (info) peer.nodeId = info.nodeId;
    } catch {
      // unreachable for now: asked again on the next payment to an unknown node
    }
  }
}
