// The differential harness's reference client: Go's net/http, the client KrakenD proxies with. It reads one
// exchange per stdin line ("<id> <url>"), runs up to -c of them at once on one shared Transport (so keep-alive
// connections are reused as KrakenD reuses them) and writes one JSON outcome per line to stdout, in completion
// order. A line "flush" ends a batch: once every exchange before it is done, it writes {"id":"flush"}.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

type outcome struct {
	ID     string `json:"id"`
	Stage  string `json:"stage,omitempty"` // "ok", "head" (no response) or "body" (the body failed part way)
	Status int    `json:"status,omitempty"`
	Body   []byte `json:"body,omitempty"`
	Err    string `json:"err,omitempty"`
}

func main() {
	concurrency := flag.Int("c", 64, "exchanges in flight")
	timeout := flag.Duration("timeout", time.Second, "whole-exchange timeout (the endpoint timeout)")
	flag.Parse()

	// KrakenD's backend client: Go's default transport settings, with its max_idle_connections_per_host default.
	transport := &http.Transport{MaxIdleConnsPerHost: 250, IdleConnTimeout: 90 * time.Second}
	client := &http.Client{Transport: transport, Timeout: *timeout}

	stdout := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(stdout)
	var mu sync.Mutex
	emit := func(o outcome) {
		mu.Lock()
		_ = enc.Encode(o)
		mu.Unlock()
	}

	var wg sync.WaitGroup
	slots := make(chan struct{}, *concurrency)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	for in.Scan() {
		line := in.Text()
		if line == "flush" {
			wg.Wait()
			emit(outcome{ID: "flush"})
			mu.Lock()
			_ = stdout.Flush()
			mu.Unlock()
			continue
		}
		parts := strings.SplitN(line, " ", 2)
		if len(parts) != 2 {
			continue
		}
		slots <- struct{}{}
		wg.Add(1)
		go func(id, url string) {
			defer func() { <-slots; wg.Done() }()
			emit(run(client, id, url))
		}(parts[0], parts[1])
	}
	wg.Wait()
	mu.Lock()
	_ = stdout.Flush()
	mu.Unlock()
}

func run(client *http.Client, id, url string) outcome {
	resp, err := client.Get(url)
	if err != nil {
		return outcome{ID: id, Stage: "head", Err: err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return outcome{ID: id, Stage: "body", Status: resp.StatusCode, Body: body, Err: err.Error()}
	}
	return outcome{ID: id, Stage: "ok", Status: resp.StatusCode, Body: body}
}
