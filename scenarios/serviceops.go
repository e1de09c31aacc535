package scenarios

import "fmt"

// CheckServiceOps reports every service step the drill would take (protect, inject, recover and
// the stack actions they call) whose operation refuse refuses, as when a runtime cannot pause:
// refuse says why, or nil to allow. The error matches ErrInvalid and names each step's
// position.
func (s *Scenario) CheckServiceOps(refuse func(op string) error) error {
	var es Errors
	seen := map[string]bool{}
	var walk func(steps []*Step, path string)
	walk = func(steps []*Step, path string) {
		for i, st := range steps {
			p := index(path, i)
			switch {
			case st.Service != nil:
				if err := refuse(st.Service.Op); err != nil {
					es = append(es, &Error{Pos: st.Pos, Path: p + ".service", Msg: fmt.Sprintf("%s %s: %v", st.Service.Op, st.Service.Name, err)})
				}
			case st.Action != "" && !seen[st.Action] && s.Stack != nil && s.Stack.Actions[st.Action] != nil:
				seen[st.Action] = true
				walk(s.Stack.Actions[st.Action].Steps, "actions."+st.Action+".steps")
			}
		}
	}
	protect := s.Protect
	if protect == nil && s.Stack != nil {
		protect = s.Stack.Protect
	}
	walk(protect, "protect")
	walk(s.Inject, "inject")
	walk(s.Recover, "recover")
	if len(es) == 0 {
		return nil
	}
	return es.sort() // each action is walked once: no step is reported twice
}
