package kube

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/drill-dev/drill/harness/runtime"
)

// The labels and annotations the runtime adds to drill's own.
const (
	// LabelPod selects a pod (its object name) for the headless Services of its aliases.
	LabelPod = "drill.pod"
	// AnnotationName is the Docker-style name drill gave a pod, claim or namespace
	// (drill-RUN-SERVICE), before Name made it fit.
	AnnotationName = "drill.name"
	// LabelManaged marks every object drill creates, so that one selector finds them all.
	LabelManaged = "app.kubernetes.io/managed-by"
	managedBy    = "drill"
)

// mainContainer is the name of the one container of every pod drill creates.
const mainContainer = "main"

// seedContainer is the init container that copies the image's files into a new volume.
const seedContainer = "seed"

// DefaultHelperImage is the image that carries drill-volume (cmd/drill-volume), FROM scratch:
// make kube-images builds it and loads it into the test cluster; on another cluster it must
// be pullable (Config.HelperImage).
const DefaultHelperImage = "drill/kube-helper:dev"

// seedMount is where the seed container mounts the volume it fills.
const seedMount = "/drill-seed"

// claimSize is the storage every claim asks for: the default StorageClass's provisioner
// decides what it means (a host path ignores it).
var claimSize = resource.MustParse("1Gi")

// meta is the metadata of an object drill creates: its name, namespace, drill's labels encoded
// (LabelValue) with their values as annotations, and the Docker-style name it stands for.
func meta(name, namespace string, labels map[string]string) metav1.ObjectMeta {
	l, a := Labels(labels)
	l[LabelManaged] = managedBy
	a[AnnotationName] = name
	return metav1.ObjectMeta{Name: Name(name), Namespace: namespace, Labels: l, Annotations: a}
}

// NamespaceObject is the namespace that stands for a drill's network.
func NamespaceObject(network string, labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: meta(network, "", labels)}
}

// ClaimObject is the PersistentVolumeClaim that stands for a volume: ReadWriteOnce (every pod
// of a drill shares one node on a one-node cluster; on a bigger one, the StorageClass decides),
// of the cluster's default StorageClass.
func ClaimObject(volume, namespace string, labels map[string]string) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: meta(volume, namespace, labels),
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: claimSize},
			},
		},
	}
}

// PodObject is the pod that stands for a container: one container named main, restart policy
// Never (a killed or crashed process stays dead, as a Docker container without a restart
// policy does), the image pulled only when the node lacks it, no service links in its
// environment. Entrypoint and Command map to the container's command and args. Each volume is
// its claim; a volume mounted without nocopy gets the image's files at its path copied in
// when it is empty, by init containers (drill-volume, from the helper image, run in the same
// image), as Docker does for a new volume.
// User must be numeric (uid or uid:gid): a pod's security context has no user names. Init
// shares the pod's process namespace, so that the pause container is PID 1 as Docker's init is.
func PodObject(spec runtime.ContainerSpec, namespace, helper string, once bool) (*corev1.Pod, error) {
	m := meta(spec.Name, namespace, spec.Labels)
	m.Labels[LabelPod] = m.Name
	c := corev1.Container{
		Name:            mainContainer,
		Image:           spec.Image,
		Command:         spec.Entrypoint,
		Args:            spec.Command,
		ImagePullPolicy: corev1.PullIfNotPresent,
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		c.Env = append(c.Env, corev1.EnvVar{Name: k, Value: spec.Env[k]})
	}
	for _, p := range spec.Ports {
		c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: int32(p), Protocol: corev1.ProtocolTCP})
	}
	if spec.User != "" {
		sc, err := userContext(spec.User)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Name, err)
		}
		c.SecurityContext = sc
	}
	pod := &corev1.Pod{
		ObjectMeta: m,
		Spec: corev1.PodSpec{
			RestartPolicy:      corev1.RestartPolicyNever,
			EnableServiceLinks: new(bool),
			Hostname:           m.Name,
		},
	}
	if spec.Init {
		// The pause container is PID 1 and reaps; the process gets SIGTERM's default action,
		// as under Docker's --init.
		share := true
		pod.Spec.ShareProcessNamespace = &share
	}
	if once {
		delete(pod.Labels, LabelPod) // no Service selects a one-shot pod
	}
	var seeds []corev1.Container
	for i, vol := range slices.Sorted(maps.Keys(spec.Volumes)) {
		name := "v" + strconv.Itoa(i)
		path := spec.Volumes[vol]
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{
			Name: name,
			VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: Name(vol), ReadOnly: spec.ReadOnly[vol],
			}},
		})
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: path, ReadOnly: spec.ReadOnly[vol]})
		if !spec.NoCopy[vol] && !spec.ReadOnly[vol] {
			seeds = append(seeds, seed(spec.Image, name, path, len(seeds)))
		}
	}
	if len(seeds) > 0 {
		pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{
			Name: seedBinVolume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}},
		})
		pod.Spec.InitContainers = append([]corev1.Container{installer(helper)}, seeds...)
	}
	pod.Spec.Containers = []corev1.Container{c}
	return pod, nil
}

// seedBin is where a pod's init containers find drill-volume: an emptyDir the helper image
// fills first.
const (
	seedBinVolume = "drill-bin"
	seedBin       = "/drill-bin"
)

// installer is the init container that copies drill-volume from the helper image into the
// pod's scratch volume, for the seed containers that run in the service's own image.
func installer(helper string) corev1.Container {
	return corev1.Container{
		Name:            "install",
		Image:           helper,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{"/drill-volume", "install", seedBin + "/drill-volume"},
		VolumeMounts:    []corev1.VolumeMount{{Name: seedBinVolume, MountPath: seedBin}},
	}
}

// seed is the init container that gives a new, empty volume the files, owner and mode of the
// image's directory at path, as Docker does for a volume mounted without nocopy: it runs
// drill-volume (cmd/drill-volume) as root in the service's own image, so an image without a
// shell is seeded too.
func seed(image, volume, path string, i int) corev1.Container {
	root := int64(0)
	name := seedContainer
	if i > 0 {
		name += strconv.Itoa(i)
	}
	return corev1.Container{
		Name:            name,
		Image:           image,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Command:         []string{seedBin + "/drill-volume", "seed", path, seedMount},
		VolumeMounts: []corev1.VolumeMount{
			{Name: volume, MountPath: seedMount},
			{Name: seedBinVolume, MountPath: seedBin, ReadOnly: true},
		},
		SecurityContext: &corev1.SecurityContext{RunAsUser: &root, RunAsGroup: &root},
	}
}

// userContext maps Docker's user (uid or uid:gid) to a security context.
func userContext(user string) (*corev1.SecurityContext, error) {
	u, g, hasGroup := strings.Cut(user, ":")
	uid, err := strconv.ParseInt(u, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("user %q: the kube runtime needs a numeric uid (uid or uid:gid), a pod cannot name a user", user)
	}
	sc := &corev1.SecurityContext{RunAsUser: &uid}
	if hasGroup {
		gid, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("user %q: the kube runtime needs a numeric gid", user)
		}
		sc.RunAsGroup = &gid
	}
	return sc, nil
}

// ServiceObjects are the headless Services that give a pod its names: its own (Name of the
// container's name) and each alias. Each resolves to the pod's address from the moment it has
// one (not-ready addresses published, as a Docker network alias does), and any port of the
// pod answers on it, as on a Docker network.
func ServiceObjects(spec runtime.ContainerSpec, namespace string) ([]*corev1.Service, error) {
	pod := Name(spec.Name)
	var out []*corev1.Service
	for _, alias := range serviceNames(spec) {
		if errs := validation.IsDNS1035Label(alias); len(errs) > 0 {
			return nil, fmt.Errorf("service name %q cannot be a Kubernetes Service name: %s", alias, strings.Join(errs, "; "))
		}
		m := meta(alias, namespace, spec.Labels)
		s := &corev1.Service{
			ObjectMeta: m,
			Spec: corev1.ServiceSpec{
				ClusterIP:                corev1.ClusterIPNone,
				Selector:                 map[string]string{LabelPod: pod},
				PublishNotReadyAddresses: true,
			},
		}
		for _, p := range spec.Ports {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{
				Name: "p" + strconv.Itoa(p), Port: int32(p), Protocol: corev1.ProtocolTCP,
			})
		}
		out = append(out, s)
	}
	return out, nil
}

// serviceNames are the names a container's headless Services take: its own, made to fit, then
// its aliases.
func serviceNames(spec runtime.ContainerSpec) []string {
	names := []string{Name(spec.Name)}
	for _, a := range spec.Aliases {
		if a != names[0] {
			names = append(names, a)
		}
	}
	return names
}
