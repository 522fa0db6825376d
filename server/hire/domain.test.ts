// The marketplace's domain, called directly, on both stores: one store per kind for the
// lifecycle, collect and audit cases (opening an embedded PGlite is the slow part of a test file).
import { afterAll, beforeAll, describe } from 'vitest';
import { STORE_KINDS } from '../store/testing.js';
import { auditCases } from './testing/audit-cases.js';
import { childTokenCases } from './testing/child-token-cases.js';
import { collectCases } from './testing/collect-cases.js';
import { lifecycleCases } from './testing/lifecycle-cases.js';
import { milestoneCases } from './testing/milestone-cases.js';
import { reputationCases } from './testing/reputation-cases.js';
import { webhookCases } from './testing/webhook-cases.js';
import { openHireTest, type HireTest } from './testing/rig.js';

describe.each(STORE_KINDS)('AI for Hire on %s', (kind) => {
  let t: HireTest;
  beforeAll(async () => {
    t = await openHireTest(kind);
  });
  afterAll(() => t.close());

  describe('lifecycle', () => lifecycleCases(() => t));
  describe('milestones and checked delivery', () => milestoneCases(() => t));
  describe('reputation', () => reputationCases(() => t));
  describe('webhooks', () => webhookCases(() => t));
  describe('collect', () => collectCases(() => t));
  describe('child tokens', () => childTokenCases(() => t));
  describe('audit', () => auditCases(() => t));
});
