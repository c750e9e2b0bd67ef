import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Lists the project's source files the build read, for scripts/build-web.mjs --if-stale. */
function recordInputs(file: string | undefined): Plugin {
  return {
    name: 'record-inputs',
    apply: 'build',
    generateBundle() {
      if (!file) return;
      const inputs = [...this.getModuleIds()]
        .filter((id) => id.startsWith(ROOT) && !id.includes('/node_modules/'))
        .map((id) => relative(ROOT, id.split('?')[0]!))
        .sort();
      writeFileSync(file, JSON.stringify([...new Set(inputs)]));
    },
  };
}

/** The web app, built into web/dist and served by the gateway under /app (gateway/src/web-app.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [preact(), recordInputs(process.env.WEB_BUILD_INPUTS)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // everything is served from the gateway: no CDN, no remote font
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
