package p

import (
	"fmt"
	r "reflect"
)

// doc
//go:linkname x runtime.x
func x() int64

func helper[T any](a, b T, c ...int) (n int, err error) { v := `raw`; _ = v; return }

type node struct{ next *node }

func (n *node) M() { fmt.Println(r.TypeOf(n), '\'', 0x1p-2, 1e+5) }

const (
	A = iota
	b
)

var c, d = 1, f()
