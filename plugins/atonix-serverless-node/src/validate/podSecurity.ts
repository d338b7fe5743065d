/**
 * Rule `pod-security`: pod templates checked against the Pod Security level their namespace
 * enforces (`pod-security.kubernetes.io/enforce`), as the API server's Pod Security admission
 * would when the pods are created. The checks mirror k8s.io/pod-security-admission/policy
 * (check_<name>.go for each check named below), for the fields a workload in this repository sets.
 * Knative Services get what Knative's secure-pod-defaults fills in when the cluster enables it
 * (knative/serving knative-v1.18.0 pkg/apis/serving/v1/revision_defaults.go:209-251): unset
 * allowPrivilegeEscalation, seccompProfile, capabilities and runAsNonRoot become restricted ones.
 */
import type { ManifestObject, ObjectFinding } from './objectRules';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';

type Json = Record<string, any>;
type Path = Array<string | number>;

/** Where each workload kind keeps its pod template. */
const POD_SPEC_PATHS: Record<string, Path> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

// check_capabilities_baseline.go
const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
// check_restrictedVolumes.go
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function podSpecPath(object: ManifestObject): Path | undefined {
  if (
    object.apiVersion === 'serving.knative.dev/v1' &&
    object.kind === 'Service'
  ) {
    return ['spec', 'template', 'spec'];
  }
  return object.apiVersion?.startsWith('serving.knative.dev/')
    ? undefined
    : POD_SPEC_PATHS[String(object.kind)];
}

function at(object: unknown, path: Path): unknown {
  return path.reduce<any>((node, key) => node?.[key], object);
}

/**
 * Every way `object`'s pods break the Pod Security `level`; empty for objects without pods.
 * `securePodDefaults` says whether Knative fills in restricted defaults on this cluster.
 */
export function podSecurityFindings(
  object: ManifestObject,
  level: PodSecurityLevel,
  securePodDefaults: boolean,
): ObjectFinding[] {
  const base = podSpecPath(object);
  const pod = base && (at(object, base) as Json | undefined);
  if (!base || !pod || level === 'privileged') {
    return [];
  }
  const defaulted = securePodDefaults && object.kind === 'Service';
  const namespace = object.metadata?.namespace;
  const found: ObjectFinding[] = [];
  const report = (path: Path, what: string) =>
    found.push({
      rule: 'pod-security',
      path: [...base, ...path],
      message: `${what}, which Pod Security "${level}" (enforced on namespace ${namespace}) refuses; the pods of ${object.kind} ${object.metadata?.name} would never be created`,
    });

  // check_hostNamespaces.go
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod[field] === true) report([field], `${field} is true`);
  }
  // check_hostPathVolumes.go, and check_restrictedVolumes.go for restricted
  (Array.isArray(pod.volumes) ? (pod.volumes as Json[]) : []).forEach(
    (volume, index) => {
      const type = Object.keys(volume).find(key => key !== 'name');
      if (type === 'hostPath') {
        report(['volumes', index, 'hostPath'], 'a hostPath volume is mounted');
      } else if (
        level === 'restricted' &&
        type &&
        !RESTRICTED_VOLUMES.includes(type)
      ) {
        report(['volumes', index, type], `a ${type} volume is mounted`);
      }
    },
  );
  const podContext = (pod.securityContext ?? {}) as Json;
  // check_seccompProfile_baseline.go / check_seccompProfile_restricted.go (pod level)
  if (podContext.seccompProfile?.type === 'Unconfined') {
    report(
      ['securityContext', 'seccompProfile', 'type'],
      'seccomp is Unconfined',
    );
  }
  // check_runAsUser.go
  if (level === 'restricted' && podContext.runAsUser === 0) {
    report(['securityContext', 'runAsUser'], 'the pod runs as user 0 (root)');
  }

  for (const list of ['initContainers', 'containers']) {
    (Array.isArray(pod[list]) ? (pod[list] as Json[]) : []).forEach(
      (container, index) => {
        const path: Path = [list, index, 'securityContext'];
        const context = (container.securityContext ?? {}) as Json;
        const name = container.name ?? `${list}[${index}]`;
        // check_privileged.go
        if (context.privileged === true) {
          report([...path, 'privileged'], `container ${name} is privileged`);
        }
        // check_hostPorts.go
        (Array.isArray(container.ports)
          ? (container.ports as Json[])
          : []
        ).forEach((port, portIndex) => {
          if (port.hostPort) {
            report(
              [list, index, 'ports', portIndex, 'hostPort'],
              `container ${name} binds host port ${port.hostPort}`,
            );
          }
        });
        // check_capabilities_baseline.go / check_capabilities_restricted.go
        const added: string[] = context.capabilities?.add ?? [];
        const allowedToAdd =
          level === 'restricted' ? ['NET_BIND_SERVICE'] : BASELINE_CAPABILITIES;
        const extra = added.filter(c => !allowedToAdd.includes(c));
        if (extra.length > 0) {
          report(
            [...path, 'capabilities', 'add'],
            `container ${name} adds capabilities ${extra.join(', ')}`,
          );
        }
        // check_procMount.go
        if (
          context.procMount !== undefined &&
          context.procMount !== 'Default'
        ) {
          report(
            [...path, 'procMount'],
            `container ${name} sets procMount ${context.procMount}`,
          );
        }
        // check_seccompProfile_baseline.go
        if (context.seccompProfile?.type === 'Unconfined') {
          report(
            [...path, 'seccompProfile', 'type'],
            `container ${name} runs with seccomp Unconfined`,
          );
        }
        if (level !== 'restricted') {
          return;
        }
        // check_allowPrivilegeEscalation.go
        if (
          context.allowPrivilegeEscalation !== false &&
          !(defaulted && context.allowPrivilegeEscalation === undefined)
        ) {
          report(
            [...path, 'allowPrivilegeEscalation'],
            `container ${name} does not set allowPrivilegeEscalation: false`,
          );
        }
        // check_capabilities_restricted.go
        const dropped: string[] = context.capabilities?.drop ?? [];
        if (
          !dropped.includes('ALL') &&
          !(defaulted && context.capabilities === undefined)
        ) {
          report(
            [...path, 'capabilities', 'drop'],
            `container ${name} does not drop ALL capabilities`,
          );
        }
        // check_runAsNonRoot.go
        const nonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
        if (nonRoot !== true && !(defaulted && nonRoot === undefined)) {
          report(
            [...path, 'runAsNonRoot'],
            `container ${name} does not set runAsNonRoot: true (nor does the pod)`,
          );
        }
        // check_runAsUser.go
        if (context.runAsUser === 0) {
          report(
            [...path, 'runAsUser'],
            `container ${name} runs as user 0 (root)`,
          );
        }
        // check_seccompProfile_restricted.go
        const seccomp =
          context.seccompProfile?.type ?? podContext.seccompProfile?.type;
        if (
          !['RuntimeDefault', 'Localhost'].includes(seccomp) &&
          !(defaulted && seccomp === undefined)
        ) {
          report(
            [...path, 'seccompProfile'],
            `container ${name} sets no seccompProfile RuntimeDefault or Localhost (nor does the pod)`,
          );
        }
      },
    );
  }
  return found;
}
