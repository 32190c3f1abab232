package onnx

import (
	"encoding/binary"
	"math"
)

// A minimal protobuf writer for hand-made test models.

type pb struct{ b []byte }

func (p *pb) key(f, wt int) *pb { p.b = binary.AppendUvarint(p.b, uint64(f<<3|wt)); return p }
func (p *pb) varint(f int, v int64) *pb {
	p.key(f, wireVarint)
	p.b = binary.AppendUvarint(p.b, uint64(v))
	return p
}
func (p *pb) bytes(f int, b []byte) *pb {
	p.key(f, wireBytes)
	p.b = binary.AppendUvarint(p.b, uint64(len(b)))
	p.b = append(p.b, b...)
	return p
}
func (p *pb) str(f int, s string) *pb { return p.bytes(f, []byte(s)) }
func (p *pb) msg(f int, m *pb) *pb    { return p.bytes(f, m.b) }
func (p *pb) f32(f int, v float32) *pb {
	p.key(f, wire32)
	p.b = binary.LittleEndian.AppendUint32(p.b, math.Float32bits(v))
	return p
}

type nodeSpec struct {
	name, op string
	in, out  []string
	attrs    []*pb
}

// valueInfo of a float tensor ["N", 3, 4, 4].
func vinfo(name string, dims ...any) *pb {
	shape := &pb{}
	for _, d := range dims {
		dm := &pb{}
		switch v := d.(type) {
		case int:
			dm.varint(1, int64(v))
		case string:
			dm.str(2, v)
		}
		shape.msg(1, dm)
	}
	tt := (&pb{}).varint(1, tFloat).msg(2, shape)
	return (&pb{}).str(1, name).msg(2, (&pb{}).msg(1, tt))
}

func buildModelWith(opset int64, nodes []*nodeSpec, inits []*pb) []byte {
	return buildModelShape(opset, nodes, inits, "N", 3, 4, 4)
}

func buildModelShape(opset int64, nodes []*nodeSpec, inits []*pb, dims ...any) []byte {
	g := &pb{}
	for _, n := range nodes {
		np := &pb{}
		for _, s := range n.in {
			np.str(1, s)
		}
		for _, s := range n.out {
			np.str(2, s)
		}
		np.str(3, n.name).str(4, n.op)
		for _, a := range n.attrs {
			np.msg(5, a)
		}
		g.msg(1, np)
	}
	g.str(2, "test")
	for _, t := range inits {
		g.msg(5, t)
	}
	g.msg(11, vinfo("x", dims...))
	g.msg(12, vinfo("y"))
	m := (&pb{}).varint(1, 8).str(2, "edgerun-test")
	m.msg(7, g)
	m.msg(8, (&pb{}).str(1, "").varint(2, opset))
	return m.b
}

func buildModel(opset int64, nodes []*nodeSpec) []byte { return buildModelWith(opset, nodes, nil) }
