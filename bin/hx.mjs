const { loadWithCodeCache } = await import('../dist/adapters/code-cache.js');
const { main } = loadWithCodeCache(
  new URL('../dist/bundle/' + process.env.HX_APP, import.meta.url).pathname,
  '/nonexistent',
).exports;
process.exitCode = await main(process.argv);
