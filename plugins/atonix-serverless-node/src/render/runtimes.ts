import {
  FunctionRuntime,
  FunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  renderKnativeService,
  renderScalingRule,
  renderTrigger,
} from './knative';
import { renderFunctionAlerts } from './alerts';
import { renderOpenFaasFunction } from './openfaas';
import { renderEventSource } from './sources';

/** One manifest of a function and the file of the function folder it is written to. */
export interface RenderedManifest {
  name: string;
  object: object;
}

/**
 * A runtime's side of rendering: the manifests a spec of that runtime becomes, in apply order. The
 * backend's side of the same runtime (what it watches, its status, its PromQL) is a
 * `FunctionRuntimeModule` in the backend plugin. Keyed by every runtime of `FUNCTION_RUNTIMES`,
 * so a runtime added there does not compile until it has a renderer.
 */
export interface RuntimeRenderer {
  manifests(spec: FunctionSpec): RenderedManifest[];
}

/** Knative: a Service, its custom-metric rule, its Trigger and event source, its alerts. */
const knativeRenderer: RuntimeRenderer = {
  manifests(spec) {
    const manifests: RenderedManifest[] = [
      { name: 'service.yaml', object: renderKnativeService(spec) },
    ];
    if (spec.scaling.metric === 'custom') {
      manifests.push({
        name: 'scaling-rule.yaml',
        object: renderScalingRule(spec),
      });
    }
    if (spec.trigger.type === 'cloudevents') {
      manifests.push({ name: 'trigger.yaml', object: renderTrigger(spec) });
      const source = renderEventSource(spec);
      if (source && spec.trigger.source) {
        manifests.push({
          name: `${spec.trigger.source.type}-source.yaml`,
          object: source,
        });
      }
    }
    manifests.push({ name: 'alerts.yaml', object: renderFunctionAlerts(spec) });
    return manifests;
  },
};

/** OpenFaaS: one Function object. */
const openfaasRenderer: RuntimeRenderer = {
  manifests: spec => [
    { name: 'function.openfaas.yaml', object: renderOpenFaasFunction(spec) },
  ],
};

export const RUNTIME_RENDERERS: Readonly<
  Record<FunctionRuntime, RuntimeRenderer>
> = {
  knative: knativeRenderer,
  openfaas: openfaasRenderer,
};
