// Svelte compiler options; vitePreprocess lets <script lang="ts"> work.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
