// The buyer's record in one short line for the task list: deals completed and the weighted
// rating (the task page shows the whole record). Profiles are shared with the task pages for a minute.
import { useProfile } from './useProfile';

export function BuyerReputation({ profileId }: { profileId: string }) {
  const p = useProfile(profileId).data;
  if (!p) return null;
  return (
    <span data-testid="buyer-reputation" data-profile-id={profileId}>
      {p.deals === 0
        ? 'buyer: no closed deals yet'
        : `buyer: ${p.completed} of ${p.deals} deals completed · ${p.ratings.count === 0 ? 'not rated' : `★ ${p.ratings.mean} (${p.ratings.count})`}`}
    </span>
  );
}
