// A tiny test harness for the viewer's ES modules, run in the headless browser by pytest.
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export function eq(actual, expected, what = "value") {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function ok(cond, what) {
  if (!cond) throw new Error(what);
}

export async function runAll() {
  const results = [];
  for (const t of tests) {
    try {
      await t.fn();
      results.push({ name: t.name, ok: true });
    } catch (err) {
      results.push({ name: t.name, ok: false, error: String(err && err.message ? err.message : err) });
    }
  }
  return results;
}
