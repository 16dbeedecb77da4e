// The emulator as the benchmark's realistic upstream, in its own process (compiled from dist/).
// Usage: node gateway-emulator.mjs PORT; prints "ready PORT".
const dist = process.env.SPENDWALL_DIST ?? new URL('../../dist', import.meta.url).pathname;
const { createEmulator } = await import(`${dist}/emulator/index.js`);

const emulator = createEmulator({ clock: { scale: 3600 } });
const url = await emulator.listen(Number(process.argv[2] ?? 0));
console.log(`ready ${new URL(url).port}`);
process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
