import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// `vite` (dev server with hot reload) forwards /api to a daemon started separately.
const daemon = `http://127.0.0.1:${process.env.ARCHDECK_PORT ?? '8420'}`;

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { tsconfigPaths: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The daemon's CSP is `script-src 'self'`: the polyfill would be an inline script.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': {
        target: daemon,
        // The daemon answers only to its own Host and accepts state changes only from its own
        // Origin; pages of the dev server are same-origin with it in intent, so they pass as it.
        // Other origins are forwarded unchanged and refused by the daemon as usual.
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq, req) => {
            if (req.headers.origin === `http://${req.headers.host}`) {
              proxyReq.setHeader('origin', daemon);
            }
          });
        },
      },
    },
  },
});
