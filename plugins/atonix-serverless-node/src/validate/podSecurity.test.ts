import type { ManifestObject } from './objectRules';
import { podSecurityFindings } from './podSecurity';

const deployment = (pod: object): ManifestObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'agent', namespace: 'tools' },
  spec: { template: { spec: pod } },
});

const knativeService = (container: object): ManifestObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'charge-card', namespace: 'payments' },
  spec: { template: { spec: { containers: [{ image: 'x', ...container }] } } },
});

const paths = (
  object: ManifestObject,
  level: 'baseline' | 'restricted',
  defaults = false,
) => podSecurityFindings(object, level, defaults).map(f => f.path.join('.'));

const RESTRICTED_CONTAINER = {
  name: 'app',
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

describe('podSecurityFindings', () => {
  it('lets anything run where privileged is enforced', () => {
    expect(
      podSecurityFindings(
        deployment({ hostNetwork: true }),
        'privileged',
        false,
      ),
    ).toEqual([]);
  });

  it('refuses host namespaces, hostPath, host ports and privileged containers under baseline (check_hostNamespaces.go, check_hostPathVolumes.go, check_hostPorts.go, check_privileged.go)', () => {
    expect(
      paths(
        deployment({
          hostPID: true,
          volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
          containers: [
            {
              name: 'agent',
              ports: [{ containerPort: 80, hostPort: 80 }],
              securityContext: {
                privileged: true,
                capabilities: { add: ['NET_ADMIN'] },
              },
            },
          ],
        }),
        'baseline',
      ),
    ).toEqual([
      'spec.template.spec.hostPID',
      'spec.template.spec.volumes.0.hostPath',
      'spec.template.spec.containers.0.securityContext.privileged',
      'spec.template.spec.containers.0.ports.0.hostPort',
      'spec.template.spec.containers.0.securityContext.capabilities.add',
    ]);
  });

  it('asks restricted namespaces for non-root, no escalation, dropped capabilities and a seccomp profile (check_runAsNonRoot.go, check_allowPrivilegeEscalation.go, check_capabilities_restricted.go, check_seccompProfile_restricted.go)', () => {
    expect(
      paths(deployment({ containers: [{ name: 'app' }] }), 'restricted'),
    ).toEqual([
      'spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation',
      'spec.template.spec.containers.0.securityContext.capabilities.drop',
      'spec.template.spec.containers.0.securityContext.runAsNonRoot',
      'spec.template.spec.containers.0.securityContext.seccompProfile',
    ]);
    expect(
      paths(deployment({ containers: [RESTRICTED_CONTAINER] }), 'restricted'),
    ).toEqual([]);
  });

  it("counts on Knative's secure-pod-defaults for unset fields of a Service, never for root", () => {
    expect(paths(knativeService({}), 'restricted', true)).toEqual([]);
    expect(paths(knativeService({}), 'restricted', false)).toHaveLength(4);
    expect(
      paths(
        knativeService({ securityContext: { runAsUser: 0 } }),
        'restricted',
        true,
      ),
    ).toEqual(['spec.template.spec.containers.0.securityContext.runAsUser']);
  });
});
