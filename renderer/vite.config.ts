import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
// No Node built-in imports here (renderer/ lint boundary): the folder comes from import.meta.url
// (vite rewrites it to this file's real location when it bundles the config).
const root = decodeURIComponent(new URL('.', import.meta.url).pathname).replace(/^\/([A-Za-z]:)/, '$1');

/**
 * The dev server's React refresh preamble is an inline script; the strict CSP
 * in index.html forbids that, so in `vite dev` only we allow inline scripts.
 * Built output keeps the strict policy untouched.
 */
function devCsp(): Plugin {
  return {
    name: 'aava-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root,
  // Relative asset URLs: the same build loads from http://, file:// and aava:// alike.
  base: './',
  plugins: [react(), devCsp()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
