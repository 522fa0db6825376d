// A milestone task's page parts rendered to HTML: each names the amount that applies (the current
// milestone's, what the escrow still holds, what was released), not the task's whole price.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RevealContext } from '../../state/RevealContext';
import { milestoneTaskFixture } from '../../testing/hireFixture';
import { DeliverySection } from './DeliverySection';
import { MilestoneList } from './MilestoneList';
import { TaskTimeline } from './TaskTimeline';

const NOW = 1_700_000_000;
const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const buyer = { isBuyer: true, myQuote: undefined };
const delivery = { body: 'An outline', created_at: NOW };
/** the actions' hooks need the token-reveal context; nothing is revealed here */
const noReveals = { reveals: [], reveal: () => undefined, dismiss: () => undefined };

describe('a task of 120 + 80 sats on its buyer’s page', () => {
  it('the first milestone delivered: confirming releases 120 of the 200 held', () => {
    const task = milestoneTaskFixture('delivered', 0, { delivery, review_deadline_at: NOW + 86_400 });
    const section = text(
      renderToStaticMarkup(
        <RevealContext.Provider value={noReveals}>
          <DeliverySection task={task} role={buyer} token="abl_t" note={null} side="buyer" onChanged={() => undefined} />
        </RevealContext.Provider>,
      ),
    );
    expect(section).toContain('Confirm delivery and release 120 sats');
    expect(section).not.toContain('200 sats');
    const timeline = text(renderToStaticMarkup(<TaskTimeline task={task} side="buyer" nowSeconds={NOW} />));
    expect(timeline).toContain('In escrow: 200 sats');
    expect(timeline).toContain('otherwise 120 sats are released to the contractor automatically');
  });

  it('the first released: 80 sats held, the missed deadline returns 80', () => {
    const task = milestoneTaskFixture('awarded', 1, { delivery, delivery_deadline_at: NOW + 86_400 });
    const timeline = text(renderToStaticMarkup(<TaskTimeline task={task} side="buyer" nowSeconds={NOW} />));
    expect(timeline).toContain('In escrow: 80 sats');
    expect(timeline).toContain('Without a delivery by then, 80 sats come back to your balance.');
    expect(text(renderToStaticMarkup(<MilestoneList task={task} />))).toContain('Milestones (120 sats of 200 sats released)');
  });

  it('the disputed second milestone: the operator divides the 80 still held', () => {
    const task = milestoneTaskFixture('disputed', 1);
    expect(text(renderToStaticMarkup(<TaskTimeline task={task} side="buyer" nowSeconds={NOW} />))).toContain('In escrow: 80 sats');
  });

  it('completed: all of it released', () => {
    const task = milestoneTaskFixture('completed', 1, { outcome: 'confirmed', contractor_paid_sats: 200, buyer_refunded_sats: 0 });
    expect(text(renderToStaticMarkup(<MilestoneList task={task} />))).toContain('Milestones (200 sats of 200 sats released)');
    expect(text(renderToStaticMarkup(<TaskTimeline task={task} side="buyer" nowSeconds={NOW} />))).toBe('Completed: 200 sats went to the contractor.');
  });
});
