package runtime

import "sync"

// workerPool runs the parts of one large op on a few goroutines created
// with the session. Dispatch sends values over channels and waits on a
// WaitGroup, so it allocates nothing per call.
type workerPool struct {
	work []chan poolTask
	wg   sync.WaitGroup
}

type poolTask struct {
	fn             func(worker, lo, hi int)
	worker, lo, hi int
}

func newWorkerPool(threads int) *workerPool {
	if threads <= 1 {
		return nil
	}
	p := &workerPool{work: make([]chan poolTask, threads-1)}
	for i := range p.work {
		ch := make(chan poolTask, 1)
		p.work[i] = ch
		go func() {
			for t := range ch {
				t.fn(t.worker, t.lo, t.hi)
				p.wg.Done()
			}
		}()
	}
	return p
}

// parallel calls fn over [0,n) split into contiguous ranges, one per
// thread, each at least minChunk long; worker numbers the range (below the
// thread count) so fn can pick per-thread scratch. The caller's goroutine
// takes range 0. A nil pool runs fn(0, 0, n) directly.
func (p *workerPool) parallel(n, minChunk int, fn func(worker, lo, hi int)) {
	if p == nil || n <= minChunk {
		fn(0, 0, n)
		return
	}
	parts := len(p.work) + 1
	if minChunk < 1 {
		minChunk = 1
	}
	if n/minChunk < parts {
		parts = n / minChunk
	}
	if parts <= 1 {
		fn(0, 0, n)
		return
	}
	chunk := (n + parts - 1) / parts
	p.wg.Add(parts - 1)
	for i := 1; i < parts; i++ {
		lo, hi := i*chunk, min((i+1)*chunk, n)
		p.work[i-1] <- poolTask{fn: fn, worker: i, lo: lo, hi: hi}
	}
	fn(0, 0, min(chunk, n))
	p.wg.Wait()
}

func (p *workerPool) close() {
	if p == nil {
		return
	}
	for _, ch := range p.work {
		close(ch)
	}
}
