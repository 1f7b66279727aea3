package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/galleyhq/galley/internal/reqlog"
	"github.com/galleyhq/galley/internal/testserver"
)

func TestZZProfView(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	logs, err := reqlog.Open(context.Background(), reqlog.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	s.API.UseRequestLogs(logs)
	var ids []string
	for i := 0; i < 200; i++ {
		ids = append(ids, create(t, s, "posts", map[string]any{"title": fmt.Sprint("p", i), "views": i}))
	}
	start := time.Now()
	defer func() { t.Logf("%.0f req/s", 48000/time.Since(start).Seconds()) }()
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
			for i := 0; i < 3000; i++ {
				res, err := c.Get(s.URL + "/api/collections/posts/records/" + ids[(i*7+w)%len(ids)])
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}(w)
	}
	wg.Wait()
}

func TestZZProfCreate(t *testing.T) {
	s := testserver.New(t)
	blogSchema(t, s)
	a := create(t, s, "authors", map[string]any{"name": "x"})
	start := time.Now()
	defer func() { t.Logf("%.0f creates/s", 16*1500/time.Since(start).Seconds()) }()
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
			for i := 0; i < 1500; i++ {
				body := fmt.Sprintf(`{"title":"t%d","views":%d,"author":"%s","public":true}`, i, i, a)
				res, err := c.Post(s.URL+"/api/collections/posts/records", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}(w)
	}
	wg.Wait()
}
