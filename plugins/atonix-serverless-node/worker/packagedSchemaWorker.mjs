// Validates objects against the @kubernetes-models packages. Those packages are ES modules only,
// which neither Jest nor the Backstage backend's CommonJS transform can require, so they are
// loaded here, in a worker thread running plain Node.
import { parentPort } from 'node:worker_threads';

const PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/knative',
  '@kubernetes-models/flux-cd',
  '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/keda',
];

const models = new Map();
function collect(namespace, depth) {
  for (const value of Object.values(namespace)) {
    if (
      typeof value === 'function' &&
      typeof value.apiVersion === 'string' &&
      typeof value.kind === 'string'
    ) {
      models.set(`${value.apiVersion}/${value.kind}`, value);
    } else if (value && typeof value === 'object' && depth < 4) {
      collect(value, depth + 1);
    }
  }
}
for (const module of await Promise.all(PACKAGES.map(name => import(name)))) {
  collect(module, 0);
}

// The packaged validators do not reject unknown fields. They do read every property they know
// (`data.image`, `for (key in labels)`), so a proxy that records reads tells which fields of an
// object the schema knows; an object read at least once but with unread keys has unknown fields.
// Objects never read are free-form in the schema (e.g. HelmRelease values) and are not checked.
function validateStrictly(model, object) {
  const reads = new WeakMap();
  const proxies = new WeakMap();
  const wrap = value => {
    if (value === null || typeof value !== 'object') return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      const keys = new Set();
      reads.set(value, keys);
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === 'string') keys.add(key);
          return wrap(Reflect.get(target, key, receiver));
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  const issues = [];
  try {
    model.prototype.validate.call(wrap(object));
  } catch (error) {
    for (const e of error.errors ?? []) {
      issues.push({
        pointer:
          e.keyword === 'required'
            ? `${e.instancePath}/${e.params.missingProperty}`
            : e.instancePath,
        keyword: e.keyword,
        message:
          e.keyword === 'required'
            ? 'is required'
            : `${e.message}${
                e.params?.allowedValues
                  ? ` (${e.params.allowedValues.join(', ')})`
                  : ''
              }`,
      });
    }
  }
  const visit = (value, pointer) => {
    if (value === null || typeof value !== 'object') return;
    const keys = reads.get(value);
    if (!Array.isArray(value) && keys && keys.size > 0) {
      for (const key of Object.keys(value)) {
        if (!keys.has(key)) {
          issues.push({
            pointer: `${pointer}/${key}`,
            keyword: 'unknown',
            message: 'is not a field of this kind',
          });
        }
      }
    }
    for (const [key, child] of Object.entries(value))
      visit(child, `${pointer}/${key}`);
  };
  visit(object, '');
  return issues;
}

parentPort.on('message', ({ id, objects }) => {
  const results = objects.map(object => {
    const model = models.get(`${object?.apiVersion}/${object?.kind}`);
    return model
      ? { known: true, issues: validateStrictly(model, object) }
      : { known: false, issues: [] };
  });
  parentPort.postMessage({ id, results });
});
parentPort.postMessage({ ready: true });
