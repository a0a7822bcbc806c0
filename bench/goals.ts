/**
 * `deno task bench`: runs the benchmark script of every issue-#18 goal as a
 * subprocess (at the sizes; `--quick` for small ones), passes its
 * output through, collects the lines
 *
 *     GOAL <goal-id> ratio=<number> target=<number> <free text>
 *     GOAL <goal-id> seconds=<number> target=<number> <free text>
 *
 * and prints one table: goal, measured, target, met / missed / no
 * measurement, with the date and the load average. A script that fails or
 * prints no GOAL line for one of its goals is reported as "no measurement"
 * (with its exit code), not a crash.
 *
 *     deno run -A bench/goals.ts [--quick] [--only funnel-duckdb,bgnbd-1m]
 *
 * @module
 */
import { parseArgs } from "node:util";

/** One benchmark script and the goals it prints. */
export interface GoalScript {
  /** Goal ids the script prints, in table order. */
  goals: string[];
  /** Script path, relative to the repository root. */
  script: string;
  /** Arguments for the sizes (script defaults when empty). */
  args: string[];
  /** Arguments for `--quick` (small sizes, one run). */
  quick: string[];
  /** Extra `deno run` flags (e.g. V8 flags). */
  flags?: string[];
}

/**
 * The goal → script mapping (the integrator adjusts this table when a
 * script is renamed or a goal moves). Sizes are the issue's: 5M events of
 * 250k customers for KPIs and cohorts, 50M events for cohort memory, 1M
 * survey rows for readCsv, 10M events for funnels (and the script's 10M
 * for readParquet), 1M customers / rows / comments for the rest.
 */
export const GOAL_SCRIPTS: GoalScript[] = [
  {
    goals: ["kpi-plain", "kpi-compact"],
    script: "bench/kpi_duckdb.ts",
    args: ["--events", "5000000", "--customers", "250000"],
    quick: ["--events", "200000", "--customers", "10000", "--runs", "1"],
  },
  {
    goals: ["cohort-plain", "cohort-compact"],
    script: "bench/cohort_kernel.ts",
    args: ["--events", "5000000", "--customers", "250000"],
    quick: ["--events", "200000", "--customers", "10000", "--runs", "1"],
  },
  {
    goals: ["cohort-memory-50m"],
    script: "bench/cohort_duckdb.ts",
    args: ["--events", "50000000", "--customers", "2500000", "--runs", "1"],
    quick: ["--events", "500000", "--customers", "25000", "--runs", "1"],
  },
  {
    goals: ["readcsv-time", "readcsv-memory"],
    script: "bench/load_readcsv.ts",
    args: ["--rows", "1000000"],
    quick: ["--rows", "50000", "--runs", "1"],
    flags: ["--v8-flags=--expose-gc"],
  },
  {
    goals: ["readparquet"],
    script: "bench/load_parquet.ts",
    args: [],
    quick: ["--rows", "50000", "--runs", "1"],
    flags: ["--v8-flags=--expose-gc"],
  },
  {
    goals: ["funnel-duckdb"],
    script: "bench/funnel_bench.ts",
    args: ["--events", "10000000"],
    quick: ["--events", "200000", "--runs", "1"],
  },
  {
    goals: ["bgnbd-1m"],
    script: "bench/predict_bench.ts",
    args: ["1000000"],
    quick: ["50000"],
  },
  {
    goals: ["coxph-1m"],
    script: "bench/cox_bench.ts",
    args: ["--rows", "1000000"],
    quick: ["--rows", "50000", "--runs", "1"],
  },
  {
    goals: ["commentdrivers-1m"],
    script: "bench/comment_drivers_bench.ts",
    args: ["--comments", "1000000"],
    quick: ["--comments", "50000", "--runs", "1"],
  },
];

/** One parsed GOAL line. */
export interface GoalLine {
  /** Goal id. */
  goal: string;
  /** `ratio` (to a reference in the same run) or `seconds` (absolute). */
  unit: "ratio" | "seconds";
  /** Measured value. */
  value: number;
  /** Target: the goal is met when `value ≤ target`. */
  target: number;
  /** The free text after the target. */
  note: string;
}

const GOAL_LINE = /^GOAL\s+(\S+)\s+(ratio|seconds)=(\S+)\s+target=(\S+)(?:\s+(.*))?$/;

/**
 * The GOAL lines of a script's output (the last one per goal wins), and
 * the lines that start with `GOAL ` but do not follow the format.
 */
export function parseGoalLines(text: string): { lines: GoalLine[]; malformed: string[] } {
  const byGoal = new Map<string, GoalLine>();
  const malformed: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/^GOAL\s/.test(line)) continue;
    const m = GOAL_LINE.exec(line);
    const value = m ? Number(m[3]) : NaN, target = m ? Number(m[4]) : NaN;
    if (!m || !Number.isFinite(value) || !Number.isFinite(target)) {
      malformed.push(line);
      continue;
    }
    byGoal.delete(m[1]);
    byGoal.set(m[1], {
      goal: m[1],
      unit: m[2] as GoalLine["unit"],
      value,
      target,
      note: m[5] ?? "",
    });
  }
  return { lines: [...byGoal.values()], malformed };
}

/** What one script run gave: its output and exit code (`null`: not run, e.g. missing). */
export interface ScriptRun {
  /** The script's standard output. */
  stdout: string;
  /** Exit code, or `null` when the script could not be started. */
  code: number | null;
  /** Why it could not be started, when `code` is `null`. */
  error?: string;
}

/** One row of the goals table. */
export interface GoalRow {
  /** Goal id. */
  goal: string;
  /** Measured value, formatted (`"—"` without a measurement). */
  measured: string;
  /** Target, formatted. */
  target: string;
  /** `met`, `missed` or `no measurement`. */
  status: "met" | "missed" | "no measurement";
  /** The GOAL line's text, or why there is no measurement. */
  note: string;
}

const formatValue = (unit: GoalLine["unit"], v: number) =>
  unit === "ratio" ? `${v.toFixed(2)}×` : `${v.toFixed(2)} s`;

/** The table rows of the scripts' goals, in mapping order, then goals no script declared. */
export function goalRows(
  runs: { script: GoalScript; run: ScriptRun }[],
): GoalRow[] {
  const rows: GoalRow[] = [];
  const declared = new Set(runs.flatMap(({ script }) => script.goals));
  for (const { script, run } of runs) {
    const { lines, malformed } = parseGoalLines(run.stdout);
    const found = new Map(lines.map((l) => [l.goal, l]));
    const why = run.code === null
      ? `${script.script} not run: ${run.error ?? "unknown reason"}`
      : run.code !== 0
      ? `${script.script} exited with code ${run.code}`
      : malformed.length
      ? `${script.script}: malformed GOAL line "${malformed[0]}"`
      : `${script.script} printed no GOAL line for it`;
    for (const goal of script.goals) {
      const line = found.get(goal);
      rows.push(
        line ? rowOf(line) : {
          goal,
          measured: "—",
          target: "—",
          status: "no measurement",
          note: why,
        },
      );
    }
    for (const line of lines) if (!declared.has(line.goal)) rows.push(rowOf(line));
  }
  return rows;
}

function rowOf(line: GoalLine): GoalRow {
  return {
    goal: line.goal,
    measured: formatValue(line.unit, line.value),
    target: `≤ ${formatValue(line.unit, line.target)}`,
    status: line.value <= line.target ? "met" : "missed",
    note: line.note,
  };
}

/** The goals table as aligned text, headed by the date and the load average. */
export function formatGoalTable(
  rows: GoalRow[],
  context: { date: string; load: number[]; quick: boolean },
): string {
  const header = ["goal", "measured", "target", "status", "note"];
  const cells = rows.map((r) => [r.goal, r.measured, r.target, r.status, r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
  const met = rows.filter((r) => r.status === "met").length;
  return [
    `Issue #18 goals, ${context.date}, load average ${
      context.load.map((x) => x.toFixed(2)).join(" ")
    }${context.quick ? " (--quick: small sizes, not the goals' sizes)" : ""}`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
    `${met} of ${rows.length} goals met`,
  ].join("\n");
}

/** Runs one script, echoing its output, and returns what it printed. */
async function runScript(script: GoalScript, quick: boolean, root: URL): Promise<ScriptRun> {
  const path = new URL(script.script, root);
  try {
    await Deno.stat(path);
  } catch {
    return { stdout: "", code: null, error: "script not found" };
  }
  const args = ["run", "-A", ...(script.flags ?? []), path.pathname];
  args.push(...(quick ? script.quick : script.args));
  console.log(`\n$ deno ${args.join(" ")}`);
  const child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "inherit" })
    .spawn();
  let stdout = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    stdout += decoder.decode(chunk, { stream: true });
  }
  const { code } = await child.status;
  return { stdout: stdout + decoder.decode(), code };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string" } },
  });
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const scripts = GOAL_SCRIPTS.filter((s) => !only || s.goals.some((g) => only.includes(g)));
  const root = new URL("../", import.meta.url);
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const runs: { script: GoalScript; run: ScriptRun }[] = [];
  for (const script of scripts) {
    runs.push({ script, run: await runScript(script, values.quick, root) });
  }
  const table = formatGoalTable(goalRows(runs), {
    date,
    load: Deno.loadavg(),
    quick: values.quick,
  });
  console.log(`\n${table}`);
}
