/**
 * The report's English headings, labels and finding sentences; the German
 * ones in `i18n_de.ts` have the same keys (type {@link Labels}).
 *
 * @module
 */
import type { FileIssue } from "./load_dir.ts";

/** English labels and sentence templates of the report. */
export const EN = {
  site: "Customer experience report",
  nav: "Report sections",
  overview: "Overview",
  kpis: "Customer KPIs",
  service: "Service",
  cohorts: "Cohorts & churn",
  segments: "Segments",
  trends: "Trends",
  drivers: "Drivers",
  quality: "Data quality",
  notebooks: "Notebooks",
  printAll: "Print version",
  // index
  lead:
    "Survey answers, support tickets and customer data, with intervals and tests, so a difference is only called a difference when it is more than noise.",
  facts: "About this report",
  dataDir: "Data",
  dateRange: "Dates covered",
  filters: "Filters",
  noFilters: "none (all rows)",
  periodLabel: "Periods",
  periodColumn: "Period",
  segmentLabel: "Segments by",
  confidence: "Intervals",
  confidenceText: (pct: string, minN: string) =>
    `${pct} confidence intervals; groups with fewer than ${minN} observations are flagged "small sample"`,
  keyFindings: "Key findings",
  generated: (at: string) => `Generated ${at}`,
  filesRead: "Files read",
  sectionFailed: (message: string) =>
    `This section could not be computed from the data: ${message}`,
  noFindings: "Nothing to report for this section with the data given.",
  noData: (what: string) => `No ${what} in the data, so this section is empty.`,
  filterFrom: (d: string) => `from ${d}`,
  filterTo: (d: string) => `to ${d}`,
  filterWhere: (column: string, value: string, tables: string) =>
    `${column} = "${value}" (applied to ${tables})`,
  filterNotApplied: (column: string, tables: string) =>
    `${column} is not a column of ${tables}: not filtered there`,
  range: (from: string, to: string, table: string) => `${from} – ${to} (${table})`,
  period: { day: "days", week: "ISO weeks", month: "months", quarter: "quarters", year: "years" },
  // table headers
  file: "File",
  table: "Table",
  rowsRead: "Rows read",
  accepted: "Accepted",
  rejected: "Rejected",
  dates: "Dates",
  format: "Format",
  n: "n",
  answers: "Answers",
  tickets: "Tickets",
  customers: "Customers",
  smallSample: "small sample",
  moreRows: (shown: string, total: string) => `First ${shown} of ${total} rows shown.`,
  // KPIs
  nps: "Net Promoter Score",
  npsAxis: "NPS (−100 to 100)",
  scoreChart: "Likelihood to recommend: answers per score",
  scoreAxis: "Likelihood to recommend (0–10)",
  shareOfAnswers: "Share of answers (%)",
  npsInterval: "NPS (95 % interval)",
  promoters: "Promoters",
  passives: "Passives",
  detractors: "Detractors",
  csat: "Customer satisfaction (CSAT)",
  csatAxis: "CSAT, top-box share (%)",
  csatInterval: "CSAT % (interval)",
  csatMean: "Mean score (interval)",
  ces: "Customer effort (CES, lower is better)",
  cesAxis: "Customer effort (mean; lower is better)",
  cesInterval: "Mean effort (interval)",
  lowEffort: "Low effort",
  overall: "Overall",
  byGroup: (what: string, group: string) => `${what} by ${group}`,
  answerMix: (group: string) => `Answer mix by ${group}`,
  intervalsNote: (pct: string, minN: string) =>
    `${pct} intervals; hollow dots: fewer than ${minN} answers`,
  comments: "What detractors say: latest comments",
  date: "Date",
  score: "Score",
  comment: "Comment",
  npsGap: (
    by: string,
    low: string,
    high: string,
    diff: string,
    p: string,
    significant: boolean,
    pairs: string,
  ) =>
    significant
      ? `NPS is ${diff} lower for ${low} than for ${high} (Holm-adjusted ${p} over ${pairs} pairs of ${by} values).`
      : `No significant difference in NPS by ${by}: the lowest (${low}) and the highest (${high}) are ${diff} apart (Holm-adjusted ${p} over ${pairs} pairs).`,
  npsOverall: (value: string, n: string) => `Overall NPS is ${value} on ${n} answers.`,
  csatSubject: "CSAT",
  cesSubject: "Effort",
  fcrSubject: "First contact resolution",
  rankExtremes: (kpi: string, hi: string, hiV: string, lo: string, loV: string) =>
    `${kpi} is highest for ${hi} (${hiV}) and lowest for ${lo} (${loV}); their intervals do not overlap any other group's.`,
  rankPair: (kpi: string, hi: string, hiV: string, lo: string, loV: string) =>
    `${kpi} is higher for ${hi} (${hiV}) than for ${lo} (${loV}); their intervals do not overlap.`,
  rankNone: (kpi: string, by: string, hi: string, lo: string) =>
    `${kpi} does not differ clearly by ${by}: the intervals of ${hi} and ${lo}, the highest and the lowest, overlap.`,
  smallGroups: (n: string, min: string) =>
    `${n} group(s) with fewer than ${min} observations are small samples: shown hollow, not compared.`,
  smallPeriods: (n: string, min: string) =>
    `${n} period(s) with fewer than ${min} answers are small samples: shown hollow, not tested.`,
  smallFlag: (n: string) => ` (small sample: n = ${n})`,
  // service
  frt: "First response time",
  frtAxis: "Median first response (minutes)",
  frtLead:
    "Median and mean minutes to the first response of answered tickets; the usual definition of first response time is the mean, which long waits pull up, the median is the typical ticket. Open tickets without a response are counted, never averaged in.",
  frtTable: "First response time (minutes)",
  resolution: "Resolution time",
  resolutionTable: "Resolution time (hours)",
  fcr: "First contact resolution",
  fcrAxis: "First contact resolution (% of resolved tickets)",
  answered: "Answered",
  unanswered: "Unanswered",
  resolved: "Resolved",
  unresolved: "Unresolved",
  median: "Median (interval)",
  mean: "Mean (interval)",
  p90: "90th percentile",
  fcrShare: "FCR (interval)",
  frtSentence: (group: string, median: string, mean: string, open: string, small: string) =>
    `First response for ${group}: median ${median}, mean ${mean}; ${open} open ticket${
      open === "1" ? "" : "s"
    } still unanswered${small}.`,
  fcrSkipped: (missing: number | null) =>
    missing === null
      ? "First contact resolution is not shown: the tickets have no contacts column (customer contacts per ticket)."
      : `First contact resolution is not shown: ${missing} resolved tickets have no contacts count.`,
  // cohorts & churn
  churn: "Churn",
  churnRate: "Churn rate",
  churnAxis: "Customers lost in the period (%)",
  churnInterval: "Churn rate (interval)",
  churnPooled: (rate: string, period: string, n: string) =>
    `On average ${rate} of customers churned per ${period} (${n} complete periods pooled).`,
  periodStart: "Period",
  incomplete: "incomplete",
  customersStart: "Customers at start",
  churned: "Churned",
  signups: "Sign-ups",
  latestPeriods: "Latest periods",
  survival: "How long customers stay",
  survivalLead:
    "Kaplan–Meier estimates: the share of customers still with us after a given time since signup; customers still active are counted until the data ends (censored), never as churned.",
  survivalCurve: "Customers remaining",
  survivalSentence: (months: string, parts: string, p: string, significant: boolean) =>
    `Still customers after ${months} months: ${parts}; ${
      significant ? "the curves differ" : "no significant difference"
    } (log-rank ${p}).`,
  referredYes: "referred",
  referredNo: "not referred",
  referral: "Referral",
  referralGroup: "referral",
  npsGroup: "latest NPS answer",
  npsGroupLead:
    "Customers with at least one survey answer, by the category of their latest answer: do detractors leave sooner?",
  monthsSinceSignup: "Months since signup",
  stillCustomers: "Still customers (%)",
  retainedAt: (months: string) => `After ${months} months`,
  medianLifetime: "Median lifetime, months (interval)",
  notReached: "not reached",
  cohortRetention: "Signup cohorts",
  cohortLead:
    "Signup cohorts: customers grouped by the month of their signup date (customers table); a customer counts as active in a month with any activity (login, order, support contact). Month 0 is the signup month itself, so it can be below 100 %: a customer who signs up without any activity that month is not active in it. First-activity cohorts (the default of cohortRetention without a signup table) group customers by the month of their first event instead; their month 0 is 100 % by definition.",
  cohortRevenueNote:
    "Net revenue retention of month k is the cohort's revenue in month k divided by its revenue in month 0. For signup cohorts month 0 is only the part of the signup month after each signup, so its revenue is partial and month 1 can exceed 100 % without any expansion.",
  cohortCaption:
    "Signup cohorts; month 0 = signup month (partial, can be below 100 %); the last month of a cohort may be incomplete.",
  cohortSentence: (m1: string, k: string, mk: string, cohorts: string) =>
    `${m1} of new customers were active in their first month after signup, ${mk} in month ${k} (${cohorts} cohorts pooled).`,
  pooledRetention: "Active customers by month since signup, all cohorts",
  activeShare: "Active (%)",
  cohortHeatmap: "Active customers by signup cohort",
  customerValue: "Customer value",
  valueLead:
    "Historic customer lifetime value: revenue per customer-year times the expected lifetime (the mean lifetime under a constant monthly churn hazard, 1 / (−12 · ln(1 − monthly churn)) years).",
  clvSentence: (parts: string) => `Lifetime value per customer: ${parts}.`,
  orders: "Orders",
  aov: "Average order",
  annualValue: "Revenue per customer-year (interval)",
  annualChurn: "Annual churn (interval)",
  lifespan: "Expected lifetime (years)",
  clv: "CLV",
  referralSentence: (share: string, signups: string, rate: string) =>
    `${share} of ${signups} new customers were referred by a customer; ${rate} of customers referred someone.`,
  // segments
  segmentsLead:
    "Each segment against all other customers (the rest), so the two samples are independent; p-values are Holm-adjusted over the segments of a column, so a difference is only called one when it survives the number of comparisons. Answers without a value for a column are left out of its comparison.",
  segmentSentence: (column: string, parts: string) => `By ${column}: ${parts}.`,
  segmentDiff: (group: string, diff: string, below: boolean, p: string) =>
    `NPS of ${group} is ${diff} ${below ? "below" : "above"} the rest (Holm-adjusted ${p})`,
  segmentPair: (low: string, high: string, diff: string, p: string, significant: boolean) =>
    significant
      ? `NPS is ${diff} lower for ${low} than for ${high} (one test, ${p})`
      : `no significant difference in NPS between ${low} and ${high} (${diff} apart, one test, ${p})`,
  segmentNone: (column: string) =>
    `By ${column}: no segment's NPS differs significantly from the rest (Holm-adjusted).`,
  segmentChart: (column: string) => `NPS of each ${column} minus the rest`,
  npsPoints: "NPS points vs the rest",
  vsRest: "vs the rest (interval)",
  pAdjusted: "p (Holm)",
  csatVsRest: "CSAT vs rest (percentage points)",
  cesVsRest: "CES vs rest",
  segmentTableNote:
    "* significant after Holm correction. CSAT in percentage points of top-box share; CES in effort points (lower is better).",
  rfm: "RFM segments of ordering customers",
  rfmLead: (asOf: string) =>
    `Recency, frequency and monetary value of each customer's orders up to ${asOf}, scored in quintiles; segments from the recency × frequency grid.`,
  rfmSentence: (
    champions: string,
    share: string,
    revenue: string,
    atRisk: string,
    riskShare: string,
  ) =>
    `${champions} Champions (${share} of ordering customers) bring ${revenue} of revenue; ${atRisk} customers (${riskShare}) are At risk.`,
  rfmChart: "Customers per RFM segment",
  rfmSegment: "RFM segment",
  shareOfCustomers: "Share of customers",
  shareOfRevenue: "Share of revenue",
  medianRecency: "Median days since last order",
  meanOrders: "Orders per customer",
  // trends
  trendsLead: (periods: string) =>
    `KPIs over ${periods}, each with its interval; a change between consecutive periods is called a shift only when it survives a Holm correction over all periods tested. Periods with few answers are shown hollow and not tested.`,
  shiftSentence: (
    kpi: string,
    drop: boolean,
    diff: string,
    period: string,
    previous: string,
    p: string,
  ) =>
    `${kpi} ${
      drop ? "dropped" : "rose"
    } ${diff} ${period} compared with ${previous} (Holm-adjusted ${p}).`,
  noShift: (kpi: string, tests: string) =>
    `No period-over-period change in ${kpi} is significant after Holm correction over ${tests} tests.`,
  valueInterval: (kpi: string) => `${kpi} (interval)`,
  rolling3: "3-period rolling (interval)",
  change: "Change vs previous (interval)",
  shift: "Shift",
  drop: "drop",
  rise: "rise",
  themes: "What comments are about",
  themesLead: (n: string) =>
    `Words mentioned in the ${n} comments (German and English stop words removed, negations kept).`,
  themesChart: "Most mentioned words",
  shareOfComments: "Share of comments mentioning it (%)",
  themeSentence: (period: string, share: string, term: string, rest: string, p: string) =>
    `${period}, ${share} of comments mention “${term}”, against ${rest} in the other periods (Bonferroni-adjusted ${p}).`,
  ticketVolume: "Ticket volume",
  ticketPeak: (period: string, tickets: string, ratio: string, typical: string) =>
    `Ticket volume peaked ${period} with ${tickets} tickets, ${ratio} times the median of the other periods (${typical}).`,
  // drivers
  noDrivers: (prefix: string) =>
    `No driver analysis: it needs an NPS or CSAT column and at least two numeric attribute ratings named ${prefix}… (e.g. ${prefix}wait_time).`,
  likelihood: "likelihood to recommend",
  driversTooFew: (n: string, min: string) =>
    `No driver analysis: only ${n} answers have the outcome and every rating, fewer than the ${min} needed for stable weights (option driverMinN).`,
  driversLead: (outcome: string) =>
    `Which attribute ratings explain the ${outcome}: relative weights (Johnson 2000) split the explained variance among correlated ratings; intervals from 200 bootstrap resamples (seed 1).`,
  driverSentence: (
    driver: string,
    outcome: string,
    weight: string,
    r: string,
    r2: string,
    n: string,
    next: string,
  ) =>
    `The strongest driver of the ${outcome} is ${driver}: ${weight} of the explained variance (r = ${r}; model R² = ${r2}, n = ${n}); next: ${next}.`,
  concentrate: (drivers: string) =>
    `Concentrate here (important, rated below average): ${drivers}.`,
  driverChart: (outcome: string) => `What drives the ${outcome}`,
  driverChartNote: (r2: string, n: string) =>
    `Share of explained variance (R² = ${r2}, n = ${n}); lines: bootstrap intervals`,
  importanceAxis: "Share of explained variance (%)",
  importancePerformance: "Importance and performance",
  quadrantLead:
    "Importance is the driver's share of explained variance, performance its mean rating; both are split at their means (Martilla & James).",
  driver: "Driver",
  importance: "Importance (interval)",
  correlation: "Correlation r (interval)",
  meanRating: "Mean rating (interval)",
  quadrant: "Where to act",
  quadrants: {
    "Concentrate here": "Concentrate here",
    "Keep up the good work": "Keep up the good work",
    "Low priority": "Low priority",
    "Possible overkill": "Possible overkill",
  } as Record<string, string>,
  // quality
  qualityLead:
    "What was read from each file, what was set aside and why. Rejected rows are not in any number of this report.",
  notLoaded: "not loaded",
  rowsChart: "Rows per file",
  rejectChart: "Rejected rows per file and column",
  rejectedRows: "Rejected rows",
  rowsAxis: "Rows",
  allAccepted: (rows: string) => `All ${rows} rows accepted.`,
  rejectedOf: (rejected: string, rows: string, problems: string) =>
    `${rejected} of ${rows} rows rejected (${problems} problems).`,
  whyRejected: "Why rows were rejected",
  firstRejected: "First rejected rows (spreadsheet row numbers)",
  row: "Row",
  column: "Column",
  value: "Value",
  reason: "Reason",
  problem: "Problem",
  rows: "Rows",
  qualitySentence: (file: string, rejected: string, rows: string, columns: string) =>
    `File ${file}: ${rejected} of ${rows} rows rejected (bad values per column: ${columns}).`,
  qualityClean: (files: string, rows: string) =>
    `All ${rows} rows of ${files} files were accepted.`,
  fileError: (file: string, error: string) => `File ${file} was not loaded: ${error}`,
  delimiter: (d: string, decimal: string, encoding: string) =>
    `delimiter ${d} · decimal "${decimal}" · ${encoding}`,
  // notebooks
  notebooksLead: "Notebooks executed with Jupyter (Deno kernel) on the parameters below.",
  parameters: "Parameters",
  // front page: KPI tiles and the PDF (a-front)
  tilesLabel: "Headline KPIs of the latest period",
  tileUnit: { nps: "points", csat: "percentage points", ces: "points" } as Record<string, string>,
  tileInterval: (level: string, interval: string, n: string) =>
    `${level} interval ${interval} · n = ${n}`,
  tileSignificant: (change: string, unit: string, previous: string, p: string) =>
    `${change} ${unit} vs ${previous}: significant (Holm-adjusted ${p})`,
  tileNotSignificant: (change: string, unit: string, previous: string, p: string) =>
    `${change} ${unit} vs ${previous}: no significant change (Holm-adjusted ${p})`,
  tileNoTest: (previous: string) => `No test against ${previous}: too few answers to compare`,
  tileSpark: (kpi: string, periods: string) => `${kpi} over the last ${periods} periods`,
  pdfLink: "PDF",
  resolutionAxis: "Median resolution time (hours)",
  sectionDone: (section: string) => `${section}: done`,
  sectionSkipped: (section: string, reason: string) => `${section}: skipped: ${reason}`,
  sectionFailedLine: (section: string, message: string) => `${section}: failed: ${message}`,
  pdfLead: "The whole report as a PDF:",
  // console lines of `deno task report` (h-words): counts stay plain digits, greppable
  cliCounts: (file: string, rows: string, accepted: string, rejected: string) =>
    `${file}: ${rows} rows read, ${accepted} accepted, ${rejected} rejected`,
  cliReasons: (counts: string, reasons: string) => `${counts}; most frequent reasons: ${reasons}`,
  cliWarning: (file: string, warning: string) => `${file}: warning: ${warning}`,
  cliNotLoaded: (file: string, why: string) => `${file}: not loaded: ${why}`,
  cliSkipped: (file: string, why: string) => `${file}: skipped: ${why}`,
  cliPartial: (n: number) =>
    `warning: ${n} file${n === 1 ? "" : "s"} not loaded; the report is partial (--allow-partial)`,
  cliNoCsv: (dir: string, skipped: number) =>
    `Option "data": the folder "${dir}" has no CSV files to report on ${
      skipped ? `(${skipped} entries skipped, listed above)` : "(it is empty)"
    }; add files such as responses.csv or tickets.csv, or name them in cxkit.json`,
  cliNothingLoaded: (dir: string) =>
    `No file of "${dir}" could be loaded (listed above), so there is nothing to report on ` +
    "(--allow-partial needs one at least); fix the files or their entries in cxkit.json",
  cliNotAllLoaded: (n: number) =>
    `${n} file${n === 1 ? "" : "s"} not loaded (listed above), so the report would be partial ` +
    "and nothing was written; fix them (`deno task init DIR --force` writes a fresh cxkit.json), " +
    "or pass --allow-partial to write the report without them",
  cliPagesWritten: (n: number) => `${n} pages written`,
  cliReportWritten: (path: string) => `Report written to ${path}`,
  cliPrinting: "printing the report to PDF with headless Chromium",
  cliPdfWritten: (path: string) => `PDF written to ${path}`,
  fileIssue: {
    "dangling-link": () => "a link to nothing (its target does not exist)",
    "outside-link": () => "a link to a file outside the data folder; copy the file into the folder",
    folder: () => "a folder (only files directly in the data folder are read)",
    "not-regular": () => "not a regular file",
    "not-csv": () => "not a CSV file (files ending .csv, .tsv or .txt are read)",
    "unknown-table": (file: string) =>
      `the file name does not say which table it is; add "${file}": { "schema": "responses" } (or tickets, customers, events) to cxkit.json`,
    missing: () =>
      "not in the data folder, though cxkit.json names it; add the file or remove its entry",
  } as Record<FileIssue, (file: string) => string>,
  weightedBy: (column: string, effective: string, n: string, kpi: string) =>
    `Weighted by the survey weights in column ${column}: effective sample size ${effective} of ${n} ${kpi} answers.`,
  // significant segments beyond the Segments page (h-print)
  npsVsRest: "NPS vs rest (points)",
  restMarkNote:
    "vs rest: the segment minus all other answers, tested as on the Segments page; * significant after Holm correction over the segments.",
  standOut: "Segments that stand out",
  standOutLead:
    "NPS of each segment against all other answers, Holm-adjusted as on the Segments page; ▲ above, ▼ below the rest. Only significant differences are listed.",
  standOutNone: "No segment's NPS differs significantly from the rest (Holm-adjusted).",
  standOutItem: (column: string, group: string, diff: string, p: string) =>
    `${column} ${group}: ${diff} vs the rest (Holm-adjusted ${p})`,
  // significant segments marked in the KPI charts (h-phone)
  markedSegments: "differs significantly from the rest (tested as on the Segments page)",
  unmarkedSegments: "no significant difference",
};

/** Every label and sentence template of the report. */
export type Labels = typeof EN;
