package reports

import (
	"fmt"
	"html/template"
	"strings"
)

// Colours are SVG attributes (never style), so charts keep them when a CI server blocks the
// page's stylesheet.
const (
	colOK      = "#1a7f37"
	colBad     = "#cf222e"
	colWarn    = "#9a6700"
	colMuted   = "#57606a"
	colGrid    = "#d0d7de"
	colBar     = "#0969da"
	colTarget  = "#cf222e"
	colFit     = "#8250df"
	colInk     = "#1f2328"
	chartWidth = 900
)

// svg builds one chart. Every text it writes is escaped.
type svg struct {
	b          strings.Builder
	w, h       float64
	title, des string
}

func newSVG(w, h float64, title, desc string) *svg {
	s := &svg{w: w, h: h, title: title, des: desc}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 %s %s" width="100%%" preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="12" fill="%s">`,
		f1(w), f1(h), colInk)
	fmt.Fprintf(&s.b, "<title>%s</title><desc>%s</desc>", esc(title), esc(desc))
	return s
}

func (s *svg) rect(x, y, w, h float64, fill, tip string) {
	if w < 0.5 {
		w = 0.5
	}
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`, f1(x), f1(y), f1(w), f1(h), fill)
	if tip != "" {
		fmt.Fprintf(&s.b, "<title>%s</title>", esc(tip))
	}
	s.b.WriteString("</rect>")
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"`, f1(x1), f1(y1), f1(x2), f1(y2), stroke, f1(width))
	if dash != "" {
		fmt.Fprintf(&s.b, ` stroke-dasharray="%s"`, dash)
	}
	s.b.WriteString("/>")
}

// text writes a label; anchor is start, middle or end.
func (s *svg) text(x, y float64, anchor, fill, txt string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, f1(x), f1(y), anchor, fill, esc(txt))
}

func (s *svg) circle(x, y, r float64, fill, tip string) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"><title>%s</title></circle>`, f1(x), f1(y), f1(r), fill, esc(tip))
}

func (s *svg) polyline(pts [][2]float64, stroke string, width float64, dash string) {
	var p strings.Builder
	for i, pt := range pts {
		if i > 0 {
			p.WriteByte(' ')
		}
		p.WriteString(f1(pt[0]) + "," + f1(pt[1]))
	}
	fmt.Fprintf(&s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%s"`, p.String(), stroke, f1(width))
	if dash != "" {
		fmt.Fprintf(&s.b, ` stroke-dasharray="%s"`, dash)
	}
	s.b.WriteString("/>")
}

func (s *svg) html() template.HTML {
	return template.HTML(s.b.String() + "</svg>")
}

// frame is the plotting area of a chart inside its svg, with an x axis drawn below.
type frame struct {
	left, top, width, height float64
	x                        axis
}

func (f frame) px(v float64) float64 { return f.left + v/f.x.Max*f.width }

// xAxis draws the ticks, grid lines and the axis title under the frame.
func (s *svg) xAxis(f frame, title string) {
	for _, t := range f.x.ticks() {
		x := f.px(t)
		s.line(x, f.top, x, f.top+f.height, colGrid, 1, "")
		s.text(x, f.top+f.height+15, "middle", colMuted, f.x.label(t))
	}
	s.line(f.left, f.top+f.height, f.left+f.width, f.top+f.height, colMuted, 1, "")
	s.text(f.left+f.width/2, f.top+f.height+32, "middle", colMuted, title)
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func f1(v float64) string { return trimZero(fmt.Sprintf("%.1f", v)) }

// truncate shortens a label to n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// textTip writes a label with a tooltip (the full text of a shortened label).
func (s *svg) textTip(x, y float64, anchor, fill, txt, tip string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s"><title>%s</title>%s</text>`, f1(x), f1(y), anchor, fill, esc(tip), esc(txt))
}
