package simd

// freeList hands out scratch structures to concurrent kernel calls. Unlike
// a sync.Pool it survives garbage collections (and the race detector, which
// makes a Pool drop entries on purpose), so once one structure per
// concurrent caller is warm, a steady state never allocates again. Beyond
// its capacity, returned structures are left to the collector.
type freeList[T any] struct{ ch chan *T }

func newFreeList[T any]() freeList[T] { return freeList[T]{ch: make(chan *T, 256)} }

func (f freeList[T]) get() *T {
	select {
	case v := <-f.ch:
		return v
	default:
		return new(T)
	}
}

func (f freeList[T]) put(v *T) {
	select {
	case f.ch <- v:
	default:
	}
}
