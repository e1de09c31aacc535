package scenarios

// The decoding of a stack's tenants, its products and the links between them.

import "gopkg.in/yaml.v3"

func (d *decoder) tenants(n *yaml.Node, path string, st *Stack) {
	f, ok := d.mapping(n, path, "seed", "list")
	if !ok {
		return
	}
	d.require(f, "seed", "list")
	if v, p := f.get("seed"); v != nil {
		st.Tenants.Seed = d.step(v, p, stepPlace{})
	}
	st.Tenants.List = d.namedProbe(f, "list", tmplCtx{}, probeOpts{})
}

func (d *decoder) products(n *yaml.Node, path string, st *Stack) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	st.Products = map[string]*Product{}
	for _, e := range es {
		f, ok := d.mapping(e.val, e.path, "service", "health", "fingerprint", "health-batch", "fingerprint-batch", "canary")
		if !ok {
			continue
		}
		d.require(f, "service", "health")
		pr := &Product{Pos: d.pos(e.kn), Name: e.key}
		if v, p := f.get("service"); v != nil {
			pr.Service = d.str(v, p)
			if d.service(v, p, pr.Service) == nil && d.known {
				pr.Service = "" // reported; do not default probes to it
			}
		}
		perSite := tmplCtx{site: true}
		o := probeOpts{defService: pr.Service}
		if pr.Service == "" {
			o.defService = ""
		}
		pr.Health = d.namedProbe(f, "health", perSite, o)
		pr.Fingerprint = d.namedProbe(f, "fingerprint", perSite, o)
		pr.HealthBatch = d.namedProbe(f, "health-batch", tmplCtx{}, o)
		pr.FingerprintBatch = d.namedProbe(f, "fingerprint-batch", tmplCtx{}, o)
		if v, p := f.get("canary"); v != nil {
			cf, ok := d.mapping(v, p, "write", "read")
			if ok && d.require(cf, "write", "read") {
				pr.CanaryWrite = d.namedProbe(cf, "write", tmplCtx{seq: true}, o)
				pr.CanaryRead = d.namedProbe(cf, "read", tmplCtx{}, o)
			}
		}
		st.Products[e.key] = pr
	}
}

// namedProbe decodes the probe under key k of f, or returns nil when there is none.
func (d *decoder) namedProbe(f fields, k string, tc tmplCtx, o probeOpts) *Probe {
	v, p := f.get(k)
	if v == nil {
		return nil
	}
	pf, ok := d.mapping(v, p, probeKinds...)
	if !ok {
		return nil
	}
	pr := &Probe{Name: k}
	d.probe(pf, pr, tc, o)
	return pr
}

func (d *decoder) links(n *yaml.Node, path string, st *Stack) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	st.Links = map[string]*Probe{}
	for _, e := range es {
		pf, ok := d.mapping(e.val, e.path, probeKinds...)
		if !ok {
			continue
		}
		pr := &Probe{Name: e.key}
		d.probe(pf, pr, tmplCtx{site: true}, probeOpts{})
		st.Links[e.key] = pr
	}
}
