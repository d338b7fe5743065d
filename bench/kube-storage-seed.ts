// Seeds a large fleet straight into the API server's etcd, stored exactly as kube-apiserver stores
// custom resources, because creating 10,000 objects and their status through the API (two
// server-side applies each) takes about 25 minutes on the shared 2-core machine and this takes
// seconds. The API server's watch cache sees the writes as any other etcd change, so the backends
// list and watch them through the real API server; the seed checks that the API answers them as it
// answers objects it wrote itself.
//
// How kube-apiserver v1.36.3 (tools/kube-apiserver/go.mod) stores a custom resource, read in
// k8s.io/kubernetes@v1.36.3, k8s.io/apiserver@v0.36.3 and k8s.io/apiextensions-apiserver@v0.36.3:
// - key: the etcd prefix "/registry" (kubernetes pkg/kubeapiserver/options/options.go:33), then
//   the resource prefix "<group>/<plural>" of the SimpleStorageFactory custom resources use
//   (apiextensions-apiserver pkg/cmd/server/options/options.go:159, apiserver
//   pkg/server/options/etcd.go:510-512), then "/<namespace>/<name>" (apiserver
//   pkg/registry/generic/registry/store.go:269-294), joined in pkg/storage/etcd3/store.go:1116-1127;
// - value: the object as unstructured JSON (options.go:141; CBOR only behind the alpha
//   CBORServingAndStorage gate, off by default: apiserver pkg/features/kube_features.go:386-387),
//   without resourceVersion, which the server reads from the key's etcd revision
//   (pkg/storage/api_object_versioner.go:63-71), and no encryption (no
//   --encryption-provider-config);
// - a create is a put guarded by "the key does not exist yet" (store.go:274-315, OptimisticPut
//   with revision 0); we guard the same way, so a key the seed would overwrite fails it.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type {
  KubeApiServerProcess,
  KubeObject,
} from '@internal/atonix-test-servers';

const ETCD_PREFIX = '/registry';
// etcd v3.6.8's defaults (go.etcd.io/etcd/server/v3 embed/config.go:64-67): at most 128
// operations per transaction and 1.5 MiB per request; batches stay under both.
const MAX_TXN_OPS = 128;
const MAX_TXN_BYTES = 1024 * 1024;
const PARALLEL_TXNS = 4;

type Stored = { key: string; value: string };

const b64 = (text: string) => Buffer.from(text).toString('base64');
const ownerKey = (apiVersion: string, kind: string, ns: string, name: string) =>
  `${apiVersion}/${kind}/${ns}/${name}`;

/** The resource (plural) of each kind in the API groups of `objects`, from the server's discovery. */
async function pluralsOf(server: KubeApiServerProcess, objects: KubeObject[]) {
  const plurals = new Map<string, string>();
  for (const apiVersion of new Set(objects.map(o => o.apiVersion!))) {
    const { body } = await server.request<{
      resources: { name: string; kind: string; namespaced: boolean }[];
    }>('GET', `/apis/${apiVersion}`);
    for (const r of body.resources.filter(x => !x.name.includes('/'))) {
      if (!r.namespaced) {
        throw new Error(
          `${r.kind} (${apiVersion}) is cluster-scoped; the storage seed writes namespaced objects only`,
        );
      }
      plurals.set(`${apiVersion}/${r.kind}`, r.name);
    }
  }
  return plurals;
}

/**
 * Writes `objects` (namespaced custom resources with their status, owners before what they own)
 * into the server's etcd as the server would have stored them when created, with the
 * managedFields of `reference`, an object of the same kind the server applied itself (so the
 * objects the backends receive are as large as applied ones). Their namespaces must exist.
 * Answers how many objects were written.
 */
export async function seedThroughStorage(
  server: KubeApiServerProcess,
  objects: KubeObject[],
  references: KubeObject[],
): Promise<number> {
  const plurals = await pluralsOf(server, objects);
  const managedFields = new Map<string, unknown>();
  for (const reference of references) {
    const { body } = await server.request(
      'GET',
      resourcePath(plurals, reference),
    );
    managedFields.set(
      `${reference.apiVersion}/${reference.kind}`,
      body.metadata.managedFields,
    );
  }
  const uids = new Map<string, string>();
  const stored: Stored[] = objects.map(object => {
    const { apiVersion, kind, metadata } = object as Required<KubeObject>;
    const uid = randomUUID();
    uids.set(
      ownerKey(apiVersion, kind, metadata.namespace!, metadata.name),
      uid,
    );
    const group = apiVersion.split('/')[0];
    return {
      key: `${ETCD_PREFIX}/${group}/${plurals.get(`${apiVersion}/${kind}`)}/${
        metadata.namespace
      }/${metadata.name}`,
      value: JSON.stringify({
        ...object,
        metadata: {
          ...metadata,
          uid,
          // A custom resource with a status subresource starts at generation 1.
          generation: 1,
          creationTimestamp:
            metadata.creationTimestamp ?? new Date().toISOString(),
          ownerReferences: metadata.ownerReferences?.map(owner => {
            const ownerUid = uids.get(
              ownerKey(
                owner.apiVersion,
                owner.kind,
                metadata.namespace!,
                owner.name,
              ),
            );
            if (!ownerUid) {
              throw new Error(
                `${kind} ${metadata.namespace}/${metadata.name} is owned by ${owner.kind} ${owner.name}, which comes later in the seed or not at all; put owners first`,
              );
            }
            return { ...owner, uid: ownerUid };
          }),
          managedFields: managedFields.get(`${apiVersion}/${kind}`),
        },
      }),
    };
  });

  const batches: Stored[][] = [[]];
  let bytes = 0;
  for (const entry of stored) {
    const size = entry.key.length + entry.value.length;
    const batch = batches[batches.length - 1];
    if (batch.length === MAX_TXN_OPS || bytes + size > MAX_TXN_BYTES) {
      batches.push([entry]);
      bytes = size;
    } else {
      batch.push(entry);
      bytes += size;
    }
  }
  for (let i = 0; i < batches.length; i += PARALLEL_TXNS) {
    await Promise.all(
      batches.slice(i, i + PARALLEL_TXNS).map(batch => put(server, batch)),
    );
  }
  await checkServed(server, plurals, [...references, ...objects]);
  return stored.length;
}

/** One etcd transaction (its v3 JSON gateway): every key created, or none if one exists. */
async function put(server: KubeApiServerProcess, batch: Stored[]) {
  const res = await fetch(`${server.etcdUrl}/v3/kv/txn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      compare: batch.map(({ key }) => ({
        key: b64(key),
        target: 'CREATE',
        result: 'EQUAL',
        create_revision: '0',
      })),
      success: batch.map(({ key, value }) => ({
        request_put: { key: b64(key), value: b64(value) },
      })),
    }),
  });
  const body = await res.json();
  if (!res.ok || !body.succeeded) {
    throw new Error(
      `etcd refused a seed transaction of ${batch.length} objects from ${
        batch[0].key
      }: ${
        res.ok
          ? 'one of its keys exists already (seed an empty server)'
          : JSON.stringify(body)
      }`,
    );
  }
}

function resourcePath(plurals: Map<string, string>, object: KubeObject) {
  const { apiVersion, kind, metadata } = object;
  return `/apis/${apiVersion}/namespaces/${metadata.namespace}/${plurals.get(
    `${apiVersion}/${kind}`,
  )}/${metadata.name}`;
}

/**
 * The API server serves every seeded object, and answers the first of each kind (a reference it
 * applied itself, then one the seed wrote) with the labels, annotations, owners, spec and status
 * it was given: nothing pruned, defaulted or refused on write or on read.
 */
async function checkServed(
  server: KubeApiServerProcess,
  plurals: Map<string, string>,
  objects: KubeObject[],
) {
  const kinds = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const kind = `${object.apiVersion}/${object.kind}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), object]);
  }
  for (const [kind, ofKind] of kinds) {
    const apiVersion = ofKind[0].apiVersion;
    // The watch cache takes the writes in as etcd events, a moment after the seed.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listed = await server.request(
        'GET',
        `/apis/${apiVersion}/${plurals.get(kind)}?limit=1`,
      );
      const served =
        (listed.body.items?.length ?? 0) +
        (listed.body.metadata?.remainingItemCount ?? 0);
      if (served === ofKind.length) break;
      if (Date.now() > deadline) {
        throw new Error(
          `The API server lists ${served} ${kind} 60 s after the storage seed wrote ${ofKind.length}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    const parts = (o: any) => ({
      labels: o.metadata.labels,
      annotations: o.metadata.annotations,
      owners: o.metadata.ownerReferences?.map(
        ({ uid, ...owner }: any) => owner,
      ),
      spec: o.spec,
      status: o.status,
    });
    for (const object of [ofKind[0], ofKind[ofKind.length - 1]]) {
      const { body } = await server.request(
        'GET',
        resourcePath(plurals, object),
      );
      if (!isDeepStrictEqual(parts(body), parts(object))) {
        throw new Error(
          `The API server answers ${kind} ${object.metadata.namespace}/${
            object.metadata.name
          } unlike what it was given: ${JSON.stringify(
            parts(body),
          )} vs ${JSON.stringify(parts(object))}`,
        );
      }
    }
  }
}
