/**
 * bench/goals.ts: the GOAL-line parser and the goals table, on hand-written
 * script outputs (no benchmark runs).
 */
import { assertEquals } from "./assert.ts";
import {
  formatGoalTable,
  GOAL_SCRIPTS,
  goalRows,
  type GoalScript,
  parseGoalLines,
} from "../bench/goals.ts";

Deno.test("parseGoalLines reads ratio and seconds lines, the last one per goal wins", () => {
  const out = [
    "hand-written DuckDB SQL   6.38 s",
    "GOAL funnel-duckdb ratio=1.40 target=1.0 vs hand-written DuckDB SQL, 10M events",
    "  GOAL bgnbd-1m seconds=1.234 target=2 1M customers  ",
    "GOAL funnel-duckdb ratio=0.93 target=1.0 second run",
    "GOALS are printed below", // not a GOAL line: no space after GOAL
    "GOAL coxph-1m ratio=abc target=0.5 not a number",
    "GOAL coxph-1m ratio=0.3",
  ].join("\n");
  const { lines, malformed } = parseGoalLines(out);
  assertEquals(lines, [
    { goal: "bgnbd-1m", unit: "seconds", value: 1.234, target: 2, note: "1M customers" },
    { goal: "funnel-duckdb", unit: "ratio", value: 0.93, target: 1, note: "second run" },
  ]);
  assertEquals(malformed, [
    "GOAL coxph-1m ratio=abc target=0.5 not a number",
    "GOAL coxph-1m ratio=0.3",
  ]);
  assertEquals(parseGoalLines("GOAL x seconds=1e-3 target=5\r\n").lines[0].value, 0.001);
  assertEquals(parseGoalLines("no goals here\n"), { lines: [], malformed: [] });
});

const script = (goals: string[], name = "bench/x.ts"): GoalScript => ({
  goals,
  script: name,
  args: [],
  quick: [],
});

Deno.test("goalRows: met, missed, and every way of having no measurement", () => {
  const rows = goalRows([
    {
      script: script(["kpi-plain", "kpi-compact"], "bench/kpi.ts"),
      run: {
        code: 0,
        stdout: "GOAL kpi-plain ratio=1.0 target=1.0 equal is met\n" +
          "GOAL kpi-compact ratio=0.51 target=0.5 just over\nGOAL extra-goal seconds=3 target=5\n",
      },
    },
    {
      script: script(["readparquet"], "bench/p.ts"),
      run: { code: null, stdout: "", error: "script not found" },
    },
    {
      script: script(["bgnbd-1m"], "bench/b.ts"),
      run: { code: 1, stdout: "GOAL bgnbd-1m seconds=1 target=2 before the crash\n" },
    },
    { script: script(["coxph-1m"], "bench/c.ts"), run: { code: 1, stdout: "Error: boom\n" } },
    { script: script(["funnel-duckdb"], "bench/f.ts"), run: { code: 0, stdout: "done\n" } },
    {
      script: script(["commentdrivers-1m"], "bench/t.ts"),
      run: { code: 0, stdout: "GOAL commentdrivers-1m seconds=fast target=5\n" },
    },
  ]);
  assertEquals(rows.map((r) => [r.goal, r.measured, r.target, r.status, r.note]), [
    ["kpi-plain", "1.00×", "≤ 1.00×", "met", "equal is met"],
    ["kpi-compact", "0.51×", "≤ 0.50×", "missed", "just over"],
    ["extra-goal", "3.00 s", "≤ 5.00 s", "met", ""],
    ["readparquet", "—", "—", "no measurement", "bench/p.ts not run: script not found"],
    // a line printed before a crash still counts
    ["bgnbd-1m", "1.00 s", "≤ 2.00 s", "met", "before the crash"],
    ["coxph-1m", "—", "—", "no measurement", "bench/c.ts exited with code 1"],
    ["funnel-duckdb", "—", "—", "no measurement", "bench/f.ts printed no GOAL line for it"],
    [
      "commentdrivers-1m",
      "—",
      "—",
      "no measurement",
      'bench/t.ts: malformed GOAL line "GOAL commentdrivers-1m seconds=fast target=5"',
    ],
  ]);
});

Deno.test("formatGoalTable: date, load, aligned columns, count of met goals", () => {
  const rows = goalRows([
    {
      script: script(["funnel-duckdb", "bgnbd-1m"]),
      run: {
        code: 0,
        stdout:
          "GOAL funnel-duckdb ratio=1.4 target=1 vs SQL\nGOAL bgnbd-1m seconds=1.5 target=2\n",
      },
    },
  ]);
  const text = formatGoalTable(rows, {
    date: "2026-12-02T12:00:00Z",
    load: [1, 2.5, 3],
    quick: true,
  });
  assertEquals(text.split("\n"), [
    "Issue #18 goals, 2026-12-02T12:00:00Z, load average 1.00 2.50 3.00 (--quick: small sizes, not the goals' sizes)",
    "goal           measured  target    status  note",
    "-------------  --------  --------  ------  ------",
    "funnel-duckdb  1.40×     ≤ 1.00×   missed  vs SQL",
    "bgnbd-1m       1.50 s    ≤ 2.00 s  met",
    "1 of 2 goals met",
  ]);
});

Deno.test("GOAL_SCRIPTS names every issue-#18 goal once", () => {
  const goals = GOAL_SCRIPTS.flatMap((s) => s.goals);
  assertEquals([...goals].sort(), [
    "bgnbd-1m",
    "cohort-compact",
    "cohort-memory-50m",
    "cohort-plain",
    "commentdrivers-1m",
    "coxph-1m",
    "funnel-duckdb",
    "kpi-compact",
    "kpi-plain",
    "readcsv-memory",
    "readcsv-time",
    "readparquet",
  ]);
});
