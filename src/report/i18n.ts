/**
 * Headings, labels and finding sentences of the report in English and
 * German. Sentences are templates filled with numbers already formatted for
 * the locale, so the words are generated from results in either language.
 *
 * @module
 */
import type { Lang } from "./format.ts";

const EN = {
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
  npsGap: (low: string, high: string, diff: string, p: string, significant: boolean) =>
    `${low} NPS is ${diff} points below ${high} (${p})${
      significant ? "" : ": not a significant difference at this sample size"
    }.`,
  npsShift: (fell: boolean, diff: string, from: string, to: string, p: string) =>
    `NPS ${fell ? "fell" : "rose"} ${diff} points from ${from} to ${to} (${p}).`,
  npsNoShift: "No change between consecutive periods is significant.",
  npsOverall: (value: string, n: string) => `Overall NPS is ${value} on ${n} answers.`,
  csatExtremes: (best: string, bestV: string, worst: string, worstV: string) =>
    `CSAT is highest for ${best} (${bestV}) and lowest for ${worst} (${worstV}).`,
  cesExtremes: (worst: string, worstV: string, best: string, bestV: string) =>
    `Effort is highest for ${worst} (${worstV}) and lowest for ${best} (${bestV}).`,
  // service
  frt: "First response time",
  frtAxis: "Median first response (minutes)",
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
  frtSentence: (group: string, median: string, low: string, high: string, open: string) =>
    `${group}: median first response ${median} min (${low}–${high}), ${open} ${group} tickets still unanswered.`,
  fcrSentence: (best: string, bestV: string, worst: string, worstV: string) =>
    `First contact resolution is highest for ${best} (${bestV}) and lowest for ${worst} (${worstV}).`,
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
    "Customers grouped by signup month; a customer counts as active in a month with any activity (login, order, support contact).",
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
    `${group} NPS is ${diff} points ${below ? "below" : "above"} the rest (Holm-adjusted ${p})`,
  segmentNone: (column: string) =>
    `By ${column}: no segment's NPS differs significantly from the rest (Holm-adjusted).`,
  segmentChart: (column: string) => `NPS of each ${column} minus the rest`,
  npsPoints: "NPS points vs the rest",
  vsRest: "vs the rest (interval)",
  pAdjusted: "p (Holm)",
  csatVsRest: "CSAT vs rest (pts)",
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
    } ${diff} points in ${period} compared with ${previous} (Holm-adjusted ${p}).`,
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
    `In ${period}, ${share} of comments mention “${term}”, against ${rest} in the other periods (Bonferroni-adjusted ${p}).`,
  ticketVolume: "Ticket volume",
  ticketPeak: (period: string, tickets: string, ratio: string, typical: string) =>
    `Ticket volume peaked in ${period} with ${tickets} tickets, ${ratio} times the median of the other periods (${typical}).`,
  // drivers
  noDrivers: (prefix: string) =>
    `No driver analysis: it needs an NPS or CSAT column and at least two numeric attribute ratings named ${prefix}… (e.g. ${prefix}wait_time).`,
  likelihood: "likelihood to recommend",
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
    `${driver} is the strongest driver of the ${outcome}: ${weight} of the explained variance (r = ${r}; model R² = ${r2}, n = ${n}); next: ${next}.`,
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
    `${file}: ${rejected} of ${rows} rows rejected (bad values per column: ${columns}).`,
  qualityClean: (files: string, rows: string) =>
    `All ${rows} rows of ${files} files were accepted.`,
  fileError: (file: string, error: string) => `${file} was not loaded: ${error}`,
  delimiter: (d: string, decimal: string, encoding: string) =>
    `delimiter ${d} · decimal "${decimal}" · ${encoding}`,
  // notebooks
  notebooksLead: "Notebooks executed with Jupyter (Deno kernel) on the parameters below.",
  parameters: "Parameters",
};

/** Every label and sentence template of the report. */
export type Labels = typeof EN;

const DE: Labels = {
  site: "Bericht Kundenerlebnis",
  nav: "Abschnitte des Berichts",
  overview: "Übersicht",
  kpis: "Kunden-KPIs",
  service: "Service",
  cohorts: "Kohorten & Kündigungen",
  segments: "Segmente",
  trends: "Trends",
  drivers: "Treiber",
  quality: "Datenqualität",
  notebooks: "Notebooks",
  printAll: "Druckversion",
  lead:
    "Umfrageantworten, Support-Tickets und Kundendaten mit Konfidenzintervallen und Tests: Ein Unterschied heißt nur dann Unterschied, wenn er größer als das Rauschen ist.",
  facts: "Über diesen Bericht",
  dataDir: "Daten",
  dateRange: "Zeitraum",
  filters: "Filter",
  noFilters: "keine (alle Zeilen)",
  periodLabel: "Perioden",
  periodColumn: "Periode",
  segmentLabel: "Segmentiert nach",
  confidence: "Intervalle",
  confidenceText: (pct, minN) =>
    `${pct}-Konfidenzintervalle; Gruppen mit weniger als ${minN} Beobachtungen sind als „kleine Stichprobe“ markiert`,
  keyFindings: "Wichtigste Ergebnisse",
  generated: (at) => `Erstellt ${at}`,
  filesRead: "Gelesene Dateien",
  sectionFailed: (message) =>
    `Dieser Abschnitt konnte aus den Daten nicht berechnet werden: ${message}`,
  noFindings: "Mit diesen Daten gibt es in diesem Abschnitt nichts zu berichten.",
  noData: (what) => `Keine ${what} in den Daten, daher ist dieser Abschnitt leer.`,
  filterFrom: (d) => `ab ${d}`,
  filterTo: (d) => `bis ${d}`,
  filterWhere: (column, value, tables) => `${column} = „${value}“ (angewendet auf ${tables})`,
  filterNotApplied: (column, tables) =>
    `${column} ist keine Spalte von ${tables}: dort nicht gefiltert`,
  range: (from, to, table) => `${from} – ${to} (${table})`,
  period: { day: "Tage", week: "ISO-Wochen", month: "Monate", quarter: "Quartale", year: "Jahre" },
  file: "Datei",
  table: "Tabelle",
  rowsRead: "Gelesene Zeilen",
  accepted: "Angenommen",
  rejected: "Abgelehnt",
  dates: "Zeitraum",
  format: "Format",
  n: "n",
  answers: "Antworten",
  tickets: "Tickets",
  customers: "Kunden",
  smallSample: "kleine Stichprobe",
  moreRows: (shown, total) => `Die ersten ${shown} von ${total} Zeilen.`,
  nps: "Net Promoter Score",
  npsAxis: "NPS (−100 bis 100)",
  scoreChart: "Weiterempfehlungsbereitschaft: Antworten je Wert",
  scoreAxis: "Weiterempfehlungsbereitschaft (0–10)",
  shareOfAnswers: "Anteil der Antworten (%)",
  npsInterval: "NPS (95-%-Intervall)",
  promoters: "Promotoren",
  passives: "Passive",
  detractors: "Kritiker",
  csat: "Kundenzufriedenheit (CSAT)",
  csatAxis: "CSAT, Top-Box-Anteil (%)",
  csatInterval: "CSAT % (Intervall)",
  csatMean: "Mittelwert (Intervall)",
  ces: "Kundenaufwand (CES, niedriger ist besser)",
  cesAxis: "Kundenaufwand (Mittelwert; niedriger ist besser)",
  cesInterval: "Mittlerer Aufwand (Intervall)",
  lowEffort: "Geringer Aufwand",
  overall: "Gesamt",
  byGroup: (what, group) => `${what} nach ${group}`,
  answerMix: (group) => `Antwortverteilung nach ${group}`,
  intervalsNote: (pct, minN) => `${pct}-Intervalle; hohle Punkte: weniger als ${minN} Antworten`,
  comments: "Was Kritiker sagen: neueste Kommentare",
  date: "Datum",
  score: "Wert",
  comment: "Kommentar",
  npsGap: (low, high, diff, p, significant) =>
    `Der NPS von ${low} liegt ${diff} Punkte unter ${high} (${p})${
      significant ? "" : ": bei dieser Stichprobengröße kein signifikanter Unterschied"
    }.`,
  npsShift: (fell, diff, from, to, p) =>
    `Der NPS ${fell ? "fiel" : "stieg"} von ${from} bis ${to} um ${diff} Punkte (${p}).`,
  npsNoShift: "Keine Veränderung zwischen aufeinanderfolgenden Perioden ist signifikant.",
  npsOverall: (value, n) => `Der NPS liegt insgesamt bei ${value} (${n} Antworten).`,
  csatExtremes: (best, bestV, worst, worstV) =>
    `Die Zufriedenheit ist bei ${best} am höchsten (${bestV}) und bei ${worst} am niedrigsten (${worstV}).`,
  cesExtremes: (worst, worstV, best, bestV) =>
    `Der Aufwand ist bei ${worst} am höchsten (${worstV}) und bei ${best} am niedrigsten (${bestV}).`,
  frt: "Erste Antwortzeit",
  frtAxis: "Median der ersten Antwort (Minuten)",
  frtTable: "Erste Antwortzeit (Minuten)",
  resolution: "Lösungszeit",
  resolutionTable: "Lösungszeit (Stunden)",
  fcr: "Erstlösungsquote",
  fcrAxis: "Erstlösungsquote (% der gelösten Tickets)",
  answered: "Beantwortet",
  unanswered: "Unbeantwortet",
  resolved: "Gelöst",
  unresolved: "Ungelöst",
  median: "Median (Intervall)",
  mean: "Mittelwert (Intervall)",
  p90: "90. Perzentil",
  fcrShare: "Erstlösung (Intervall)",
  frtSentence: (group, median, low, high, open) =>
    `${group}: Median der ersten Antwort ${median} min (${low}–${high}), ${open} ${group}-Tickets noch unbeantwortet.`,
  fcrSentence: (best, bestV, worst, worstV) =>
    `Die Erstlösungsquote ist bei ${best} am höchsten (${bestV}) und bei ${worst} am niedrigsten (${worstV}).`,
  fcrSkipped: (missing) =>
    missing === null
      ? "Die Erstlösungsquote fehlt: die Tickets haben keine Spalte contacts (Kundenkontakte je Ticket)."
      : `Die Erstlösungsquote fehlt: ${missing} gelöste Tickets haben keine Kontaktzahl.`,
  churn: "Kündigungen",
  churnRate: "Kündigungsrate",
  churnAxis: "In der Periode verlorene Kunden (%)",
  churnInterval: "Kündigungsrate (Intervall)",
  churnPooled: (rate, period, n) =>
    `Im Mittel kündigten ${rate} der Kunden je ${period} (${n} vollständige Perioden zusammengefasst).`,
  periodStart: "Periode",
  incomplete: "unvollständig",
  customersStart: "Kunden zu Beginn",
  churned: "Gekündigt",
  signups: "Neukunden",
  latestPeriods: "Letzte Perioden",
  survival: "Wie lange Kunden bleiben",
  survivalLead:
    "Kaplan-Meier-Schätzungen: der Anteil der Kunden, die eine bestimmte Zeit nach der Anmeldung noch Kunden sind; noch aktive Kunden zählen bis zum Datenende (zensiert), nie als Kündigung.",
  survivalCurve: "Verbleibende Kunden",
  survivalSentence: (months, parts, p, significant) =>
    `Nach ${months} Monaten noch Kunden: ${parts}; ${
      significant ? "die Kurven unterscheiden sich" : "kein signifikanter Unterschied"
    } (Log-Rank ${p}).`,
  referredYes: "geworben",
  referredNo: "nicht geworben",
  referral: "Empfehlung",
  referralGroup: "Empfehlung",
  npsGroup: "letzter NPS-Antwort",
  npsGroupLead:
    "Kunden mit mindestens einer Umfrageantwort, nach der Kategorie ihrer letzten Antwort: Gehen Kritiker früher?",
  monthsSinceSignup: "Monate seit Anmeldung",
  stillCustomers: "Noch Kunden (%)",
  retainedAt: (months) => `Nach ${months} Monaten`,
  medianLifetime: "Median der Kundendauer, Monate (Intervall)",
  notReached: "nicht erreicht",
  cohortRetention: "Anmeldekohorten",
  cohortLead:
    "Kunden nach Anmeldemonat gruppiert; aktiv ist ein Kunde in einem Monat mit irgendeiner Aktivität (Login, Bestellung, Supportkontakt).",
  cohortSentence: (m1, k, mk, cohorts) =>
    `${m1} der Neukunden waren im ersten Monat nach der Anmeldung aktiv, ${mk} im Monat ${k} (${cohorts} Kohorten zusammengefasst).`,
  pooledRetention: "Aktive Kunden nach Monaten seit Anmeldung, alle Kohorten",
  activeShare: "Aktiv (%)",
  cohortHeatmap: "Aktive Kunden je Anmeldekohorte",
  customerValue: "Kundenwert",
  valueLead:
    "Historischer Kundenwert (CLV): Umsatz je Kundenjahr mal erwartete Kundendauer (mittlere Dauer bei konstanter monatlicher Kündigungsrate, 1 / (−12 · ln(1 − monatliche Kündigungsrate)) Jahre).",
  clvSentence: (parts) => `Kundenwert über die erwartete Kundendauer: ${parts}.`,
  orders: "Bestellungen",
  aov: "Durchschn. Bestellwert",
  annualValue: "Umsatz je Kundenjahr (Intervall)",
  annualChurn: "Jährliche Kündigungsrate (Intervall)",
  lifespan: "Erwartete Kundendauer (Jahre)",
  clv: "CLV",
  referralSentence: (share, signups, rate) =>
    `${share} von ${signups} Neukunden wurden von einem Kunden geworben; ${rate} der Kunden haben jemanden geworben.`,
  segmentsLead:
    "Jedes Segment im Vergleich mit allen übrigen Kunden (dem Rest), damit beide Stichproben unabhängig sind; p-Werte sind über die Segmente einer Spalte nach Holm korrigiert, damit ein Unterschied nur dann einer heißt, wenn er die Zahl der Vergleiche übersteht. Antworten ohne Wert in einer Spalte bleiben bei deren Vergleich außen vor.",
  segmentSentence: (column, parts) => `Nach ${column}: ${parts}.`,
  segmentDiff: (group, diff, below, p) =>
    `der NPS von ${group} liegt ${diff} Punkte ${
      below ? "unter" : "über"
    } dem Rest (Holm-korrigiert ${p})`,
  segmentNone: (column) =>
    `Nach ${column}: kein Segment unterscheidet sich im NPS signifikant vom Rest (Holm-korrigiert).`,
  segmentChart: (column) => `NPS je ${column} minus Rest`,
  npsPoints: "NPS-Punkte gegenüber dem Rest",
  vsRest: "gegenüber Rest (Intervall)",
  pAdjusted: "p (Holm)",
  csatVsRest: "CSAT ggü. Rest (Pkt.)",
  cesVsRest: "CES ggü. Rest",
  segmentTableNote:
    "* signifikant nach Holm-Korrektur. CSAT in Prozentpunkten des Top-Box-Anteils; CES in Aufwandspunkten (niedriger ist besser).",
  rfm: "RFM-Segmente der bestellenden Kunden",
  rfmLead: (asOf) =>
    `Aktualität, Häufigkeit und Umsatz der Bestellungen jedes Kunden bis ${asOf}, in Quintilen bewertet; Segmente aus dem Raster Aktualität × Häufigkeit.`,
  rfmSentence: (champions, share, revenue, atRisk, riskShare) =>
    `${champions} Champions (${share} der bestellenden Kunden) bringen ${revenue} des Umsatzes; ${atRisk} Kunden (${riskShare}) sind At risk.`,
  rfmChart: "Kunden je RFM-Segment",
  rfmSegment: "RFM-Segment",
  shareOfCustomers: "Anteil Kunden",
  shareOfRevenue: "Anteil Umsatz",
  medianRecency: "Median Tage seit letzter Bestellung",
  meanOrders: "Bestellungen je Kunde",
  trendsLead: (periods) =>
    `KPIs über ${periods}, jeweils mit Intervall; eine Veränderung zwischen aufeinanderfolgenden Perioden heißt nur dann Verschiebung, wenn sie eine Holm-Korrektur über alle getesteten Perioden übersteht. Perioden mit wenigen Antworten sind hohl dargestellt und nicht getestet.`,
  shiftSentence: (kpi, drop, diff, period, previous, p) =>
    `Der ${kpi} ${
      drop ? "fiel" : "stieg"
    } im ${period} gegenüber ${previous} um ${diff} Punkte (Holm-korrigiert ${p}).`,
  noShift: (kpi, tests) =>
    `Keine Veränderung des ${kpi} zwischen Perioden ist nach Holm-Korrektur über ${tests} Tests signifikant.`,
  valueInterval: (kpi) => `${kpi} (Intervall)`,
  rolling3: "Gleitend über 3 Perioden (Intervall)",
  change: "Veränderung ggü. Vorperiode (Intervall)",
  shift: "Verschiebung",
  drop: "Rückgang",
  rise: "Anstieg",
  themes: "Worum es in den Kommentaren geht",
  themesLead: (n) =>
    `Wörter in den ${n} Kommentaren (deutsche und englische Füllwörter entfernt, Verneinungen behalten).`,
  themesChart: "Häufigste Wörter",
  shareOfComments: "Anteil der Kommentare, die es nennen (%)",
  themeSentence: (period, share, term, rest, p) =>
    `Im ${period} nennen ${share} der Kommentare „${term}“, gegenüber ${rest} in den übrigen Perioden (Bonferroni-korrigiert ${p}).`,
  ticketVolume: "Ticketaufkommen",
  ticketPeak: (period, tickets, ratio, typical) =>
    `Das Ticketaufkommen erreichte im ${period} mit ${tickets} Tickets seinen Höchststand, das ${ratio}-Fache des Medians der übrigen Perioden (${typical}).`,
  noDrivers: (prefix) =>
    `Keine Treiberanalyse: Sie braucht eine NPS- oder CSAT-Spalte und mindestens zwei numerische Bewertungen namens ${prefix}… (z. B. ${prefix}wait_time).`,
  likelihood: "Weiterempfehlungsbereitschaft",
  driversLead: (outcome) =>
    `Welche Einzelbewertungen die ${outcome} erklären: Relative Gewichte (Johnson 2000) teilen die erklärte Varianz auf korrelierte Bewertungen auf; Intervalle aus 200 Bootstrap-Stichproben (Seed 1).`,
  driverSentence: (driver, outcome, weight, r, r2, n, next) =>
    `${driver} ist der stärkste Treiber der ${outcome}: ${weight} der erklärten Varianz (r = ${r}; Modell-R² = ${r2}, n = ${n}); danach: ${next}.`,
  concentrate: (drivers) => `Hier ansetzen (wichtig, unterdurchschnittlich bewertet): ${drivers}.`,
  driverChart: (outcome) => `Was die ${outcome} treibt`,
  driverChartNote: (r2, n) =>
    `Anteil an der erklärten Varianz (R² = ${r2}, n = ${n}); Linien: Bootstrap-Intervalle`,
  importanceAxis: "Anteil an der erklärten Varianz (%)",
  importancePerformance: "Wichtigkeit und Leistung",
  quadrantLead:
    "Wichtigkeit ist der Anteil eines Treibers an der erklärten Varianz, Leistung seine mittlere Bewertung; beide werden an ihrem Mittelwert geteilt (Martilla & James).",
  driver: "Treiber",
  importance: "Wichtigkeit (Intervall)",
  correlation: "Korrelation r (Intervall)",
  meanRating: "Mittlere Bewertung (Intervall)",
  quadrant: "Handlungsfeld",
  quadrants: {
    "Concentrate here": "Hier ansetzen",
    "Keep up the good work": "Weiter so",
    "Low priority": "Geringe Priorität",
    "Possible overkill": "Möglicherweise zu viel",
  },
  qualityLead:
    "Was aus jeder Datei gelesen wurde, was aussortiert wurde und warum. Abgelehnte Zeilen gehen in keine Zahl dieses Berichts ein.",
  notLoaded: "nicht geladen",
  rowsChart: "Zeilen je Datei",
  rejectChart: "Abgelehnte Zeilen je Datei und Spalte",
  rejectedRows: "Abgelehnte Zeilen",
  rowsAxis: "Zeilen",
  allAccepted: (rows) => `Alle ${rows} Zeilen angenommen.`,
  rejectedOf: (rejected, rows, problems) =>
    `${rejected} von ${rows} Zeilen abgelehnt (${problems} Probleme).`,
  whyRejected: "Warum Zeilen abgelehnt wurden",
  firstRejected: "Erste abgelehnte Zeilen (Zeilennummern wie in der Tabellenkalkulation)",
  row: "Zeile",
  column: "Spalte",
  value: "Wert",
  reason: "Grund",
  problem: "Problem",
  rows: "Zeilen",
  qualitySentence: (file, rejected, rows, columns) =>
    `${file}: ${rejected} von ${rows} Zeilen abgelehnt (ungültige Werte je Spalte: ${columns}).`,
  qualityClean: (files, rows) => `Alle ${rows} Zeilen aus ${files} Dateien wurden angenommen.`,
  fileError: (file, error) => `${file} wurde nicht geladen: ${error}`,
  delimiter: (d, decimal, encoding) =>
    `Trennzeichen ${d} · Dezimalzeichen „${decimal}“ · ${encoding}`,
  notebooksLead:
    "Mit Jupyter (Deno-Kernel) ausgeführte Notebooks mit den unten genannten Parametern.",
  parameters: "Parameter",
};

const LABELS: Record<Lang, Labels> = { en: EN, de: DE };

/**
 * The labels and sentence templates of a report language.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportLabels } from "./i18n.ts";
 * assert.equal(reportLabels("de").quality, "Datenqualität");
 * assert.equal(reportLabels("en").byGroup("NPS", "channel"), "NPS by channel");
 * ```
 */
export function reportLabels(lang: Lang): Labels {
  return LABELS[lang];
}
