package kube

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
)

// podCheck looks at a pod (nil once it is gone) and says whether the wait is over, or fails it.
type podCheck func(p *corev1.Pod) (done bool, err error)

// waitPod watches one pod until check is done with it or fails, or ctx ends: it reads the pod,
// then watches from that version, and reads again when the watch ends. It never sleeps.
func (r *Runtime) waitPod(ctx context.Context, ns, name string, check podCheck) error {
	pods := r.cs.CoreV1().Pods(ns)
	for {
		p, err := pods.Get(ctx, name, metav1.GetOptions{})
		var version string
		switch {
		case apierrors.IsNotFound(err):
			if done, err := check(nil); done || err != nil {
				return err
			}
			list, err := pods.List(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
			if err != nil {
				return err
			}
			version = list.ResourceVersion
		case err != nil:
			return err
		default:
			if done, err := check(p); done || err != nil {
				return err
			}
			version = p.ResourceVersion
		}
		w, err := pods.Watch(ctx, metav1.ListOptions{
			FieldSelector:   fields.OneTermEqualSelector("metadata.name", name).String(),
			ResourceVersion: version,
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		done, err := watchPod(ctx, w, check)
		w.Stop()
		if done || err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// watchPod feeds a watch's events to check until it is done, fails, or the watch ends
// (done false, err nil: read again).
func watchPod(ctx context.Context, w watch.Interface, check podCheck) (bool, error) {
	for {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok {
				return false, nil
			}
			switch ev.Type {
			case watch.Error:
				return false, nil
			case watch.Deleted:
				if done, err := check(nil); done || err != nil {
					return done, err
				}
			default:
				p, ok := ev.Object.(*corev1.Pod)
				if !ok {
					continue
				}
				if done, err := check(p); done || err != nil {
					return done, err
				}
			}
		}
	}
}

// gone is done when the pod no longer exists.
func gone(p *corev1.Pod) (bool, error) { return p == nil, nil }

// running is done when the pod's main container runs, and fails when the pod is gone, ended,
// or stuck on something a wait will not mend (an image that cannot be pulled, a bad command).
func running(p *corev1.Pod) (bool, error) {
	if p == nil {
		return false, fmt.Errorf("the pod was deleted while starting")
	}
	if err := stuck(p); err != nil {
		return false, err
	}
	switch p.Status.Phase {
	case corev1.PodSucceeded, corev1.PodFailed:
		return false, fmt.Errorf("the pod ended (%s) while starting%s", p.Status.Phase, exitDetail(p))
	}
	for _, s := range p.Status.ContainerStatuses {
		if s.Name == mainContainer && s.State.Running != nil {
			return true, nil
		}
	}
	return false, nil
}

// ended is done when the pod has run to its end (a one-shot pod).
func ended(p *corev1.Pod) (bool, error) {
	if p == nil {
		return false, fmt.Errorf("the pod was deleted before it ended")
	}
	if err := stuck(p); err != nil {
		return false, err
	}
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed, nil
}

// stuckReasons are the kubelet's waiting reasons that no wait mends.
var stuckReasons = map[string]string{
	"ErrImagePull":               "the image cannot be pulled",
	"ImagePullBackOff":           "the image cannot be pulled",
	"ErrImageNeverPull":          "the image is not on the node",
	"InvalidImageName":           "the image name is invalid",
	"CreateContainerConfigError": "the container's configuration is wrong",
	"CreateContainerError":       "the container cannot be created",
	"RunContainerError":          "the container cannot start",
}

// stuck is the pod's hopeless state, with the kubelet's words, or nil.
func stuck(p *corev1.Pod) error {
	for _, ss := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, s := range ss {
			if w := s.State.Waiting; w != nil {
				if what, ok := stuckReasons[w.Reason]; ok {
					msg := fmt.Sprintf("%s: %s (%s: %s)", s.Name, what, w.Reason, strings.TrimSpace(w.Message))
					if strings.Contains(w.Reason, "Image") {
						msg += ": load it into the cluster's nodes (make kube-images on the test cluster) or push it to a registry the cluster pulls from"
					}
					return fmt.Errorf("%s", msg)
				}
			}
		}
	}
	for _, s := range p.Status.InitContainerStatuses {
		if t := s.State.Terminated; t != nil && t.ExitCode != 0 {
			return fmt.Errorf("init container %s exited with %d (%s)", s.Name, t.ExitCode, strings.TrimSpace(t.Message))
		}
	}
	return nil
}

// terminated is the main container's end, or nil while it has not ended.
func terminated(p *corev1.Pod) *corev1.ContainerStateTerminated {
	for _, s := range p.Status.ContainerStatuses {
		if s.Name == mainContainer {
			return s.State.Terminated
		}
	}
	return nil
}

// exitDetail is the main container's exit code and reason, when it has ended.
func exitDetail(p *corev1.Pod) string {
	if t := terminated(p); t != nil {
		return fmt.Sprintf(": exit %d (%s)", t.ExitCode, t.Reason)
	}
	return ""
}

// exitCode is the main container's exit code once the pod has ended.
func exitCode(p *corev1.Pod) (int, error) {
	if t := terminated(p); t != nil {
		return int(t.ExitCode), nil
	}
	return 0, fmt.Errorf("pod %s ended (%s) without an exit code", p.Name, p.Status.Phase)
}
