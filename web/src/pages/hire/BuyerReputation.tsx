// The buyer's record in one short line for the task list: deals completed and the weighted
// rating (the task page shows the whole record). Profiles are shared between cards for a minute.
import type { Profile } from '../../../../contract/hire-views';
import { api } from '../../api/client';
import { useAsync } from '../../hooks/useAsync';

const KEEP_MS = 60_000;
const loaded = new Map<string, { at: number; profile: Promise<Profile> }>();

function loadProfile(id: string): Promise<Profile> {
  const kept = loaded.get(id);
  if (kept && Date.now() - kept.at < KEEP_MS) return kept.profile;
  const profile = api.getProfile(id);
  loaded.set(id, { at: Date.now(), profile });
  profile.catch(() => loaded.delete(id));
  return profile;
}

export function BuyerReputation({ profileId }: { profileId: string }) {
  const p = useAsync(() => loadProfile(profileId), profileId).data;
  if (!p) return null;
  return (
    <span data-testid="buyer-reputation" data-profile-id={profileId}>
      {p.deals === 0
        ? 'buyer: no closed deals yet'
        : `buyer: ${p.completed} of ${p.deals} deals completed · ${p.ratings.count === 0 ? 'not rated' : `★ ${p.ratings.mean} (${p.ratings.count})`}`}
    </span>
  );
}
