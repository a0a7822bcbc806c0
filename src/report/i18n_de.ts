/**
 * The report's German headings, labels and finding sentences, key for key
 * the English ones of `i18n_en.ts`.
 *
 * @module
 */
import type { Labels } from "./i18n_en.ts";

/** German labels and sentence templates of the report. */
export const DE: Labels = {
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
  npsGap: (by, low, high, diff, p, significant, pairs) =>
    significant
      ? `Der NPS liegt bei ${low} um ${diff} niedriger als bei ${high} (${p}, Holm-korrigiert über ${pairs} Paare von ${by}-Werten).`
      : `Kein signifikanter Unterschied im NPS nach ${by}: Der niedrigste (${low}) und der höchste (${high}) liegen ${diff} auseinander (${p}, Holm-korrigiert über ${pairs} Paare).`,
  npsOverall: (value, n) => `Der NPS liegt insgesamt bei ${value} (${n} Antworten).`,
  csatSubject: "Die Zufriedenheit",
  cesSubject: "Der Aufwand",
  fcrSubject: "Die Erstlösungsquote",
  rankExtremes: (kpi, hi, hiV, lo, loV) =>
    `${kpi} ist bei ${hi} am höchsten (${hiV}) und bei ${lo} am niedrigsten (${loV}); ihre Intervalle überschneiden sich mit keiner anderen Gruppe.`,
  rankPair: (kpi, hi, hiV, lo, loV) =>
    `${kpi} ist bei ${hi} höher (${hiV}) als bei ${lo} (${loV}); ihre Intervalle überschneiden sich nicht.`,
  rankNone: (kpi, by, hi, lo) =>
    `${kpi} unterscheidet sich nicht deutlich nach ${by}: Die Intervalle des höchsten (${hi}) und des niedrigsten Werts (${lo}) überschneiden sich.`,
  smallGroups: (n, min) =>
    `${n} Gruppe(n) mit weniger als ${min} Beobachtungen sind kleine Stichproben: hohl dargestellt, nicht verglichen.`,
  smallPeriods: (n, min) =>
    `${n} Periode(n) mit weniger als ${min} Antworten sind kleine Stichproben: hohl dargestellt, nicht getestet.`,
  smallFlag: (n) => ` (kleine Stichprobe: n = ${n})`,
  frt: "Erste Antwortzeit",
  frtAxis: "Median der ersten Antwort (Minuten)",
  frtLead:
    "Median und Mittelwert der Minuten bis zur ersten Antwort beantworteter Tickets; üblich ist der Mittelwert, den lange Wartezeiten nach oben ziehen, der Median beschreibt das typische Ticket. Offene Tickets ohne Antwort werden gezählt, nie gemittelt.",
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
  frtSentence: (group, median, mean, open, small) =>
    `Erste Antwort bei ${group}: Median ${median}, Mittelwert ${mean}; ${open} ${
      open === "1" ? "offenes Ticket" : "offene Tickets"
    } noch unbeantwortet${small}.`,
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
    "Anmeldekohorten: Kunden nach dem Monat ihres Anmeldedatums (Kundentabelle) gruppiert; aktiv ist ein Kunde in einem Monat mit irgendeiner Aktivität (Login, Bestellung, Supportkontakt). Monat 0 ist der Anmeldemonat selbst und kann daher unter 100 % liegen: Wer sich anmeldet, aber in diesem Monat nichts tut, ist darin nicht aktiv. Kohorten nach erster Aktivität (die Voreinstellung von cohortRetention ohne Anmeldetabelle) gruppieren Kunden stattdessen nach dem Monat ihres ersten Ereignisses; ihr Monat 0 liegt per Definition bei 100 %.",
  cohortRevenueNote:
    "Die Netto-Umsatzbindung (NRR) in Monat k ist der Umsatz der Kohorte in Monat k geteilt durch ihren Umsatz in Monat 0. Bei Anmeldekohorten umfasst Monat 0 nur den Teil des Anmeldemonats nach der jeweiligen Anmeldung; sein Umsatz ist also unvollständig, und Monat 1 kann ohne jede Ausweitung über 100 % liegen.",
  cohortCaption:
    "Anmeldekohorten; Monat 0 = Anmeldemonat (angebrochen, kann unter 100 % liegen); der letzte Monat einer Kohorte kann unvollständig sein.",
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
    `der NPS von ${group} liegt ${diff} ${
      below ? "unter" : "über"
    } dem Rest (${p}, Holm-korrigiert)`,
  segmentPair: (low, high, diff, p, significant) =>
    significant
      ? `der NPS liegt bei ${low} um ${diff} niedriger als bei ${high} (ein Test, ${p})`
      : `kein signifikanter Unterschied im NPS zwischen ${low} und ${high} (${diff} auseinander, ein Test, ${p})`,
  segmentNone: (column) =>
    `Nach ${column}: Kein Segment unterscheidet sich im NPS signifikant vom Rest (Holm-korrigiert).`,
  segmentChart: (column) => `NPS je ${column} minus Rest`,
  npsPoints: "NPS-Punkte gegenüber dem Rest",
  vsRest: "gegenüber Rest (Intervall)",
  pAdjusted: "p (Holm)",
  csatVsRest: "CSAT ggü. Rest (Prozentpunkte)",
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
    } ${period} gegenüber ${previous} um ${diff} (${p}, Holm-korrigiert).`,
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
    `${period} nennen ${share} der Kommentare „${term}“, gegenüber ${rest} in den übrigen Perioden (${p}, Bonferroni-korrigiert).`,
  ticketVolume: "Ticketaufkommen",
  ticketPeak: (period, tickets, ratio, typical) =>
    `Das Ticketaufkommen erreichte ${period} mit ${tickets} Tickets seinen Höchststand, das ${ratio}-Fache des Medians der übrigen Perioden (${typical}).`,
  noDrivers: (prefix) =>
    `Keine Treiberanalyse: Sie braucht eine NPS- oder CSAT-Spalte und mindestens zwei numerische Bewertungen namens ${prefix}… (z. B. ${prefix}wait_time).`,
  likelihood: "Weiterempfehlungsbereitschaft",
  driversTooFew: (n, min) =>
    `Keine Treiberanalyse: Nur ${n} Antworten haben das Ergebnis und alle Bewertungen, weniger als die ${min}, die stabile Gewichte brauchen (Option driverMinN).`,
  driversLead: (outcome) =>
    `Welche Einzelbewertungen die ${outcome} erklären: Relative Gewichte (Johnson 2000) teilen die erklärte Varianz auf korrelierte Bewertungen auf; Intervalle aus 200 Bootstrap-Stichproben (Seed 1).`,
  driverSentence: (driver, outcome, weight, r, r2, n, next) =>
    `Der stärkste Treiber der ${outcome} ist ${driver}: ${weight} der erklärten Varianz (r = ${r}; Modell-R² = ${r2}, n = ${n}); danach: ${next}.`,
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
    `Datei ${file}: ${rejected} von ${rows} Zeilen abgelehnt (ungültige Werte je Spalte: ${columns}).`,
  qualityClean: (files, rows) => `Alle ${rows} Zeilen aus ${files} Dateien wurden angenommen.`,
  fileError: (file, error) => `Datei ${file} wurde nicht geladen: ${error}`,
  delimiter: (d, decimal, encoding) =>
    `Trennzeichen ${d} · Dezimalzeichen „${decimal}“ · ${encoding}`,
  notebooksLead:
    "Mit Jupyter (Deno-Kernel) ausgeführte Notebooks mit den unten genannten Parametern.",
  parameters: "Parameter",
  // front page: KPI tiles and the PDF (a-front)
  tilesLabel: "Kennzahlen des letzten Zeitraums",
  tileUnit: { nps: "Punkte", csat: "Prozentpunkte", ces: "Punkte" } as Record<string, string>,
  tileInterval: (level: string, interval: string, n: string) =>
    `${level}-Intervall ${interval} · n = ${n}`,
  tileSignificant: (change: string, unit: string, previous: string, p: string) =>
    `${change} ${unit} gegenüber ${previous}: signifikant (Holm-korrigiert ${p})`,
  tileNotSignificant: (change: string, unit: string, previous: string, p: string) =>
    `${change} ${unit} gegenüber ${previous}: keine signifikante Änderung (Holm-korrigiert ${p})`,
  tileNoTest: (previous: string) =>
    `Kein Test gegenüber ${previous}: zu wenige Antworten für einen Vergleich`,
  tileSpark: (kpi: string, periods: string) => `${kpi} in den letzten ${periods} Zeiträumen`,
  pdfLink: "PDF",
  resolutionAxis: "Median der Lösungszeit (Stunden)",
  sectionDone: (section: string) => `${section}: fertig`,
  sectionSkipped: (section: string, reason: string) => `${section}: übersprungen: ${reason}`,
  sectionFailedLine: (section: string, message: string) => `${section}: fehlgeschlagen: ${message}`,
  pdfLead: "Der ganze Bericht als PDF:",
  // console lines of `deno task report` (h-words): counts stay plain digits, greppable
  cliCounts: (file, rows, accepted, rejected) =>
    `${file}: ${rows} Zeilen gelesen, ${accepted} angenommen, ${rejected} abgelehnt`,
  cliReasons: (counts, reasons) => `${counts}; häufigste Gründe: ${reasons}`,
  cliWarning: (file, warning) => `${file}: Warnung: ${warning}`,
  cliNotLoaded: (file, why) => `${file}: nicht geladen: ${why}`,
  cliSkipped: (file, why) => `${file}: übersprungen: ${why}`,
  cliPartial: (n) =>
    `Warnung: ${n} ${
      n === 1 ? "Datei" : "Dateien"
    } nicht geladen; der Bericht ist unvollständig (--allow-partial)`,
  cliNoCsv: (dir, skipped) =>
    `Option "data": Der Ordner „${dir}“ enthält keine CSV-Dateien für den Bericht ${
      skipped ? `(${skipped} Einträge übersprungen, oben aufgeführt)` : "(er ist leer)"
    }; legen Sie Dateien wie responses.csv oder tickets.csv hinein oder nennen Sie sie in cxkit.json`,
  cliNothingLoaded: (dir) =>
    `Keine Datei aus „${dir}“ konnte geladen werden (oben aufgeführt), daher gibt es nichts zu ` +
    "berichten (--allow-partial braucht mindestens eine); korrigieren Sie die Dateien oder ihre " +
    "Einträge in cxkit.json",
  cliNotAllLoaded: (n) =>
    `${n} ${n === 1 ? "Datei" : "Dateien"} nicht geladen (oben aufgeführt), der Bericht wäre ` +
    "also unvollständig, und nichts wurde geschrieben; korrigieren Sie sie (`deno task init " +
    "DIR --force` schreibt eine neue cxkit.json) oder geben Sie --allow-partial an, um den " +
    "Bericht ohne sie zu schreiben",
  cliPagesWritten: (n) => `${n} Seiten geschrieben`,
  cliReportWritten: (path) => `Bericht gespeichert unter ${path}`,
  cliPrinting: "Der Bericht wird mit Headless-Chromium als PDF gedruckt",
  cliPdfWritten: (path) => `PDF gespeichert unter ${path}`,
  fileIssue: {
    "dangling-link": () => "ein Verweis ins Leere (sein Ziel gibt es nicht)",
    "outside-link": () =>
      "ein Verweis auf eine Datei außerhalb des Datenordners; kopieren Sie die Datei in den Ordner",
    folder: () => "ein Ordner (nur Dateien direkt im Datenordner werden gelesen)",
    "not-regular": () => "keine normale Datei",
    "not-csv": () => "keine CSV-Datei (gelesen werden Dateien mit der Endung .csv, .tsv oder .txt)",
    "unknown-table": (file: string) =>
      `der Dateiname sagt nicht, welche Tabelle es ist; tragen Sie "${file}": { "schema": "responses" } (oder tickets, customers, events) in cxkit.json ein`,
    missing: () =>
      "nicht im Datenordner, obwohl cxkit.json sie nennt; legen Sie die Datei ab oder entfernen Sie ihren Eintrag",
  },
  weightedBy: (column, effective, n, kpi) =>
    `Gewichtet mit den Umfragegewichten aus der Spalte ${column}: effektive Stichprobengröße ${effective} von ${n} ${kpi}-Antworten.`,
  // significant segments beyond the Segments page (h-print)
  npsVsRest: "NPS ggü. Rest (Punkte)",
  restMarkNote:
    "ggü. Rest: das Segment minus alle übrigen Antworten, getestet wie auf der Seite Segmente; * signifikant nach Holm-Korrektur über die Segmente.",
  standOut: "Auffällige Segmente",
  standOutLead:
    "NPS jedes Segments im Vergleich mit allen übrigen Antworten, Holm-korrigiert wie auf der Seite Segmente; ▲ über, ▼ unter dem Rest. Aufgeführt sind nur signifikante Unterschiede.",
  standOutNone: "Kein Segment unterscheidet sich im NPS signifikant vom Rest (Holm-korrigiert).",
  standOutItem: (column: string, group: string, diff: string, p: string) =>
    `${column} ${group}: ${diff} ggü. dem Rest (Holm-korrigiert ${p})`,
  // significant segments marked in the KPI charts (h-phone)
  markedSegments: "unterscheidet sich signifikant vom Rest (getestet wie auf der Seite Segmente)",
  unmarkedSegments: "kein signifikanter Unterschied",
};
