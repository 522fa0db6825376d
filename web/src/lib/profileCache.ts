// Public profiles kept for a while and shared by every line that shows one (the board's cards, a
// task page's buyer and contractors): each read counts against the marketplace's per-address
// limit. A page that knows a profile changed (a deal of its closed, a rating given) names a new
// `version`, and that profile is read again. The clock comes in as an argument.
import type { Profile } from '../../../contract/hire-views';

export const PROFILE_KEEP_MS = 60_000;

export interface ProfileCache {
  /** the profile, read again when older than PROFILE_KEEP_MS or kept under another version */
  get: (id: string, version?: string) => Promise<Profile>;
}

export function createProfileCache(load: (id: string) => Promise<Profile>, nowMs: () => number): ProfileCache {
  const kept = new Map<string, { at: number; version: string; profile: Promise<Profile> }>();
  return {
    get(id, version = '') {
      const k = kept.get(id);
      if (k && k.version === version && nowMs() - k.at < PROFILE_KEEP_MS) return k.profile;
      const profile = load(id);
      const entry = { at: nowMs(), version, profile };
      kept.set(id, entry);
      profile.catch(() => (kept.get(id) === entry ? kept.delete(id) : undefined));
      return profile;
    },
  };
}
