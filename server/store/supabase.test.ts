import { describe, expect, it } from 'vitest';
import { readSettings } from '../config.js';
import { supabaseDatabaseUrl } from './supabase.js';

describe('the Supabase settings', () => {
  it('name the project database: user postgres, the password encoded, TLS', () => {
    const url = new URL(supabaseDatabaseUrl('https://abcdefghijklmnop.supabase.co', 'p@ss:w/rd?#'));
    expect({ host: url.hostname, port: url.port, user: url.username, password: decodeURIComponent(url.password), database: url.pathname }).toEqual({
      host: 'db.abcdefghijklmnop.supabase.co',
      port: '5432',
      user: 'postgres',
      password: 'p@ss:w/rd?#',
      database: '/postgres',
    });
    expect(url.searchParams.get('sslmode')).toBe('require');
  });

  it('are used only without DATABASE_URL, and a bad one stops start-up naming it', () => {
    const env = { ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: 'https://abcdefghijklmnop.supabase.co', ALITTLEBITOFMONEY_SUPABASE_PW: 'secret', ALITTLEBITOFMONEY_SUPABASE_SECRET_KEY: 'sb_secret_x' };
    expect(readSettings(env).DATABASE_URL).toMatch(/^postgresql:\/\/postgres:secret@db\.abcdefghijklmnop\.supabase\.co:5432\/postgres\?/);
    expect(readSettings({ ...env, DATABASE_URL: 'postgresql://x@h/db' }).DATABASE_URL).toBe('postgresql://x@h/db');
    expect(() => readSettings({ ...env, ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: 'http://example.com' })).toThrow(/ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL/);
    expect(() => readSettings({ ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: env.ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL })).toThrow(/ALITTLEBITOFMONEY_SUPABASE_PW: required/);
    try {
      readSettings({ ...env, ALITTLEBITOFMONEY_SUPABASE_PROJECT_URL: 'nope' });
    } catch (err) {
      expect(String(err)).not.toContain('secret'); // the password is never in an error
    }
  });
});
