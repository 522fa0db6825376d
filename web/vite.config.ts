// Vite config for the web app: root is web/, output web/dist with hashed files under /assets/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from '../scripts/lib/precompress';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));
const apiTarget = process.env.ABL_API_TARGET ?? 'http://127.0.0.1:3000';

export default defineConfig(({ command }) => {
  // a build is what the server serves: React's production build, whatever NODE_ENV the building
  // process has (`npm start` builds under NODE_ENV=development, vitest under "test"). A development
  // build runs every effect twice (StrictMode), so each page load fetched everything twice.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: webRoot,
    base: '/',
    // .br and .gz beside the built files, served by the server as they are (server/http/web.ts)
    plugins: [react(), precompressPlugin(outDir)],
    build: {
      outDir,
      emptyOutDir: true,
      assetsDir: 'assets',
      sourcemap: false,
      target: 'es2022',
    },
    server: {
      host: '127.0.0.1',
      port: 5173,
      // the server lives on another port in development; same origin in production
      proxy: { '/api/v1': { target: apiTarget, changeOrigin: false } },
    },
    preview: {
      proxy: { '/api/v1': { target: apiTarget, changeOrigin: false } },
    },
  };
});
