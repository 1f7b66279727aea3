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
	targets []*target
	rows    []scenarioRow
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

	fmt.Fprintf(w, "\n## Galley vs hand-written baseline\n\n")
	fmt.Fprintf(w, "%d posts + %d authors, %d clients, %d × %s per scenario per server (each after %s warm-up), "+
		"servers run one at a time; %d CPUs, %s %s/%s, %s.\n\n",
		cfg.rows, cfg.authors, cfg.conc, cfg.rounds, cfg.dur, cfg.warmup, runtime.NumCPU(),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "Command: `go run ./bench %s`\n\n", strings.Join(os.Args[1:], " "))

	fmt.Fprintln(w, "| Scenario | Request | Galley req/s | Galley p50 | Galley p99 | Baseline req/s | Baseline p50 | Baseline p99 | Galley ÷ baseline | Target | Result |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
	var problems []string
	for _, row := range rp.rows {
		cells := []string{row.sc.name, row.sc.desc}
		if row.setupErr != nil {
			cells = append(cells, "–", "–", "–", "–", "–", "–", "–", fmt.Sprintf("≥ %.1f×", row.sc.target), "FAIL (not run)")
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
			cells = append(cells, fmt.Sprintf("%.0f", r.rps), ms(r.p50), ms(r.p99))
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
			verdict = passFail(x >= row.sc.target)
		}
		if errs > 0 {
			verdict = "FAIL (errors)"
		}
		cells = append(cells, ratio, fmt.Sprintf("≥ %.1f×", row.sc.target), verdict)
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		problems = append(problems, row.notes...)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Check | Galley | Baseline | Target | Result |")
	fmt.Fprintln(w, "|---|--:|--:|--:|---|")
	rp.totalsRow(w, gi, bi)
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
	rp.targetRow(w, fmt.Sprintf("Seeding through the API, %d clients", cfg.seedConc), "–",
		func(t *target) (string, bool) { return fmt.Sprintf("%.0f posts/s", t.seedRate), true })

	if len(problems) > 0 {
		fmt.Fprintf(w, "\nProblems:\n\n")
		for _, p := range problems {
			fmt.Fprintf(w, "- %s\n", p)
		}
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
