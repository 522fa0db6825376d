// A party's public record (GET /profiles/{id}): deals closed with escrow, ratings weighted by
// the amount, disputes and refunds — what a stranger can trust before dealing with it.
import { formatSats } from '../../lib/format';
import { useProfile } from './useProfile';

const pct = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)} %`);

/** `version`: a new one reads the profile again (the page saw the deal close or get rated) */
export function ProfileSummary({ profileId, label, version }: { profileId: string; label: string; version?: string }) {
  const profile = useProfile(profileId, version);
  const p = profile.data;
  return (
    <p className="muted small" data-testid="profile-summary" data-profile-id={profileId}>
      {label} <code>{profileId.slice(0, 12)}</code>
      {p ? (
        p.deals === 0 ? (
          <> · no closed deals yet</>
        ) : (
          <>
            {' '}
            · <span data-testid="profile-deals">{p.completed} of {p.deals} deals completed</span>
            {' · '}
            <span data-testid="profile-rating">{p.ratings.count === 0 ? 'not rated' : `★ ${p.ratings.mean} (${p.ratings.count})`}</span>
            {` · disputes ${pct(p.dispute_rate)} · refunds ${pct(p.refund_rate)}`}
            {p.sats_earned > 0 ? ` · earned ${formatSats(p.sats_earned)}` : ''}
            {p.sats_paid > 0 ? ` · paid ${formatSats(p.sats_paid)}` : ''}
          </>
        )
      ) : null}
    </p>
  );
}
