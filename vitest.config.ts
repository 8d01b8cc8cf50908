import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Soak runs only through `pnpm test:soak` (TROUPE_SOAK=1).
    exclude: process.env.TROUPE_SOAK === '1' ? ['**/node_modules/**'] : ['test/soak/**', '**/node_modules/**'],
    testTimeout: 20_000,
  },
})
