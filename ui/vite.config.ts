// Vite + Vitest configuration for the Gatehouse UI.
// The Tauri shell loads ../ui/dist (frontendDist); `tauri dev` expects the dev server on
// port 1420 (the Tauri convention), so keep it fixed.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is bundled: the guard-post PC is offline.
    assetsInlineLimit: 0,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
