package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

type scenarioRow struct {
	sc      scenario
	results []result // in the order of report.targets
	notes   []string // contract problems found by probe
	// setupErr, when set, says why the scenario was not run.
	setupErr []string
}

type report struct {
	cfg     config
	suite   suite
	targets []*target
	rows    []scenarioRow
	dataset *dataset
	// bcryptPerCore is the bench process's own rate of bcrypt comparisons
	// at cost 10 on one goroutine, the bound of logins/s per core (0 when
	// login did not run).
	bcryptPerCore float64
}

// target is sc's minimum Galley ÷ baseline ratio on the report's database;
// 0 means the scenario is reported without one.
func (rp *report) target(sc scenario) float64 {
	if rp.suite.postgres() {
		return sc.pgTarget
	}
	return sc.target
}

// targetCell is the target column of a scenario.
func targetCell(target float64) string {
	if target == 0 {
		return "–"
	}
	return fmt.Sprintf("≥ %.1f×", target)
}

func (rp *report) index(name string) int {
	for i, t := range rp.targets {
		if t.name == name {
			return i
		}
	}
	return -1
}

func (rp *report) print(w io.Writer) {
	cfg := rp.cfg
	gi, bi := rp.index("galley"), rp.index("baseline")

	if rp.suite.postgres() {
		fmt.Fprintf(w, "\n## Galley vs hand-written baseline on PostgreSQL\n\n")
		fmt.Fprintf(w, "PostgreSQL %s on the same machine, a fresh database per server (%s), "+
			"VACUUM ANALYZE after seeding; pool size %d on both (Galley `--db-max-conns %d`, plus its LISTEN connection; baseline pgxpool MaxConns %d).\n\n",
			rp.suite.pgVersion, strings.Join(rp.databases(), ", "), cfg.pgConns, cfg.pgConns, cfg.pgConns)
	} else {
		fmt.Fprintf(w, "\n## Galley vs hand-written baseline\n\n")
	}
	fmt.Fprintf(w, "%d posts + %d authors, %d clients, %d × %s per scenario per server (each after %s warm-up), "+
		"servers run one at a time; %d CPUs, %s %s/%s, %s.\n\n",
		cfg.rows, cfg.authors, cfg.conc, cfg.rounds, cfg.dur, cfg.warmup, runtime.NumCPU(),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	if len(rp.dataset.users) > 0 {
		fmt.Fprintf(w, "Auth scenarios: %d users (bcrypt cost 10), %d notes with random owners; servers' GOMAXPROCS %d.\n\n",
			len(rp.dataset.users), len(rp.dataset.notes), runtime.GOMAXPROCS(0))
	}
	fmt.Fprintf(w, "Command: `go run ./bench %s`\n\n", strings.Join(os.Args[1:], " "))

	fmt.Fprintln(w, "| Scenario | Request | Galley req/s | Galley p50 | Galley p99 | Baseline req/s | Baseline p50 | Baseline p99 | Galley ÷ baseline | Target | Result |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
	var problems []string
	for _, row := range rp.rows {
		cells := []string{row.sc.name, row.sc.desc}
		if row.setupErr != nil {
			cells = append(cells, "–", "–", "–", "–", "–", "–", "–", targetCell(rp.target(row.sc)), "FAIL (not run)")
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
			problems = append(problems, row.setupErr...)
			continue
		}
		for _, i := range []int{gi, bi} {
			if i < 0 {
				cells = append(cells, "–", "–", "–")
				continue
			}
			r := row.results[i]
			rate := fmt.Sprintf("%.0f", r.rps)
			if row.sc.records > 1 {
				rate = fmt.Sprintf("%.0f rec/s (%.1f batches/s)", r.rps*float64(row.sc.records), r.rps)
			}
			cells = append(cells, rate, ms(r.p50), ms(r.p99))
		}
		ratio, verdict := "–", "–"
		errs := 0
		for i, r := range row.results {
			errs += r.errors
			if r.errors > 0 {
				problems = append(problems, fmt.Sprintf("%s on %s: %d of %d requests failed: %s",
					row.sc.name, rp.targets[i].name, r.errors, r.requests, strings.Join(r.errLog, " | ")))
			}
		}
		if gi >= 0 && bi >= 0 && row.results[bi].rps > 0 {
			x := row.results[gi].rps / row.results[bi].rps
			ratio = fmt.Sprintf("%.2f×", x)
			if rp.target(row.sc) > 0 {
				verdict = passFail(x >= rp.target(row.sc))
			}
		}
		if errs > 0 {
			verdict = "FAIL (errors)"
		}
		cells = append(cells, ratio, targetCell(rp.target(row.sc)), verdict)
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		problems = append(problems, row.notes...)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Check | Galley | Baseline | Target | Result |")
	fmt.Fprintln(w, "|---|--:|--:|--:|---|")
	rp.totalsRow(w, gi, bi)
	rp.loginRow(w, gi, bi)
	rp.targetRow(w, fmt.Sprintf("Idle RSS after seeding (+%s idle)", cfg.idle), "< 40 MB",
		func(t *target) (string, bool) { return t.rssSeeded.String(), t.rssSeeded.rss < 40*1024 })
	if cfg.restarts > 0 {
		rp.targetRow(w, "Idle RSS after a restart", "< 40 MB",
			func(t *target) (string, bool) { return t.rssFresh.String(), t.rssFresh.rss < 40*1024 })
		rp.targetRow(w, fmt.Sprintf("Start to healthy on the existing data dir (median of %d; all)", cfg.restarts), "< 0.3 s",
			func(t *target) (string, bool) {
				m := median(t.startTimes)
				return fmt.Sprintf("%.3f s (%s)", m.Seconds(), durs(t.startTimes)), m < 300*time.Millisecond
			})
	}
	rp.createRow(w)
	rp.batchRow(w)
	rp.targetRow(w, fmt.Sprintf("Seeding through the API, %d clients", cfg.seedConc), "–",
		func(t *target) (string, bool) { return fmt.Sprintf("%.0f posts/s", t.seedRate), true })
	if len(rp.dataset.users) > 0 {
		rp.targetRow(w, fmt.Sprintf("Sign-up through the API (bcrypt cost 10), %d clients", rp.cfg.seedConc), "–",
			func(t *target) (string, bool) { return fmt.Sprintf("%.0f users/s", t.signUpRate), true })
		rp.targetRow(w, fmt.Sprintf("Notes seeding through the API, %d clients", rp.cfg.seedConc), "–",
			func(t *target) (string, bool) { return fmt.Sprintf("%.0f notes/s", t.noteSeedRate), true })
	}

	if len(problems) > 0 {
		fmt.Fprintf(w, "\nProblems:\n\n")
		for _, p := range problems {
			fmt.Fprintf(w, "- %s\n", p)
		}
	}
}

// databases lists the report's PostgreSQL databases by server.
func (rp *report) databases() []string {
	var out []string
	for _, t := range rp.targets {
		out = append(out, t.name+" "+pgDatabases[t.name])
	}
	return out
}

// row returns the results of the named scenario, or nil if it did not run.
func (rp *report) row(name string) *scenarioRow {
	i := slices.IndexFunc(rp.rows, func(r scenarioRow) bool { return r.sc.name == name && r.setupErr == nil })
	if i < 0 {
		return nil
	}
	return &rp.rows[i]
}

// createRow reports create throughput with createConc clients against the
// same with -c clients: with writes batched into shared commits, more
// concurrent writers should not lower the rate. No target.
func (rp *report) createRow(w io.Writer) {
	c64 := rp.row("create_64")
	if c64 == nil {
		return
	}
	c := rp.row("create")
	pool := ""
	if rp.suite.postgres() {
		pool = fmt.Sprintf(", pool size %d", rp.cfg.pgConns)
	}
	cells := []string{fmt.Sprintf("Create throughput, %d clients%s (vs create with %d)", createConc, pool, rp.cfg.conc)}
	for _, n := range []string{"galley", "baseline"} {
		i := rp.index(n)
		if i < 0 {
			cells = append(cells, "–")
			continue
		}
		r := c64.results[i]
		cell := fmt.Sprintf("%.0f req/s, p50 %s, p99 %s", r.rps, ms(r.p50), ms(r.p99))
		if c != nil && c.results[i].rps > 0 {
			cell += fmt.Sprintf(" (%.2f× its %d-client rate)", r.rps/c.results[i].rps, rp.cfg.conc)
		}
		cells = append(cells, cell)
	}
	cells = append(cells, "–", "–")
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// ratio is Galley ÷ baseline req/s of the named scenario (0 if either is
// missing or it failed).
func (rp *report) ratio(name string) (x float64, errs bool) {
	r := rp.row(name)
	gi, bi := rp.index("galley"), rp.index("baseline")
	if r == nil || gi < 0 || bi < 0 || r.results[bi].rps == 0 {
		return 0, false
	}
	return r.results[gi].rps / r.results[bi].rps, r.results[gi].errors+r.results[bi].errors > 0
}

// printSideBySide prints the Galley ÷ baseline ratio of every scenario on
// SQLite (sq, nil if it did not run) and on PostgreSQL (pg), with the
// targets of each.
func printSideBySide(w io.Writer, sq, pg *report) {
	fmt.Fprintf(w, "\n## Galley ÷ baseline, SQLite and PostgreSQL\n\n")
	fmt.Fprintln(w, "| Scenario | SQLite ratio | SQLite target | PostgreSQL ratio | PostgreSQL target | PostgreSQL result |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|---|")
	cell := func(rp *report, name string) string {
		if rp == nil {
			return "–"
		}
		x, errs := rp.ratio(name)
		switch {
		case x == 0:
			return "–"
		case errs:
			return fmt.Sprintf("%.2f× (errors)", x)
		}
		return fmt.Sprintf("%.2f×", x)
	}
	for _, row := range pg.rows {
		sc := row.sc
		verdict := "–"
		if x, errs := pg.ratio(sc.name); x > 0 && sc.pgTarget > 0 {
			verdict = passFail(x >= sc.pgTarget && !errs)
		} else if row.setupErr != nil {
			verdict = "FAIL (not run)"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", sc.name, cell(sq, sc.name), targetCell(sc.target),
			cell(pg, sc.name), targetCell(sc.pgTarget), verdict)
	}
}

// totalsRow checks that totals are not a cliff: the throughput of the list
// with skipTotal over the same list with totals, at most 2×.
func (rp *report) totalsRow(w io.Writer, gi, bi int) {
	var totals, skip = -1, -1
	for i, row := range rp.rows {
		switch row.sc.name {
		case "list_totals":
			totals = i
		case "list_skiptotal":
			skip = i
		}
	}
	if totals < 0 || skip < 0 {
		return
	}
	cell := func(i int) (string, float64) {
		if i < 0 || len(rp.rows[totals].results) <= i || len(rp.rows[skip].results) <= i {
			return "–", 0
		}
		t, s := rp.rows[totals].results[i], rp.rows[skip].results[i]
		if t.rps == 0 {
			return "n/a", 0
		}
		x := s.rps / t.rps
		return fmt.Sprintf("%.2f× (p50 %s vs %s)", x, ms(t.p50), ms(s.p50)), x
	}
	g, gx := cell(gi)
	b, _ := cell(bi)
	verdict := "–"
	if gi >= 0 {
		verdict = passFail(gx > 0 && gx <= 2)
	}
	fmt.Fprintf(w, "| Totals cliff: list_skiptotal req/s ÷ list_totals req/s | %s | %s | ≤ 2× (Galley) | %s |\n", g, b, verdict)
}

// loginRow reports log-in throughput per core: req/s of the login scenario
// over the servers' GOMAXPROCS, next to the bench's own single-core bcrypt
// rate (the bound). No target.
func (rp *report) loginRow(w io.Writer, gi, bi int) {
	li := slices.IndexFunc(rp.rows, func(r scenarioRow) bool { return r.sc.name == "login" && r.setupErr == nil })
	if li < 0 {
		return
	}
	procs := runtime.GOMAXPROCS(0)
	cell := func(i int) string {
		if i < 0 {
			return "–"
		}
		r := rp.rows[li].results[i]
		c := fmt.Sprintf("%.1f logins/s per core (%.1f req/s ÷ %d)", r.rps/float64(procs), r.rps, procs)
		if rp.bcryptPerCore > 0 {
			c += fmt.Sprintf(", %.0f%% of bcrypt", 100*r.rps/float64(procs)/rp.bcryptPerCore)
		}
		return c
	}
	bound := "–"
	if rp.bcryptPerCore > 0 {
		bound = fmt.Sprintf("bcrypt cost 10 alone: %.1f compares/s on one core", rp.bcryptPerCore)
	}
	fmt.Fprintf(w, "| Log-in throughput per core (login req/s ÷ GOMAXPROCS %d) | %s | %s | %s | – |\n", procs, cell(gi), cell(bi), bound)
}

// targetRow prints one check; the verdict is Galley's.
func (rp *report) targetRow(w io.Writer, name, target string, f func(*target) (string, bool)) {
	cells := []string{name}
	verdict := "–"
	for _, n := range []string{"galley", "baseline"} {
		i := rp.index(n)
		if i < 0 {
			cells = append(cells, "–")
			continue
		}
		s, ok := f(rp.targets[i])
		cells = append(cells, s)
		if n == "galley" && target != "–" {
			verdict = passFail(ok)
		}
	}
	cells = append(cells, target, verdict)
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func mb(kb int) string {
	return fmt.Sprintf("%.1f MB", float64(kb)/1024)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func durs(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.3f", d.Seconds()))
	}
	return strings.Join(parts, ", ")
}
