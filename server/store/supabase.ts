// The original README's Supabase settings: a project URL and its database password name the
// project's PostgreSQL database (direct connection, TLS), used when DATABASE_URL is not set.

export class SupabaseSettingsError extends Error {
  override name = 'SupabaseSettingsError';
}

/**
 * postgresql://postgres:<password>@db.<project ref>.supabase.co:5432/postgres, over TLS. libpq's
 * `sslmode=require` (encrypted, the server's certificate not checked against a CA): Supabase signs
 * with its own CA; set DATABASE_URL with `sslrootcert=` to verify it.
 */
export function supabaseDatabaseUrl(projectUrl: string, password: string): string {
  let url: URL;
  try {
    url = new URL(projectUrl);
  } catch {
    throw new SupabaseSettingsError('ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: not a URL (https://<project ref>.supabase.co)');
  }
  const m = /^([a-z0-9]{6,40})\.supabase\.(co|in)$/i.exec(url.hostname);
  if (url.protocol !== 'https:' || !m) throw new SupabaseSettingsError('ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: expected https://<project ref>.supabase.co');
  if (password === '') throw new SupabaseSettingsError('ALITTLEBITOFMONEY_SUPABASE_PW: required with ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL (the database password)');
  return `postgresql://postgres:${encodeURIComponent(password)}@db.${m[1]!.toLowerCase()}.supabase.${m[2]!.toLowerCase()}:5432/postgres?sslmode=require&uselibpqcompat=true`;
}
