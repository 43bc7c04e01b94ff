import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is served by the Latchkey process itself; `npm run dev:dashboard` proxies the API to a local server.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
