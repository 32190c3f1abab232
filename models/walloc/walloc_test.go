package walloc

import (
	"errors"
	"math"
	"testing"

	"github.com/edgerun/edgerun/internal/npy"
	"github.com/edgerun/edgerun/models/pth"
)

const golden = "../../testdata/walloc/"

func readF32(t *testing.T, name string) ([]float32, []int) {
	t.Helper()
	a, err := npy.ReadFile(golden + name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Float32()
	if err != nil {
		t.Fatal(err)
	}
	return v, a.Shape
}

// TestGoldenEncoders imports the three golden checkpoints and checks that the
// imported projection, applied to the reference wavelet coefficients and
// companded, reproduces the reference projection and int8 latents.
func TestGoldenEncoders(t *testing.T) {
	cases := []struct {
		name  string
		arch  Arch
		heavy bool
	}{{"rgb16x", Codec2D, false}, {"linear4x", LinearCodec2D, false}, {"stereo", Codec1D, false}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Load(golden+c.name+".pth", golden+c.name+".json")
			if err != nil {
				t.Fatal(err)
			}
			if m.Arch != c.arch || m.HeavyDecoder != c.heavy {
				t.Fatalf("arch %v heavy %v, want %v %v", m.Arch, m.HeavyDecoder, c.arch, c.heavy)
			}
			wpt, ws := readF32(t, c.name+"_wpt.npy")
			proj, ps := readF32(t, c.name+"_proj.npy")
			la, err := npy.ReadFile(golden + c.name + "_latent.npy")
			if err != nil {
				t.Fatal(err)
			}
			lat, err := la.Int8()
			if err != nil {
				t.Fatal(err)
			}
			in := m.Config.Channels * m.Config.Bands()
			if ws[1] != in {
				t.Fatalf("wpt has %d channels, config gives %d", ws[1], in)
			}
			pos := 1
			for _, d := range ws[2:] {
				pos *= d
			}
			outPos := 1
			for _, d := range ps[2:] {
				outPos *= d
			}
			pad := m.EncoderPadding
			if outPos != pos+2*pad {
				t.Fatalf("proj has %d positions, want %d", outPos, pos+2*pad)
			}
			var worst float64
			mismatch := 0
			for o := 0; o < m.Config.LatentDim; o++ {
				for p := 0; p < outPos; p++ {
					acc := float64(m.EncoderBias[o])
					mag := math.Abs(acc) // scale of the float32 rounding in the reference's sum
					if q := p - pad; q >= 0 && q < pos {
						for i := 0; i < in; i++ {
							term := float64(m.EncoderWeight[o*in+i]) * float64(wpt[i*pos+q])
							acc += term
							mag += math.Abs(term)
						}
					}
					want := float64(proj[o*outPos+p])
					if d := math.Abs(acc-want) / mag; d > worst {
						worst = d
					}
					y := math.RoundToEven(2 * m.Config.LatentMax() *
						(0.5*math.Erfc(-acc/m.Config.Scale()/math.Sqrt2) - 0.5))
					if d := y - float64(lat[o*outPos+p]); d != 0 {
						if math.Abs(d) > 1 {
							t.Fatalf("latent[%d,%d] = %v, want %d", o, p, y, lat[o*outPos+p])
						}
						mismatch++
					}
				}
			}
			if worst > 2e-6 {
				t.Errorf("projection differs by %g relative to the sum of |terms|", worst)
			}
			if mismatch > 3 {
				t.Errorf("%d latents off by one", mismatch)
			}
			t.Logf("projection max rel diff %.2g, %d latents off by one at a .5 boundary", worst, mismatch)
		})
	}
}

func TestHeavyDecoderAccepted(t *testing.T) {
	c, err := ReadConfig(golden + "rgb16x.json")
	if err != nil {
		t.Fatal(err)
	}
	ck, err := pth.ReadFile("testdata/rgb16x_heavy.pth")
	if err != nil {
		t.Fatal(err)
	}
	m, err := FromCheckpoint(c, ck)
	if err != nil {
		t.Fatal(err)
	}
	if !m.HeavyDecoder || m.DecoderWeight != nil {
		t.Fatalf("heavy %v, decoder weight %d", m.HeavyDecoder, len(m.DecoderWeight))
	}
}

func TestConfig(t *testing.T) {
	good := []struct {
		json string
		arch Arch
	}{
		{`{"channels":3,"J":3,"latent_dim":48,"latent_bits":8}`, LinearCodec2D},
		{`{"channels":3,"J":3,"Ne":null,"Nd":768,"latent_dim":12,"latent_bits":8,"lightweight_encode":true}`, Codec2D},
		{`{"channels":2,"J":5,"Ne":null,"Nd":112,"latent_dim":16,"latent_bits":8,"lightweight_encode":true,"post_filter":false}`, Codec1D},
	}
	for _, g := range good {
		c, err := ParseConfig([]byte(g.json))
		if err != nil {
			t.Fatalf("%s: %v", g.json, err)
		}
		if c.Arch() != g.arch {
			t.Errorf("%s: arch %v, want %v", g.json, c.Arch(), g.arch)
		}
	}
	c, _ := ParseConfig([]byte(good[0].json))
	if c.Scale() != 127/1.85 || c.LatentMax() != 127.499 || c.Bands() != 64 {
		t.Errorf("scale %v latent max %v bands %d", c.Scale(), c.LatentMax(), c.Bands())
	}
	bad := []string{
		``, `[]`, `{"channels":3}`, `{"channels":0,"J":3,"latent_dim":4,"latent_bits":8}`,
		`{"channels":3,"J":30,"latent_dim":4,"latent_bits":8}`,
		`{"channels":3,"J":3,"latent_dim":4,"latent_bits":99}`,
		`{"channels":3,"J":3,"Nd":768,"latent_dim":12,"latent_bits":8,"lightweight_encode":false}`,
		`{"channels":"3","J":3,"latent_dim":4,"latent_bits":8}`,
	}
	for _, b := range bad {
		if _, err := ParseConfig([]byte(b)); !errors.Is(err, ErrConfig) {
			t.Errorf("%q: err = %v, want ErrConfig", b, err)
		}
	}
}

// A checkpoint whose shapes disagree with the config is refused.
func TestMismatch(t *testing.T) {
	c, err := ParseConfig([]byte(`{"channels":3,"J":2,"latent_dim":48,"latent_bits":8}`))
	if err != nil {
		t.Fatal(err)
	}
	ck, err := pth.ReadFile(golden + "linear4x.pth")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromCheckpoint(c, ck); !errors.Is(err, ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
}

func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"channels":3,"J":3,"latent_dim":48,"latent_bits":8}`))
	f.Add([]byte(`{"channels":2,"J":5,"Ne":null,"Nd":112,"latent_dim":16,"latent_bits":8,"lightweight_encode":true,"post_filter":false}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		if c.Bands() <= 0 || c.Scale() <= 0 {
			t.Fatalf("accepted config with bands %d scale %v", c.Bands(), c.Scale())
		}
	})
}
