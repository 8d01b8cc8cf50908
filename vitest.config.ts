import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/soak/**', '**/node_modules/**'],
    testTimeout: 20_000,
  },
})
