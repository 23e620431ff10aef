// Solves a MIP given as CPLEX-LP text on stdin with HiGHS (npm "highs", pinned
// in tools/node) and prints the result as one JSON object on stdout:
//   {"status": "Optimal", "objective": 1234, "mip_gap": 0, "ms": 812,
//    "columns": {"x_0_3": 1, ...}}   (columns whose value is not zero)
// Used by `khung plan mip-goldens` (app/planning/mip) to compute the exact optima
// of small planning instances.
//
// Usage: node tools/mip/solve.mjs [--time-limit SECONDS] [--abs-gap G] < model.lp
// --abs-gap: stop when the bound is within G of the incumbent. The planning
// model has an integral objective, so any G < 1 still proves optimality.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(new URL("../node/package.json", import.meta.url));
const loadHighs = require("highs");

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`${name} needs a positive number`);
    process.exit(2);
  }
  return v;
}

const timeLimit = arg("--time-limit", 600);
const absGap = arg("--abs-gap", 0.99);
const lp = readFileSync(0, "utf8");

const highs = await loadHighs();
const started = process.hrtime.bigint();
const result = highs.solve(lp, {
  output_flag: false,
  time_limit: timeLimit,
  mip_rel_gap: 0,
  mip_abs_gap: absGap,
});
const ms = Number((process.hrtime.bigint() - started) / 1000000n);

const columns = {};
for (const [name, col] of Object.entries(result.Columns ?? {})) {
  const v = col.Primal;
  if (Math.abs(v) > 1e-9) columns[name] = v;
}
process.stdout.write(
  JSON.stringify({
    status: result.Status,
    objective: result.ObjectiveValue,
    ms,
    columns,
  }) + "\n",
);
