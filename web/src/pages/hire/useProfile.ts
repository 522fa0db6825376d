// A public profile from the app's shared cache (lib/profileCache.ts), and the version a task page
// gives the profiles it shows: unchanged while the deal is as the page first saw it, new once it
// closed or was rated there, so those lines are read again at once instead of staying stale.
import { useRef } from 'react';
import type { Profile, TaskDetail } from '../../../../contract/hire-views';
import { api } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { useAsync } from '../../hooks/useAsync';
import { createProfileCache } from '../../lib/profileCache';

const profiles = createProfileCache((id) => api.getProfile(id), () => Date.now());

export function useProfile(profileId: string, version = ''): { data: Profile | undefined; error: ApiError | undefined } {
  return useAsync(() => profiles.get(profileId, version), [profileId, version]);
}

export function useDealVersion(task: Pick<TaskDetail, 'id' | 'status' | 'rated'> | undefined): string {
  const now = task ? `${task.id}:${task.status}:${task.rated === true}` : '';
  const first = useRef<string | null>(null);
  if (task && (first.current === null || !first.current.startsWith(`${task.id}:`))) first.current = now;
  return now === first.current ? '' : now;
}
