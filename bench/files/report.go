package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// row is one timed scenario.
type row struct {
	name, desc string
	unit       string  // "MB/s" (throughput of file bytes) or "req/s"
	target     float64 // the minimum Galley ÷ baseline ratio; 0 = none
	res        map[string]result
}

func (r *row) set(server string, res result) {
	if r.res == nil {
		r.res = map[string]result{}
	}
	r.res[server] = r.res[server].merge(res)
}

// rate is the figure the row compares.
func (r *row) rate(res result) float64 {
	if r.unit == "MB/s" {
		return res.mbps
	}
	return res.rps
}

func (r *row) cell(res result) string {
	if r.unit == "MB/s" {
		return fmt.Sprintf("%.0f MB/s (%.1f req/s)", res.mbps, res.rps)
	}
	return fmt.Sprintf("%.0f req/s", res.rps)
}

type namedBig struct {
	name string
	bigResult
}

type report struct {
	cfg        *config
	start      time.Time
	servers    []string
	rows       []*row
	big        []namedBig
	photoBytes int
}

func (rp *report) print(w io.Writer) {
	cfg := rp.cfg
	fmt.Fprintf(w, "\n## Galley vs hand-written baseline: files\n\n")
	sizes := make([]string, len(cfg.sizes))
	for i, s := range cfg.sizes {
		sizes[i] = fmt.Sprintf("%s (%d clients)", sizeName(s), cfg.concFor(i))
	}
	fmt.Fprintf(w, "Uploads and downloads of %s; %d × %s per timed scenario per server after %s warm-up, servers run one at a time; "+
		"both servers GOMAXPROCS %d; %d CPUs, %s %s/%s, %s. MB = 2^20 bytes.\n\n",
		strings.Join(sizes, ", "), cfg.rounds, cfg.dur, cfg.warmup, cfg.procs, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		rp.start.UTC().Format("2006-01-02"))
	if cfg.pg != "" {
		fmt.Fprintf(w, "Galley's records on PostgreSQL %s, in a fresh database %s on the same machine; files on the local disk.\n\n", cfg.pgVer, pgDatabase)
	} else {
		fmt.Fprintln(w, "Galley on SQLite; files on the local disk (its data dir).")
		fmt.Fprintln(w)
	}
	sync := "fsyncs each file and its directory, as Galley's local storage does"
	if !cfg.baselineSync {
		sync = "does NOT fsync (-baseline-sync=false), Galley does"
	}
	fmt.Fprintf(w, "Baseline: net/http, MultipartReader streaming each file part to a temp file and renaming it into place; it %s. "+
		"Thumbnails: imaging.Fill(100, 100, Center, Lanczos), JPEG quality 85 (Galley's filter and quality); photo %dx%d, %d KB.\n\n",
		sync, photoW, photoH, rp.photoBytes/1024)
	if cfg.profileDir != "" {
		fmt.Fprintln(w, "Galley was CPU-profiled during each timed scenario (-profile): its figures are a little lower than without.")
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Command: `%s`\n\n", cfg.cmdline)

	var problems []string
	if len(rp.rows) > 0 {
		fmt.Fprintln(w, "| Scenario | Request | Galley | Galley p50 | Galley p99 | Baseline | Baseline p50 | Baseline p99 | Galley ÷ baseline | Target | Result |")
		fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
		for _, r := range rp.rows {
			cells := []string{r.name, r.desc}
			for _, s := range []string{"galley", "baseline"} {
				res, ok := r.res[s]
				if !ok {
					cells = append(cells, "–", "–", "–")
					continue
				}
				cells = append(cells, r.cell(res), ms(res.p50), ms(res.p99))
			}
			ratio, verdict, tgt := "–", "–", "–"
			if r.target > 0 {
				tgt = fmt.Sprintf("≥ %.1f×", r.target)
			}
			g, gok := r.res["galley"]
			b, bok := r.res["baseline"]
			if gok && bok && r.rate(b) > 0 {
				x := r.rate(g) / r.rate(b)
				ratio = fmt.Sprintf("%.2f×", x)
				if r.target > 0 {
					verdict = passFail(x >= r.target)
				}
			}
			for _, s := range []string{"galley", "baseline"} {
				if res, ok := r.res[s]; ok && res.errors > 0 {
					verdict = "FAIL (errors)"
					problems = append(problems, fmt.Sprintf("%s on %s: %d of %d requests failed: %s",
						r.name, s, res.errors, res.requests, strings.Join(res.errLog, " | ")))
				}
			}
			cells = append(cells, ratio, tgt, verdict)
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}

		fmt.Fprintln(w)
		fmt.Fprintln(w, "Server CPU (user + system, from /proc/PID/stat) over each measured run, per request and per MB moved:")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| Scenario | Galley CPU per request | Baseline CPU per request | Galley CPU per MB | Baseline CPU per MB | Galley ÷ baseline (CPU per request) |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
		for _, r := range rp.rows {
			cells := []string{r.name}
			perReq := map[string]float64{}
			for _, s := range []string{"galley", "baseline"} {
				res, ok := r.res[s]
				if !ok || res.requests == 0 {
					cells = append(cells, "–")
					continue
				}
				perReq[s] = res.cpu.Seconds() * 1000 / float64(res.requests)
				cells = append(cells, fmt.Sprintf("%.2f ms", perReq[s]))
			}
			for _, s := range []string{"galley", "baseline"} {
				res, ok := r.res[s]
				if !ok || r.unit != "MB/s" || res.bytes == 0 {
					cells = append(cells, "–")
					continue
				}
				cells = append(cells, fmt.Sprintf("%.2f ms", res.cpu.Seconds()*1000/(float64(res.bytes)/(1<<20))))
			}
			if perReq["galley"] > 0 && perReq["baseline"] > 0 {
				cells = append(cells, fmt.Sprintf("%.2f×", perReq["galley"]/perReq["baseline"]))
			} else {
				cells = append(cells, "–")
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
	}

	if len(rp.big) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "RSS during one %s upload (a freshly started server, idle %s; the body streamed from a generator with its Content-Length; "+
			"VmHWM reset through /proc/PID/clear_refs before, read after; VmRSS also sampled every 10 ms):\n\n", sizeName(cfg.bigSize), cfg.idle)
		fmt.Fprintln(w, "| Server | Upload | RSS before | Peak RSS during | Peak growth | Target | Result |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|---|")
		for _, b := range rp.big {
			if b.err != nil {
				fmt.Fprintf(w, "| %s | – | – | – | – | %s | FAIL (error) |\n", b.name, bigTarget(b.name))
				problems = append(problems, fmt.Sprintf("%s upload on %s: %v", sizeName(cfg.bigSize), b.name, b.err))
				continue
			}
			// VmHWM is only raised on some kernel paths, so a sampled VmRSS
			// can be higher: the peak is the larger of the two.
			peak, src := b.maxSampled, "sampled VmRSS"
			if b.peakReset && b.after.hwm >= b.maxSampled {
				peak, src = b.after.hwm, "VmHWM"
			}
			verdict := "–"
			if b.name == "galley" {
				verdict = passFail(b.growth() < 16*1024)
			}
			fmt.Fprintf(w, "| %s | %.1f s, %.0f MB/s | %s | %s (%s) | %s | %s | %s |\n", b.name,
				b.elapsed.Seconds(), float64(cfg.bigSize)/(1<<20)/b.elapsed.Seconds(),
				mbOf(b.before.rss), mbOf(peak), src, "+"+mbOf(b.growth()), bigTarget(b.name), verdict)
		}
	}

	if len(problems) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Problems:")
		fmt.Fprintln(w)
		for _, p := range problems {
			fmt.Fprintf(w, "- %s\n", p)
		}
	}
}

func bigTarget(name string) string {
	if name == "galley" {
		return "< 16 MB"
	}
	return "–"
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
